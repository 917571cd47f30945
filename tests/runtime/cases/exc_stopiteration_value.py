# StopIteration value from generator return and iterator protocol.
def g():
    yield 1
    return "result"
it = g()
print(next(it))
try:
    next(it)
except StopIteration as e:
    print("StopIteration", e.value, e.args)
print(next(iter([]), "default"))
try:
    next(iter({}))
except StopIteration as e:
    print("StopIteration", e.value)
