# Sieve of Eratosthenes with a bytearray.
def sieve(n):
    is_p = bytearray([1]) * (n + 1)
    is_p[0] = is_p[1] = 0
    i = 2
    while i * i <= n:
        if is_p[i]:
            is_p[i * i::i] = bytearray(len(range(i * i, n + 1, i)))
        i += 1
    return [i for i in range(n + 1) if is_p[i]]
p = sieve(100000)
print(len(p), p[:10], p[-5:], sum(p))
twins = sum(1 for a, b in zip(p, p[1:]) if b - a == 2)
print(twins)
