# Iterator protocol classes used by for, list, sum, unpacking, in.
class Fib:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return FibIter(self.n)
class FibIter:
    def __init__(self, n):
        self.a, self.b, self.left = 0, 1, n
    def __iter__(self):
        return self
    def __next__(self):
        if self.left == 0:
            raise StopIteration
        self.left -= 1
        v = self.a
        self.a, self.b = self.b, self.a + self.b
        return v
f = Fib(10)
print(list(f), sum(f), 34 in f, max(f))
a, b, *rest = Fib(5)
print(a, b, rest)
print(dict(zip(Fib(3), "xyz")), sorted(Fib(6), reverse=True), list(enumerate(Fib(3))))
it = iter(Fib(2))
print(next(it), next(it), next(it, "stop"))
