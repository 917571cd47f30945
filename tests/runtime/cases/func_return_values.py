# Multiple return values, early return, implicit None.
def divmod2(a, b):
    return a // b, a % b
q, r = divmod2(17, 5)
print(q, r, divmod2(9, 3))
def first_neg(xs):
    for x in xs:
        if x < 0:
            return x
print(first_neg([1, -2, -3]), first_neg([1, 2]))
def nothing():
    return
print(nothing())
def many():
    return 1, [2], {"three": 3}
a, (b,), c = many()
print(a, b, c)
