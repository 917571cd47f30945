# io: in-memory streams (StringIO, BytesIO); files come from open().


class _MemIO:
    def __init__(self, initial=None):
        self._buf = self._empty + (initial or self._empty)
        self._pos = 0
        self.closed = False

    def _check(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def getvalue(self):
        self._check()
        return self._buf

    def write(self, s):
        self._check()
        if not isinstance(s, self._kinds):
            raise TypeError("write() argument has the wrong type: %s" % type(s).__name__)
        b, p = self._buf, self._pos
        if p > len(b):
            b += self._pad * (p - len(b))
        self._buf = b[:p] + s + b[p + len(s):]
        self._pos = p + len(s)
        return len(s)

    def read(self, n=-1):
        self._check()
        p = self._pos
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), p + n)
        self._pos = max(p, end)
        return self._buf[p:end]

    def readline(self, n=-1):
        self._check()
        p = self._pos
        end = self._buf.find(self._nl, p)
        end = len(self._buf) if end < 0 else end + 1
        if n is not None and n >= 0:
            end = min(end, p + n)
        self._pos = max(p, end)
        return self._buf[p:end]

    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def seek(self, pos, whence=0):
        self._check()
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek value %d" % pos)
        self._pos = pos
        return pos

    def tell(self):
        self._check()
        return self._pos

    def flush(self):
        self._check()

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class StringIO(_MemIO):
    _empty, _pad, _nl, _kinds = "", "\0", "\n", (str,)


class BytesIO(_MemIO):
    _empty, _pad, _nl, _kinds = b"", b"\0", b"\n", (bytes, bytearray, memoryview)

    def write(self, s):
        return _MemIO.write(self, bytes(s))
