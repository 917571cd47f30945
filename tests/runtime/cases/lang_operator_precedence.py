# Operator precedence across categories.
print(1 + 2 * 3 ** 2, -3 ** 2, not 1 + 1 == 2, 1 | 2 ^ 3 & 4)
print(1 < 2 and 2 < 3 or False, not True or True, not (True or True))
print(2 * -1, 4 - -4, ~1 + 1, 10 - 2 - 3, 2 ** -1, 8 // 3 * 2)
x = [1, 2, 3]
print(1 in x and 4 not in x, x[1] ** 2, -x[0])
print(1 if 0 else 2 if 0 else 3, (lambda: 1 if True else 2)())
print("a" + "b" * 2, ("a" + "b") * 2, 3 * "x" + "y")
print(1 << 2 + 1, (1 << 2) + 1, 7 & 3 == 3, (7 & 3) == 3)
