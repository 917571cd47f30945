# Lambdas: defaults, closures, varargs, immediate calls.
sq = lambda x: x * x
print(sq(7), (lambda: 42)(), (lambda a, b=2: a + b)(1), (lambda *a, **k: (a, k))(1, x=2))
adders = [lambda x, i=i: x + i for i in range(3)]
print([f(10) for f in adders])
late = [lambda x: x + i for i in range(3)]
print([f(10) for f in late])
print(sorted(["bb", "a", "ccc"], key=lambda s: -len(s)))
compose = lambda f, g: lambda x: f(g(x))
print(compose(sq, lambda x: x + 1)(3))
print((lambda x, *, y: x - y)(5, y=2))
