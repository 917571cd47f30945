# Objects with __call__ used as callbacks, keys and decorators.
class Counter:
    def __init__(self):
        self.calls = 0
    def __call__(self, *args):
        self.calls += 1
        return args
c = Counter()
list(map(c, range(5)))
print(c.calls, c(1, 2))
class KeyBy:
    def __init__(self, idx):
        self.idx = idx
    def __call__(self, item):
        return item[self.idx]
print(sorted([(1, "b"), (2, "a")], key=KeyBy(1)))
class Memo:
    def __init__(self, fn):
        self.fn = fn
        self.cache = {}
    def __call__(self, n):
        if n not in self.cache:
            self.cache[n] = self.fn(n)
        return self.cache[n]
@Memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(90), len(fib.cache))
