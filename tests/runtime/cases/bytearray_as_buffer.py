# bytearray as a growable I/O buffer with slicing and find.
buf = bytearray()
for part in (b"GET /index", b".html HTTP/1.1\r\nHost: x\r\n", b"\r\nBODY"):
    buf += part
end = buf.find(b"\r\n\r\n")
head, body = bytes(buf[:end]), bytes(buf[end + 4:])
lines = head.split(b"\r\n")
method, path, ver = lines[0].split(b" ")
print(method, path, ver, lines[1:], body)
del buf[:end + 4]
print(buf, len(buf))
buf[0:0] = b">>"
buf.extend(bytes(3))
print(buf, buf.count(0), buf.rstrip(b"\x00"))
