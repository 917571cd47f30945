# Sets for de-duplication and membership, mixed numeric keys.
words = "the cat and the hat and the bat".split()
print(sorted(set(words)), len(set(words)))
print(sorted({len(w) for w in words}))
print({1, 1.0, True} == {1}, len({0, 0.0, False, -0.0}), len({1, 2, 3} | {3.0}))
seen = set()
out = []
for x in [3, 1, 3, 2, 1, 5]:
    if x not in seen:
        seen.add(x)
        out.append(x)
print(out)
big = set(range(0, 10000, 3)) & set(range(0, 10000, 5))
print(len(big), min(big), max(big), sum(big))
try:
    {[1]}
except TypeError as e:
    print("TypeError", e)
s = {1, 2, 3}
c = s.copy()
c.clear()
print(sorted(s), c)
