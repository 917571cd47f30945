# tuples: packing, indexing, methods, comparison, hashing, immutability.
t = 1, 2, 3
print(t, type(t).__name__, t[0], t[-1], t[1:], len(t), t + (4,), t * 2, (1,), ())
print(t.count(2), t.index(3), 2 in t, (1, 2) < (1, 3), (2,) > (1, 9), tuple([1, 2]), tuple("ab"))
try:
    t[0] = 9
except TypeError as e:
    print("TypeError", e)
print(hash((1, 2)) == hash((1, 2)), {(1, 2): "pair"}[(1, 2)])
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], repr((None,)), str(((),)))
a, b = t[:2]
print(a, b, max(t), min(t), sum(t), sorted((3, 1, 2)))
try:
    hash(([1],))
except TypeError as e:
    print("TypeError", e)
