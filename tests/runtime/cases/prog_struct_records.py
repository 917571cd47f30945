# Packing and unpacking binary records with struct.
import struct
REC = "<HhI8sd"
recs = [(1, -5, 4000000000, b"alpha", 1.5), (2, 300, 7, b"beta-long-name", -0.25)]
blob = b"".join(struct.pack(REC, *r) for r in recs)
size = struct.calcsize(REC)
print(size, len(blob), blob[:12].hex())
for off in range(0, len(blob), size):
    i, s, u, name, f = struct.unpack_from(REC, blob, off)
    print(i, s, u, name.rstrip(b"\x00"), f)
hdr = struct.pack(">4sHH", b"QVMF", 1, 56)
print(hdr, struct.unpack(">4sHH", hdr))
