# Infinite generators with manual limits.
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
def primes():
    found = []
    n = 2
    while True:
        if all(n % p for p in found if p * p <= n):
            found.append(n)
            yield n
        n += 1
f = fib()
print([next(f) for _ in range(20)])
p = primes()
print([next(p) for _ in range(25)])
def take_while(pred, it):
    for v in it:
        if not pred(v):
            return
        yield v
print(list(take_while(lambda v: v < 1000, fib()))[-3:])
print(sum(take_while(lambda v: v < 10 ** 30, fib())))
