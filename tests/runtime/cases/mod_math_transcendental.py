# math transcendental functions (rounded to 12 significant digits: libm results may differ in the last bit).
import math
def r(v):
    return float("%.12g" % v)
xs = [0.0, 0.1, 0.5, 1.0, 2.0, 3.0, 10.0, -1.5]
for x in xs:
    print(x, r(math.sin(x)), r(math.cos(x)), r(math.tan(x)), r(math.atan(x)), r(math.exp(x)),
          r(math.sinh(x)), r(math.cosh(x)), r(math.tanh(x)))
for x in (1e-5, 0.5, 1.0, 2.0, 10.0, 1e10, 12345.678):
    print(x, r(math.log(x)), r(math.log10(x)), r(math.log2(x)), r(math.log(x, 3)), r(math.log1p(x)), r(math.expm1(min(x, 5.0))))
for x in (-1.0, -0.5, 0.0, 0.5, 1.0):
    print(x, r(math.asin(x)), r(math.acos(x)), r(math.atan2(x, 0.5)), r(math.atan2(-0.5, x)))
print(r(math.pow(2, 0.5)), math.pow(2, 10), r(math.asinh(1)), r(math.acosh(2)), r(math.atanh(0.5)))
print(math.log(8, 2), math.log10(1000), math.log2(1024), math.exp(0), math.log(1))
