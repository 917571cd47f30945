# collections.defaultdict and Counter (beyond the required set, but common).
from collections import defaultdict, Counter
dd = defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    dd[k].append(v)
print(dict(dd), dd["zz"], len(dd))
cnt = defaultdict(int)
for ch in "banana":
    cnt[ch] += 1
print(sorted(cnt.items()))
c = Counter("abracadabra")
print(c.most_common(2), c["a"], c["z"], sorted(c.elements())[:4])
