# Generator expressions are lazy and single-use.
g = (x * 2 for x in range(5))
print(type(g).__name__, next(g), next(g), list(g), list(g))
print(sum(x for x in range(101)))
print(max(len(w) for w in ["a", "abcd", "ab"]))
log = []
def src():
    for i in range(3):
        log.append(i)
        yield i
lazy = (v + 1 for v in src())
print(log)
print(next(lazy), log)
print(list(lazy), log)
print(any(x > 3 for x in range(5)), all(x < 3 for x in range(5)))
print(", ".join(str(i) for i in range(4)))
