# Generator errors: exceptions inside propagate, re-entrancy is refused, StopIteration conversion.
def fails():
    yield 1
    raise ValueError("inside")
g = fails()
print(next(g))
try:
    next(g)
except ValueError as e:
    print("ValueError", e)
print(next(g, "exhausted"))
def stops():
    yield 1
    raise StopIteration("x")
try:
    list(stops())
except RuntimeError as e:
    print("RuntimeError", e)
def selfref():
    yield next(me)
me = selfref()
try:
    next(me)
except ValueError as e:
    print("ValueError", e)
def lazy():
    print("started")
    yield
l = lazy()
print("created")
next(l)
try:
    l.send(5) if False else None
    fresh = lazy()
    fresh.send(5)
except TypeError as e:
    print("TypeError", e)
