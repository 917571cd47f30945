# chr, ord, hex, oct, bin.
print(chr(97), chr(0x263A), ord("a"), ord("€"), ord(b"A"), ord(bytearray(b"z")))
print(hex(0), hex(255), hex(-255), oct(64), oct(-8), bin(10), bin(-10), bin(0))
print([chr(i) for i in range(65, 70)], "".join(chr(ord(c) ^ 32) for c in "Swap"))
class Idx:
    def __index__(self):
        return 42
print(hex(Idx()), bin(Idx()), oct(Idx()), [0] * 0 + list(range(Idx()))[-1:])
try:
    hex(1.5)
except TypeError as e:
    print("TypeError", e)
