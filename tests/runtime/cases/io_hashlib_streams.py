# io.StringIO/BytesIO and hashlib.sha256 (which mpremote uses to compare files).
import hashlib, io
for data in [b'', b'abc', b'a' * 55, b'a' * 56, b'a' * 64, b'x' * 1000, bytes(range(256)) * 3]:
    h = hashlib.sha256(data)
    print(h.hexdigest(), h.digest()[:4])
h = hashlib.sha256()
for i in range(100):
    h.update(bytearray([i]) * i)
h2 = h.copy()
h2.update(b'more')
print(h.hexdigest(), h2.hexdigest(), h.digest_size, h.block_size, h.name)
h.update(memoryview(b'abcdef')[1:3]); print(h.hexdigest())
s = io.StringIO('hello\nworld\n')
print(repr(s.readline()), repr(s.read(3)), s.tell(), s.readlines())
s.write('!'); s.seek(0); print(repr(s.read()), repr(s.getvalue()))
s = io.StringIO(); print(s.write('abc'), s.write('é'), repr(s.getvalue()), s.tell())
s.seek(1); s.write('Z'); print(s.getvalue())
b = io.BytesIO(b'0123456789')
print(b.read(2), b.seek(-2, 2), b.read(), b.write(bytearray(b'AB')), b.getvalue())
b.seek(14); b.write(b'x'); print(b.getvalue())
print(list(io.BytesIO(b'a\nb\nc')))
with io.StringIO('x') as s:
    pass
try:
    s.read()
except ValueError as e:
    print(e)
print('x', file=io.StringIO())
out = io.StringIO(); print('to', 'stringio', file=out, sep='-'); print(repr(out.getvalue()))
try:
    io.StringIO().write(b'x')
except TypeError:
    print('TypeError')
