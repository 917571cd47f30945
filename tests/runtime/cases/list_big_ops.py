# Large lists: building, sorting, slicing, membership.
n = 50000
l = [(i * 2654435761) % 1000003 for i in range(n)]
print(len(l), l[:3], max(l), min(l), sum(l) % 1000)
s = sorted(l)
print(s[:3], s[-3:], s[n // 2])
print(l.index(s[0]) >= 0, s[100] in l, -1 in l)
l.reverse()
print(l[:2], l[::10000])
del l[::2]
print(len(l), l[:3])
