# dict views are live and support set operations.
d = {"a": 1, "b": 2, "c": 3}
k, v, it = d.keys(), d.values(), d.items()
d["d"] = 4
print(list(k), list(v), list(it), len(k))
print(sorted(k & {"a", "z"}), sorted(k | {"z"}), sorted(k - {"a"}), ("a", 1) in it, 4 in v)
for key in d:
    d[key] *= 10
print(d)
try:
    for key in d:
        d["new" + key] = 0
except RuntimeError as e:
    print("RuntimeError", e)
print(list(reversed(d)) if hasattr(d, "__reversed__") else None)
print(type(k).__name__, type(v).__name__, type(it).__name__)
