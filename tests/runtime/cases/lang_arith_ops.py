# Integer arithmetic operators and precedence.
a, b = 17, 5
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** 2)
print(-a // b, -a % b, a // -b, a % -b, -a // -b, -a % -b)
print(2 + 3 * 4, (2 + 3) * 4, 2 ** 3 ** 2, -2 ** 2, (-2) ** 2)
print(7 - 3 - 2, 100 / 10 / 5, 2 * 3 % 4, 1 + -1, - - 3, +4)
print(10 // 3 * 3 + 10 % 3)
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5))
