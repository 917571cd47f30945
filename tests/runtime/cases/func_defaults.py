# Default arguments: evaluation once, mutable default pitfall, None idiom.
def f(a, b=2, c="x"):
    return a, b, c
print(f(1), f(1, 3), f(1, c="y"), f(a=0, c=1, b=2))
def acc(v, into=[]):
    into.append(v)
    return into
print(acc(1), acc(2), acc(3, []))
def safe(v, into=None):
    if into is None:
        into = []
    into.append(v)
    return into
print(safe(1), safe(2))
n = 10
def g(x=n):
    return x
n = 20
print(g(), f.__defaults__)
