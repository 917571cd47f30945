# Comparisons between ints, big ints, floats and bools.
big = 2 ** 70
print(big > 2 ** 69, big == 2 ** 70, -big < 0, big > 1e20, big < 1e22, big == float(big))
print(2 ** 53 + 1 == float(2 ** 53 + 1), 2 ** 53 + 1 > float(2 ** 53), 1 == 1.0, 1 < 1.5)
print(True == 1, False < 1, 3 > True, max(1, 2.5, True), min(-1, -1.0))
print(sorted([3, 1.5, 2 ** 65, -7, 0, True, -2.5]))
print(10 ** 400 > float("inf"), 10 ** 400 < float("inf"), -10 ** 400 > float("-inf"))
print(float("nan") == 1, 1 < float("nan"), 0 == -0.0)
