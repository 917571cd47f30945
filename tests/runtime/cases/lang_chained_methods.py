# Chained method calls and attribute access on results.
text = "  Hello, World  "
print(text.strip().lower().replace(",", "").split())
print(" ".join(w.capitalize() for w in "the end".split()).center(11, "*"))
print("{}".format("x").upper().encode().hex())
print(sorted(set("mississippi"))[::-1], list(reversed(sorted({3: 1, 1: 2}.keys()))))
print([1, 2, 3].copy().__len__(), {"a": 1}.copy().get("a"))
