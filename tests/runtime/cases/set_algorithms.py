# Set-based algorithms: graph reachability and unique pairs.
edges = [(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (7, 7)]
adj = {}
for a, b in edges:
    adj.setdefault(a, set()).add(b)
    adj.setdefault(b, set()).add(a)
def component(start):
    seen = {start}
    todo = [start]
    while todo:
        n = todo.pop()
        for m in adj.get(n, ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen
comps = []
left = set(adj)
while left:
    c = component(min(left))
    comps.append(sorted(c))
    left -= c
print(comps)
nums = [1, 5, 3, 7, 9, 2, 8]
target = 10
seen = set()
pairs = set()
for n in nums:
    if target - n in seen:
        pairs.add((min(n, target - n), max(n, target - n)))
    seen.add(n)
print(sorted(pairs))
