# Allocation-heavy loop that forces many collections; results stay correct.
import gc
keep = {}
for i in range(20000):
    s = str(i) * 3
    t = (i, s, [i, i + 1])
    if i % 997 == 0:
        keep[i] = t
print(len(keep), keep[997][1], keep[19940][2])
chains = []
for j in range(200):
    node = None
    for k in range(50):
        node = (k, node)
    chains.append(node)
gc.collect()
depth = 0
n = chains[-1]
while n is not None:
    depth += 1
    n = n[1]
print(depth, len(chains))
