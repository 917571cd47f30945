# Push-style coroutine pipeline with send().
def sink(out):
    while True:
        out.append((yield))
def filt(pred, target):
    while True:
        v = yield
        if pred(v):
            target.send(v)
def mapper(fn, target):
    while True:
        target.send(fn((yield)))
results = []
s = sink(results); next(s)
f = filt(lambda v: v % 2 == 0, s); next(f)
m = mapper(lambda v: v * v, f); next(m)
for i in range(10):
    m.send(i)
print(results)
