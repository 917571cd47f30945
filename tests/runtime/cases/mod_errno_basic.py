# errno constants and errorcode.
import errno
print(errno.ENOENT, errno.EEXIST, errno.EINVAL, errno.EAGAIN, errno.ENOMEM, errno.EBADF, errno.EACCES)
print(errno.errorcode[errno.ENOENT], errno.errorcode[errno.EINVAL], errno.ETIMEDOUT, errno.ECONNRESET)
try:
    raise OSError(errno.ENOENT, "not found")
except OSError as e:
    print(e.errno == errno.ENOENT, e.args, str(e))
