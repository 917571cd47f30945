# Bitwise operations on big and negative ints (two's complement semantics).
a = (1 << 100) | 0xF0F0
b = -(1 << 90) + 12345
print(a & b, a | b, a ^ b, ~a, ~b)
print(a >> 3, a >> 200, b >> 5, b >> 200, a << 77, b << 33)
print(-1 & (1 << 80), -1 ^ (1 << 80), (1 << 80) - 1 & -(1 << 40))
print(bin(a)[:20], hex(b), oct(a))
print((12345 << 64) >> 64, -(12345 << 64) >> 64)
