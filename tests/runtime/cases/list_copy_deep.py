# Shallow copies share inner objects; a manual deep copy does not.
orig = [[1, 2], {"k": [3]}, (4, [5])]
shallow = orig[:]
copy2 = list(orig)
copy3 = orig.copy()
shallow[0].append("s")
print(orig[0], copy2[0], copy3[0], shallow is orig)
def deep(o):
    if isinstance(o, list):
        return [deep(x) for x in o]
    if isinstance(o, dict):
        return {k: deep(v) for k, v in o.items()}
    if isinstance(o, tuple):
        return tuple(deep(x) for x in o)
    return o
d = deep(orig)
d[1]["k"].append("deep")
d[2][1].append("deep")
print(orig, d)
