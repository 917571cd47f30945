# binascii: hexlify/unhexlify, base64, crc32.
import binascii
print(binascii.hexlify(b"\x00\x01\xfe\xff"), binascii.unhexlify(b"deadbeef"), binascii.unhexlify("41"))
print(binascii.hexlify(b"abc", "-") if False else binascii.b2a_hex(b"abc"), binascii.a2b_hex("616263"))
print(binascii.b2a_base64(b"hello world"), binascii.b2a_base64(b""), binascii.b2a_base64(b"ab"), binascii.b2a_base64(b"a"))
print(binascii.a2b_base64(b"aGVsbG8gd29ybGQ=\n"), binascii.a2b_base64("YWI="))
print(binascii.crc32(b"hello"), binascii.crc32(b""), binascii.crc32(b"world", binascii.crc32(b"hello ")), binascii.crc32(b"hello world"))
print(binascii.b2a_base64(bytes(range(256)))[:40])
try:
    binascii.unhexlify(b"abc")
except (binascii.Error, ValueError):
    print("odd-length error")
try:
    binascii.unhexlify(b"zz")
except (binascii.Error, ValueError):
    print("non-hex error")
