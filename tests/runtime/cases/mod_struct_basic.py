# struct pack/unpack/calcsize for common formats.
import struct
print(struct.pack("<I", 1), struct.pack(">I", 1), struct.pack("<h", -2), struct.pack(">Q", 2 ** 63))
print(struct.pack("<bBhHiIqQ", -1, 255, -300, 65535, -70000, 4000000000, -(2 ** 40), 2 ** 64 - 1))
print(struct.unpack("<bBhHiIqQ", struct.pack("<bBhHiIqQ", -1, 255, -300, 65535, -70000, 4000000000, -(2 ** 40), 2 ** 64 - 1)))
print(struct.calcsize("<I"), struct.calcsize("<bhiq"), struct.calcsize("@bhiq"), struct.calcsize("3s2x"))
print(struct.pack("<f", 1.5), struct.pack(">d", -2.25), struct.unpack("<f", b"\x00\x00\xc0\x3f"))
print(struct.unpack(">d", struct.pack(">d", 0.1)), struct.pack("<?", True), struct.unpack("<??", b"\x00\x05"))
print(struct.pack("4s", b"ab"), struct.pack("2s", b"abcd"), struct.unpack("<3sB", b"xyz\x07"))
print(struct.pack("!H", 0x1234), struct.pack("=i", 1), struct.pack("<2H", 1, 2), struct.unpack("<2H", b"\x01\x00\x02\x00"))
buf = bytearray(8)
struct.pack_into("<HI", buf, 1, 7, 99)
print(buf, struct.unpack_from("<I", buf, 3))
