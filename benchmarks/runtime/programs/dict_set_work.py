# Dict and set heavy work: word index, joins, set algebra, counting.
def words(n):
    out = []
    x = 12345
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append("w%d" % (x % 5000))
    return out

ws = words(150000)
index = {}
for pos, w in enumerate(ws):
    index.setdefault(w, []).append(pos)
counts = {}
for w in ws:
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
evens = {w for w in ws if int(w[1:]) % 2 == 0}
threes = {w for w in ws if int(w[1:]) % 3 == 0}
both = evens & threes
either = evens | threes
diff = evens - threes
pairs = 0
for w, poss in index.items():
    if w in both and len(poss) > 10:
        pairs += len(poss)
inv = {}
for w, c in counts.items():
    inv.setdefault(c, set()).add(w)
d = {}
for i in range(300000):
    d[i % 7919] = d.get(i % 7919, 0) + i
for k in list(d):
    if k % 3 == 0:
        del d[k]
print("dict_set_work", top, len(both), len(either), len(diff), pairs, len(inv), sum(d.values()) % 1000003)
