# yield from delegates iteration, send and return values.
def inner():
    x = yield 1
    y = yield x * 10
    return x + y
def outer():
    r = yield from inner()
    yield "inner returned %d" % r
g = outer()
print(next(g), g.send(2), g.send(3), list(g))
def flatten(x):
    if isinstance(x, list):
        for item in x:
            yield from flatten(item)
    else:
        yield x
print(list(flatten([1, [2, [3, [4, []]], 5], [[6]]])))
def chain(*its):
    for it in its:
        yield from it
print(list(chain("ab", range(3), (9,))))
def gen_range():
    yield from range(3)
    return "end"
def wrapper():
    result = yield from gen_range()
    yield result
print(list(wrapper()))
