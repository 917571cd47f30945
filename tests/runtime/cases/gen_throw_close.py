# throw() and close() into generators; finally blocks run.
def worker():
    try:
        while True:
            try:
                v = yield
                print("got", v)
            except ValueError as e:
                print("handled", e)
    finally:
        print("worker cleanup")
w = worker()
next(w)
w.send(1)
w.throw(ValueError("bad"))
w.send(2)
w.close()
print("closed")
def once():
    yield 1
g = once()
next(g)
try:
    g.throw(KeyError("k"))
except KeyError as e:
    print("propagated", e)
def swallow():
    try:
        yield 1
    except GeneratorExit:
        print("GeneratorExit seen")
        raise
s = swallow()
next(s)
s.close()
def bad_close():
    try:
        yield 1
    except GeneratorExit:
        yield 2
b = bad_close()
next(b)
try:
    b.close()
except RuntimeError as e:
    print("RuntimeError", e)
