# list operators, comparison, nesting, aliasing.
a = [1, 2, 3]
b = a + [4]
print(a * 2, b, [0] * 3, a == [1, 2, 3], a < [1, 2, 4], [1, 2] < [1, 2, 0], [] < [0])
m = [[0] * 3 for _ in range(2)]
m[0][0] = 1
bad = [[0] * 3] * 2
bad[0][0] = 1
print(m, bad)
alias = a
alias.append(99)
print(a, a is alias, list(a) is a)
print(a[-1], a[1:], list(range(5))[::-2], [x for x in a if x > 1])
print(repr([]), str([[]]), [None, True, "s", 1.5, (1,)])
rec = [1]
rec.append(rec)
print(rec)
print(len([[], [], []]), sum([[1], [2]], []), max([[1, 2], [1, 3]]))
