# frozensets as dict keys and set elements.
groups = {frozenset({"a", "b"}): 1, frozenset({"c"}): 2}
print(groups[frozenset(["b", "a"])], frozenset("c") in groups)
ss = {frozenset({1, 2}), frozenset({2, 1}), frozenset({3})}
print(len(ss), sorted(sorted(x) for x in ss))
fs = frozenset(range(5))
print(sorted(fs - {0}), sorted(fs & {1, 9}), fs.issuperset({1, 2}), type(fs.union([7])).__name__)
try:
    fs.add(1)
except AttributeError:
    print("AttributeError")
