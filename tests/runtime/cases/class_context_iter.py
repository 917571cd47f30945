# A class that is both a context manager and an iterator.
class Reader:
    def __init__(self, lines):
        self.lines = lines
        self.i = 0
        self.open = False
    def __enter__(self):
        self.open = True
        return self
    def __exit__(self, *exc):
        self.open = False
        return False
    def __iter__(self):
        return self
    def __next__(self):
        if self.i >= len(self.lines):
            raise StopIteration
        self.i += 1
        return self.lines[self.i - 1].upper()
with Reader(["a", "b", "c"]) as r:
    print(r.open, list(r), r.open)
print(r.open)
r2 = Reader(["x", "y"])
print(next(r2), next(r2), next(r2, "end"))
class CountDown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        n = self.n
        while n > 0:
            yield n
            n -= 1
cd = CountDown(3)
print(list(cd), list(cd), sum(cd))
