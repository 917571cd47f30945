# Generator objects in builtins: zip stops at shortest, enumerate, reversed needs sequence.
def g(n):
    for i in range(n):
        yield i
print(list(zip(g(3), g(10))), list(enumerate(g(3))), dict(enumerate("ab")))
try:
    reversed(g(3))
except TypeError as e:
    print("TypeError", e)
print(list(reversed(list(g(3)))), sorted(g(4), key=lambda v: -v))
gen = (i for i in range(3))
print(iter(gen) is gen, type(gen).__name__)
print(list(map(lambda a, b: a * b, g(4), g(4))))
