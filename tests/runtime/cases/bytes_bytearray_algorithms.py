# Byte-level algorithms: XOR cipher, hexdump, base conversion.
key = b"k3y"
msg = b"attack at dawn"
enc = bytes(b ^ key[i % len(key)] for i, b in enumerate(msg))
dec = bytes(b ^ key[i % len(key)] for i, b in enumerate(enc))
print(enc.hex(), dec)
data = bytes(range(0, 256, 7))
for off in range(0, len(data), 16):
    chunk = data[off:off + 16]
    print("%04x  %-47s  %s" % (off, " ".join("%02x" % b for b in chunk), "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)))
buf = bytearray()
n = 2 ** 70 + 12345
while n:
    buf.append(n & 0xFF)
    n >>= 8
print(bytes(buf), int.from_bytes(buf, "little") == 2 ** 70 + 12345)
