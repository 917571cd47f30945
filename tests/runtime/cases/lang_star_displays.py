# Unpacking inside list/tuple/set/dict displays and calls.
a = [1, 2]
b = (3, 4)
print([*a, *b, 5], (*a, 0), sorted({*a, *b, 1}))
d1 = {"x": 1, "y": 2}
d2 = {"y": 3, "z": 4}
print({**d1, **d2}, {**d1, "w": 0, **d2})
def f(*args, **kw):
    return args, kw
print(f(*a, *b, 9))
print(f(**d1, **{"q": 1}))
print(f(*"ab", k=1, **d2))
print(*[1, 2, 3], sep="-")
print([*range(3), *"hi"])
