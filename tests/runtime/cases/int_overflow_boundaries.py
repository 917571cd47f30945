# Results crossing machine-word boundaries.
for k in (30, 31, 32, 62, 63, 64, 65):
    n = 2 ** k
    print(k, n - 1, n, n + 1, -n, -n - 1, (n - 1) * (n + 1))
print(9223372036854775807 + 1, -9223372036854775808 - 1)
print(4611686018427387904 * 2, 4611686018427387903 + 4611686018427387903)
x = 1
for i in range(70):
    x *= 3
print(x)
print(2 ** 63 // 2 ** 62, (2 ** 64) >> 1, (2 ** 64 - 1) & 0xFFFF)
print(-(2 ** 63) // -1, abs(-(2 ** 63)))
