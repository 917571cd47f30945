# dict methods.
d = {"x": 1, "y": 2}
print(d.setdefault("x", 9), d.setdefault("z", 3), d)
print(d.pop("y"), d.pop("nope", "default"), d)
try:
    d.pop("nope")
except KeyError as e:
    print("KeyError", e)
d.update({"a": 10}, b=11)
d.update([("c", 12)])
print(d)
print(d.popitem(), d)
c = d.copy()
c["x"] = 100
print(d["x"], c["x"])
print(dict.fromkeys("abc"), dict.fromkeys(range(3), 0))
d.clear()
print(d, len(d))
try:
    {}.popitem()
except KeyError as e:
    print("KeyError", e)
m = {"a": 1} | {"b": 2}
m |= {"a": 0}
print(m)
