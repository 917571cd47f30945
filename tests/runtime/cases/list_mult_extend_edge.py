# Edge cases: negative repetition, extend with itself, list of lists aliasing.
print([1, 2] * -1, [1] * 0, [] * 5, [None] * 3)
l = [1, 2]
l.extend(l)
print(l)
l += l
print(l, len(l))
x = [0]
y = x * 3
y[0] = 9
print(x, y)
print(list(range(3)) == [0, 1, 2], [1, 2] == (1, 2), [] == [], [[]] == [[]])
print([1, 2, 3].index(3, -1), [3, 2, 1].count(4), [1, [2]].count([2]))
