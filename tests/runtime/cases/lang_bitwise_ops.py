# Bitwise operators on ints, including negatives.
x, y = 0b1100, 0b1010
print(x & y, x | y, x ^ y, ~x, x << 3, x >> 2)
print(-12 & 7, -12 | 7, -12 ^ 7, -12 >> 1, -1 >> 10, ~-1)
print(1 << 0, 1 << 62, 1 << 64, (1 << 64) >> 63)
print(bin(x & ~y), hex(0xFF ^ 0x0F), oct(8 | 1))
print(5 & 3 | 8 ^ 1, 1 + 2 << 1, 3 << 1 + 1)
