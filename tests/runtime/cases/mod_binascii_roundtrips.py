# binascii round trips on many byte strings.
import binascii
ok = True
for n in range(0, 70):
    data = bytes((i * 31 + n) % 256 for i in range(n))
    if binascii.unhexlify(binascii.hexlify(data)) != data:
        ok = False
    if binascii.a2b_base64(binascii.b2a_base64(data)) != data:
        ok = False
print(ok)
print(binascii.b2a_base64(b"\xff\xfe\xfd"), binascii.hexlify(bytearray(b"\x10\x20")))
print(hex(binascii.crc32(b"123456789")), binascii.crc32(b"a" * 1000) & 0xFFFFFFFF)
