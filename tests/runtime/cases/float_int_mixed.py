# Mixed int/float arithmetic promotes to float; big ints convert exactly or overflow.
print(1 + 2.0, 3 * 0.5, 7 / 2, 7 // 2.0, 7 % 2.5, 2 ** 0.5 * 2 ** 0.5)
print(2 ** 70 + 0.5, 2 ** 70 * 1.0, float(10 ** 22), 10 ** 22 / 1.0)
try:
    float(10 ** 400)
except OverflowError as e:
    print("OverflowError", e)
try:
    10 ** 400 / 1.5
except OverflowError as e:
    print("OverflowError", e)
print((10 ** 400) / (10 ** 399), (10 ** 400) // 10.0 ** 300 if False else "skip")
print(sum([0.1] * 10), sum([1, 2.5, 3]), 3 == 3.0, 0.1 + 0.2 == 0.3)
