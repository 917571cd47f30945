# range objects: lengths, indexing, slicing, membership, repr, negative steps.
r = range(2, 20, 3)
print(r, list(r), len(r), r[0], r[-1], r[2:4], 5 in r, 6 in r, r.index(11), r.count(8))
print(list(range(5)), list(range(5, 0, -1)), list(range(0)), list(range(3, 3)), list(range(-5, -1)))
print(len(range(10 ** 18)), range(10 ** 20)[-1], 10 ** 19 in range(10 ** 20))
print(range(0, 10, 2) == range(0, 9, 2), reversed(range(3)).__next__(), list(reversed(range(1, 8, 3))))
print(repr(range(1, 5, 1)), repr(range(4)), range(3).start, range(3).stop, range(3).step)
try:
    range(1, 5, 0)
except ValueError as e:
    print("ValueError", e)
try:
    range(3)[5]
except IndexError as e:
    print("IndexError", e)
