# sum of floats is left-to-right; sum of ints is exact.
print(sum([1e100, 1.0, -1e100]), sum([0.1] * 3), sum(range(10 ** 6)), sum(i * i for i in range(1000)))
print(sum([1, 2.0]), sum([True, True, 3]), sum([], 0.0), sum([[1], [2, 3]], []))
