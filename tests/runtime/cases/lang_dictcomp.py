# Dict and set comprehensions.
print({k: k * k for k in range(5)})
print({v: k for k, v in {"a": 1, "b": 2}.items()})
print({k: v for k, v in zip("abc", range(3)) if v})
print(sorted({x % 4 for x in range(20)}))
words = ["apple", "bob", "cat", "avocado", "banana"]
by_first = {}
for w in words:
    by_first.setdefault(w[0], []).append(w)
print(by_first)
print({w[0]: len(w) for w in words})
print(sorted({(a, b) for a in range(3) for b in range(3) if a < b}))
