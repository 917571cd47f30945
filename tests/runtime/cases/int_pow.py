# Integer powers and three-argument pow.
print(2 ** 0, 0 ** 0, (-3) ** 3, 7 ** 23, (-2) ** 65)
print(pow(3, 200, 1000007), pow(2, 10 ** 5, 10 ** 9 + 7), pow(-5, 3, 7), pow(5, 3, -7))
print(pow(3, -1, 11), pow(38, -1, 97))
print(2 ** -2, type(2 ** -2).__name__, 10 ** -3)
print(pow(0, 0), pow(1, 10 ** 6), pow(-1, 10 ** 6 + 1))
try:
    pow(2, -1, 4)
except ValueError as e:
    print("ValueError", e)
try:
    pow(2, 3, 0)
except ValueError as e:
    print("ValueError", e)
