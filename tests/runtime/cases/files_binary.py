# Binary files: bytes in and out, seek/tell, readinto, partial reads.
data = bytes(range(256)) * 20
with open("blob.bin", "wb") as f:
    print(f.write(data), f.write(bytearray(b"tail")), f.write(memoryview(b"--mv--")[2:4]), f.tell())

with open("blob.bin", "rb") as f:
    print(f.read(4), f.tell())
    f.seek(250)
    print(f.read(10), f.tell())
    f.seek(-6, 2)
    print(f.read())
    f.seek(0)
    buf = bytearray(1000)
    print(f.readinto(buf), buf[:3], buf[-3:], f.tell())
    f.seek(-100, 1)
    print(f.tell(), f.read(2))
    mv = memoryview(bytearray(8))
    print(f.readinto(mv), bytes(mv))
    f.seek(0)
    total = 0
    while True:
        chunk = f.read(777)
        if not chunk:
            break
        total += len(chunk)
    print("chunks total", total)

with open("blob.bin", "r+b") as f:
    f.seek(10)
    f.write(b"\xff\xfe")
    f.seek(8)
    print(f.read(6))
    print(f.readline()[:4])

with open("lines.bin", "wb") as f:
    f.write(b"one\ntwo\n\nfour")
with open("lines.bin", "rb") as f:
    print(list(f))
with open("lines.bin", "rb") as f:
    print(f.readline(2), f.readline(), f.readlines())
try:
    with open("lines.bin", "rb") as f:
        f.write(b"no")
except OSError:
    print("read-only file refuses write")
try:
    with open("lines.bin", "wb") as f:
        f.write("text")
except TypeError:
    print("binary file refuses str")
try:
    with open("lines.txt", "w") as f:
        f.write(b"bytes")
except TypeError:
    print("text file refuses bytes")
