# struct: floats round trip and endianness markers.
import struct
for v in (0.0, -0.0, 1.0, 0.1, 1e300, -2.5e-300, float("inf")):
    d = struct.pack(">d", v)
    print(d.hex(), struct.unpack(">d", d)[0] == v, struct.unpack("<d", struct.pack("<d", v))[0])
print(struct.unpack("<f", struct.pack("<f", 0.1))[0])
print(struct.pack("<i", -2), struct.pack(">i", -2), struct.pack("!i", -2), struct.unpack(">H", b"\xff\x00"))
print(struct.pack("<3B", 1, 2, 3), struct.unpack("<4b", bytes([255, 128, 127, 0])))
