# math: constants, rounding functions, classification.
import math
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.floor(2.7), math.floor(-2.7), math.ceil(2.1), math.ceil(-2.1), math.trunc(-2.9), math.trunc(2.9))
print(type(math.floor(2.5)).__name__, math.floor(10 ** 20 + 0.0), math.ceil(5))
print(math.fabs(-3), math.copysign(2, -0.0), math.fmod(7, -3), math.fmod(-7, 3), math.modf(3.25), math.modf(-1.5))
print(math.frexp(8.0), math.frexp(0.3), math.ldexp(0.5, 4), math.ldexp(1, -1074))
print(math.isfinite(1e308), math.isinf(-math.inf), math.isnan(0.0), math.isclose(1.0, 1.0 + 1e-10))
print(math.isclose(1, 1.1), math.isclose(1, 1.1, rel_tol=0.2), math.isclose(0, 1e-12, abs_tol=1e-9))
print(math.factorial(20), math.factorial(0), math.gcd(48, 18), math.gcd(0, 0), math.gcd(-12, 8))
print(math.sqrt(2), math.sqrt(1e100), math.sqrt(0.0), math.isqrt(10 ** 20 + 1), math.isqrt(99))
print(math.degrees(math.pi), math.radians(180), math.hypot(3, 4), "%.12g" % math.hypot(1e200, 1e200))
