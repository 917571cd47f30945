# Iteration order is insertion order, also after updates, pops and reinsertions.
d = {}
for k in ["delta", "alpha", "charlie", "bravo"]:
    d[k] = len(k)
print(list(d))
d["alpha"] = 0
print(list(d))
d.pop("delta")
d["delta"] = 1
print(list(d), list(d.values()))
d.update({"echo": 5, "alpha": 9})
print(list(d.items()))
print({**d, "bravo": -1})
print(list({3: 1, 1: 1, 2: 1}), list(dict.fromkeys("hello")))
