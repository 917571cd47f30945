# inf and nan arithmetic and comparisons.
inf = float("inf")
nan = float("nan")
print(inf + 1, inf - inf, inf * 0, -inf * -1, 1 / inf, inf > 1e308, -inf < -1e308)
print(nan == nan, nan != nan, nan < 1, nan > 1, nan is nan, [nan] == [nan])
print(inf == inf, inf / inf, 0.0 == -0.0, str(-0.0), 1 / -inf)
print(max(1.0, inf), min(-inf, 0.0), abs(-inf), sorted([2.0, -inf, inf, 0.0]))
try:
    1.0 / 0.0
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
try:
    1.0 % 0.0
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
try:
    2.0 ** 10000
except OverflowError:
    print("OverflowError")
