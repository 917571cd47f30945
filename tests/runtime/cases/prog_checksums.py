# Checksums: CRC32 by table versus binascii, Adler-32 and Fletcher-16 by hand.
import binascii
def make_table():
    t = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        t.append(c)
    return t
TABLE = make_table()
def crc32(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
def adler32(data):
    a, b = 1, 0
    for x in data:
        a = (a + x) % 65521
        b = (b + a) % 65521
    return (b << 16) | a
def fletcher16(data):
    s1 = s2 = 0
    for x in data:
        s1 = (s1 + x) % 255
        s2 = (s2 + s1) % 255
    return (s2 << 8) | s1
for data in (b"", b"a", b"abcde", b"The quick brown fox jumps over the lazy dog", bytes(range(256)) * 4):
    print(len(data), crc32(data), crc32(data) == binascii.crc32(data), adler32(data), fletcher16(data))
