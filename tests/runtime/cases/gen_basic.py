# Generators: yield, send, return, close, state.
def countdown(n):
    while n > 0:
        yield n
        n -= 1
    return "liftoff"
print(list(countdown(5)))
g = countdown(2)
print(next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print("done", e.value)
def echo():
    received = []
    while True:
        v = yield len(received)
        if v is None:
            break
        received.append(v)
    return received
e = echo()
print(next(e), e.send("a"), e.send("b"))
try:
    e.send(None)
except StopIteration as s:
    print(s.value)
def infinite():
    i = 0
    while True:
        yield i
        i += 1
g = infinite()
print([next(g) for _ in range(5)])
g.close()
print(next(g, "closed"))
