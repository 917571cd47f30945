# Generator pipelines.
def numbers(n):
    for i in range(n):
        yield i
def squares(src):
    for v in src:
        yield v * v
def evens(src):
    for v in src:
        if v % 2 == 0:
            yield v
def take(n, src):
    for i, v in enumerate(src):
        if i >= n:
            return
        yield v
print(list(take(5, evens(squares(numbers(100))))))
print(sum(evens(squares(numbers(1000)))))
def running_avg():
    total = 0.0
    n = 0
    avg = None
    while True:
        v = yield avg
        total += v
        n += 1
        avg = total / n
ra = running_avg()
next(ra)
print([ra.send(v) for v in (10, 20, 30, 40)])
def windows(seq, k):
    it = iter(seq)
    win = []
    for v in it:
        win.append(v)
        if len(win) == k:
            yield tuple(win)
            win.pop(0)
print(list(windows(range(6), 3)))
