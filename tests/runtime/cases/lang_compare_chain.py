# Comparison operators and chained comparisons.
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1, 1 == 1.0 == True)
print(1 <= 1 < 2 != 3, 5 > 4 >= 4 > 3, 1 < 2 > 0)
calls = []
def f(v):
    calls.append(v)
    return v
print(f(1) < f(0) < f(5), calls)
print("a" < "b", "abc" < "abd", "Z" < "a", [1, 2] < [1, 3], (1, 2) < (1, 2, 0))
print(1 != 2, not 1 == 2, 3 is not None, None is None)
x = 5
print(0 < x < 10, 0 < x < 3, x == 5 == x)
