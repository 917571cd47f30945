# Keyword-only and positional-only parameters.
def f(a, *, b, c=3):
    return a, b, c
print(f(1, b=2), f(a=1, b=2, c=4))
try:
    f(1, 2)
except TypeError as e:
    print("TypeError", e)
try:
    f(1)
except TypeError as e:
    print("TypeError", e)
def p(x, y, /, z):
    return x, y, z
print(p(1, 2, 3), p(1, 2, z=3))
try:
    p(x=1, y=2, z=3)
except TypeError as e:
    print("TypeError")
def mix(a, /, b, *args, c, d=4, **kw):
    return a, b, args, c, d, kw
print(mix(1, 2, 3, c=5), mix(1, b=2, c=3, e=6))
