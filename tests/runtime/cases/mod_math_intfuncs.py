# math integer helpers: comb, perm, prod, fsum, lcm.
import math
print(math.comb(10, 3), math.comb(50, 25), math.perm(5, 2), math.perm(5), math.comb(5, 7))
print(math.prod([1, 2, 3, 4]), math.prod([]), math.prod(range(1, 21)), math.prod([0.5, 4]))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100]))
print(math.lcm(4, 6), math.lcm(3, 5, 7), math.gcd(2 ** 64, 2 ** 40 * 3))
print(math.floor(-0.5), math.ceil(-0.5), math.trunc(1e18), math.isqrt(2 ** 100))
