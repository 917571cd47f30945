# yield as an expression in several positions.
def g():
    x = yield
    y = (yield x) + 1
    z = [(yield y), (yield "second")]
    yield z
gen = g()
print(next(gen), gen.send(10), gen.send(20), gen.send("a"), gen.send("b"))
def lam():
    yield from (i * 2 for i in range(3))
print(list(lam()))
def early():
    if False:
        yield
    return 5
print(list(early()), type(early()).__name__)
