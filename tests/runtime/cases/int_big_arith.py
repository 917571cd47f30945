# Arbitrary-precision integer arithmetic.
a = 2 ** 100
b = 3 ** 70
print(a, b)
print(a + b, a - b, b - a, a * b)
print(a // 7, a % 7, -a // 7, -a % 7, b // a, b % a)
print(divmod(b, a), divmod(-b, a), divmod(b, -12345678901234567890))
print(a ** 3)
print((a * b) // b == a, (a * b) % b)
print(-(2 ** 64), abs(-(2 ** 64)), -(-(2 ** 63)))
print(123456789012345678901234567890 * 987654321098765432109876543210)
