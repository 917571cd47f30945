# Generator with try/finally closed early by garbage or break; close is idempotent.
log = []
def g():
    try:
        for i in range(5):
            yield i
    finally:
        log.append("finally")
gen = g()
for v in gen:
    if v == 2:
        break
gen.close()
gen.close()
print(log, list(gen))
def h():
    yield 1
    yield 2
x = h()
print(next(x), list(x), list(x))
