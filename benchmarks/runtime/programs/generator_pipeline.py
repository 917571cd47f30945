# A generator pipeline: produce, transform, filter, window, aggregate.
def produce(n):
    x = 1
    for _ in range(n):
        x = (x * 69069 + 1) & 0xFFFFFFFF
        yield x

def scale(src):
    for v in src:
        yield v % 1000

def only_odd(src):
    for v in src:
        if v & 1:
            yield v

def pairs(src):
    it = iter(src)
    for a in it:
        b = next(it, None)
        if b is None:
            return
        yield a, b

def windows(src, k):
    win = []
    for v in src:
        win.append(v)
        if len(win) > k:
            del win[0]
        if len(win) == k:
            yield sum(win)

def chain(*gens):
    for g in gens:
        yield from g

total = 0
count = 0
for a, b in pairs(only_odd(scale(produce(900000)))):
    total += a * b
    count += 1
wsum = sum(windows(scale(produce(200000)), 8))
mx = max(x for x in chain(scale(produce(50000)), (v * 2 for v in range(1000))))
print("generator_pipeline", total, count, wsum, mx)
