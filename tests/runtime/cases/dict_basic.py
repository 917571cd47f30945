# dict: insertion order, get/set/del, membership, views.
d = {"b": 2, "a": 1}
d["c"] = 3
d["b"] = 20
print(d, len(d), d["a"], d.get("z"), d.get("z", 0), "a" in d, "z" not in d)
print(list(d), list(d.keys()), list(d.values()), list(d.items()))
del d["b"]
d["b"] = 5
print(d)
try:
    d["missing"]
except KeyError as e:
    print("KeyError", e)
print(dict(a=1, b=2), dict([("x", 1), ("y", 2)]), dict({"k": "v"}, extra=1), dict(zip("ab", [1, 2])))
print({1: "a", 1.0: "b", True: "c"}, {(1, 2): "t", None: "n", -1: "m"})
print(d == {"a": 1, "c": 3, "b": 5}, d != {}, {} == dict())
