# Mixed bool/int/float operations and their result types.
ops = [True + 1, True * 2.5, 3 // True, 7 % 2.0, 2 ** 3, 2 ** -1, 2.0 ** 2, -7 // 2.0, abs(-True)]
print(ops, [type(o).__name__ for o in ops])
print(1 == 1.0 == True, hash(1) == hash(1.0) == hash(True), int(True) + float(False))
print(round(7 / 3, 4), 7 / 7, type(7 / 7).__name__, 2 ** 100 // 2.0 ** 90)
