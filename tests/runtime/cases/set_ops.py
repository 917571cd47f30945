# set and frozenset operations (printed sorted: iteration order is not part of the language).
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union([9])), sorted(a.intersection(b, {4})), sorted(a.difference(b)), sorted(a.symmetric_difference(b)))
print({1, 2} <= a, {1, 2} < a, a >= {1}, a > a, a.issubset(range(10)), a.issuperset([1]), a.isdisjoint({9}))
s = set()
s.add(3); s.add(3); s.update([1, 2], (7,)); s.discard(100); s.remove(1)
print(sorted(s), len(s), 3 in s, 1 in s)
try:
    s.remove(100)
except KeyError as e:
    print("KeyError", e)
print(s.pop() in {2, 3, 7}, len(s))
fs = frozenset([1, 2, 2])
print(sorted(fs), type(fs | {3}).__name__, hash(fs) == hash(frozenset([2, 1])), {fs: 1}[frozenset({1, 2})])
print(set(), repr({5}), frozenset(), set("aab") == {"a", "b"})
s2 = {1, 2, 3}
s2 |= {4}; s2 &= {1, 2, 4}; s2 -= {1}; s2 ^= {9}
print(sorted(s2))
