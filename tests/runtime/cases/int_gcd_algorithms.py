# Integer algorithms: gcd, primes, modular inverse, isqrt by Newton.
def gcd(a, b):
    while b:
        a, b = b, a % b
    return a
print(gcd(2 ** 64, 2 ** 40 * 3), gcd(1071, 462), gcd(0, 9))
def isqrt(n):
    x = n
    y = (x + 1) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x
print(isqrt(10 ** 40), isqrt(2 * 10 ** 30), isqrt(99))
sieve = [True] * 200
sieve[0] = sieve[1] = False
for i in range(2, 15):
    if sieve[i]:
        for j in range(i * i, 200, i):
            sieve[j] = False
print([i for i, p in enumerate(sieve) if p][-10:])
def egcd(a, b):
    if b == 0:
        return a, 1, 0
    g, x, y = egcd(b, a % b)
    return g, y, x - (a // b) * y
print(egcd(240, 46), egcd(2 ** 61 - 1, 12345))
