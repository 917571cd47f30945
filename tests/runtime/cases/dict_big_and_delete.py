# Many insertions and deletions keep insertion order and correct lookup.
d = {}
for i in range(1000):
    d[i * 7 % 1009] = i
for i in range(0, 1000, 3):
    del d[i * 7 % 1009]
print(len(d), list(d)[:10], list(d.values())[-5:])
s = 0
for k, v in d.items():
    s += k * v
print(s)
for i in range(500):
    d[-i] = i
print(len(d), list(d)[-3:], d.get(-499), d.get(7))
sd = {str(i): i for i in range(300)}
print(sum(sd[str(i)] for i in range(0, 300, 7)), list(sd)[-2:])
