# Argument binding errors raise TypeError with CPython's messages.
def f(a, b):
    return a + b
cases = [lambda: f(1), lambda: f(1, 2, 3), lambda: f(1, a=2), lambda: f(1, c=2), lambda: f()]
for c in cases:
    try:
        c()
    except TypeError as e:
        print("TypeError", e)
def g(*, k):
    return k
try:
    g()
except TypeError as e:
    print("TypeError", e)
try:
    len()
except TypeError as e:
    print("TypeError")
try:
    one = 1
    one()
except TypeError as e:
    print("TypeError", e)
try:
    nothing = None
    nothing()
except TypeError as e:
    print("TypeError", e)
