# Keys of many hashable types; unhashable keys raise TypeError.
d = {}
d[1] = "int"
d[2.5] = "float"
d["s"] = "str"
d[b"b"] = "bytes"
d[(1, "t")] = "tuple"
d[None] = "none"
d[frozenset({1})] = "frozenset"
d[range(3) if False else "r"] = "r"
print(len(d), d[1], d[2.5], d[b"b"], d[(1, "t")], d[None], d[frozenset([1])])
class K:
    def __init__(self, v):
        self.v = v
    def __hash__(self):
        return hash(self.v)
    def __eq__(self, o):
        return isinstance(o, K) and o.v == self.v
d[K(5)] = "custom"
print(d[K(5)], K(5) in d, K(6) in d)
for bad in ([1], {1: 2}, {1}):
    try:
        d[bad] = 1
    except TypeError as e:
        print("TypeError", e)
