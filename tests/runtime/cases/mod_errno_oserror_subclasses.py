# OSError built with an errno maps to the matching subclass.
import errno
for code in (errno.ENOENT, errno.EEXIST, errno.EACCES, errno.ETIMEDOUT, errno.EAGAIN, errno.EINVAL):
    e = OSError(code, "msg")
    print(code, errno.errorcode[code], type(e).__name__)
