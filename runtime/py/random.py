# random for the questv runtime: xoshiro128** from the C module _random,
# with the usual helpers on top. Sequences differ from CPython's Mersenne
# Twister; the distributions and argument checks are the same.
import _random

_inst = _random.Random()


def seed(a=None):
    _inst.seed(a)


def random():
    return _inst.random()


def getrandbits(k):
    if k < 0:
        raise ValueError("number of bits must be non-negative")
    r = 0
    got = 0
    while got < k:
        r = (r << 32) | _inst.getrandbits32()
        got += 32
    return r >> (got - k)


def randrange(start, stop=None, step=1):
    if stop is None:
        if start <= 0:
            raise ValueError("empty range for randrange()")
        return _below(start)
    width = stop - start
    if step == 1:
        if width <= 0:
            raise ValueError("empty range for randrange() (%d, %d, %d)" % (start, stop, width))
        return start + _below(width)
    if step == 0:
        raise ValueError("zero step for randrange()")
    n = (width + step - 1) // step if step > 0 else (width + step + 1) // step
    if n <= 0:
        raise ValueError("empty range for randrange()")
    return start + step * _below(n)


def _below(n):
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return r


def randint(a, b):
    return randrange(a, b + 1)


def choice(seq):
    if not seq:
        raise IndexError("Cannot choose from an empty sequence")
    return seq[_below(len(seq))]


def shuffle(x):
    for i in reversed(range(1, len(x))):
        j = _below(i + 1)
        x[i], x[j] = x[j], x[i]


def sample(population, k):
    pool = list(population)
    n = len(pool)
    if not 0 <= k <= n:
        raise ValueError("Sample larger than population or is negative")
    out = []
    for i in range(k):
        j = _below(n - i)
        out.append(pool[j])
        pool[j] = pool[n - i - 1]
    return out


def choices(population, weights=None, k=1, cum_weights=None):
    n = len(population)
    if weights is None and cum_weights is None:
        return [population[_below(n)] for _ in range(k)]
    if cum_weights is None:
        cum_weights = []
        t = 0
        for w in weights:
            t += w
            cum_weights.append(t)
    total = cum_weights[-1]
    out = []
    for _ in range(k):
        r = random() * total
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if r < cum_weights[mid]:
                hi = mid
            else:
                lo = mid + 1
        out.append(population[lo])
    return out


def uniform(a, b):
    return a + (b - a) * random()


def gauss(mu=0.0, sigma=1.0):
    import math
    u1 = random()
    u2 = random()
    while u1 <= 1e-300:
        u1 = random()
    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)
    return mu + sigma * z


normalvariate = gauss
