# struct errors.
import struct
for fmt, args in [("<B", (256,)), ("<b", (-129,)), ("<H", (-1,)), ("<I", ("x",)), ("<Z", (1,)), ("<II", (1,))]:
    try:
        struct.pack(fmt, *args)
        print("packed")
    except struct.error as e:
        print("struct.error", type(e).__name__)
try:
    struct.unpack("<I", b"\x00\x00")
except struct.error as e:
    print("struct.error on short buffer")
print(struct.calcsize("<0s"), struct.unpack("<i", b"\xff\xff\xff\xff"))
