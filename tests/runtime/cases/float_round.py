# round() follows CPython: banker's rounding, correctly rounded decimals.
print(round(0.5), round(1.5), round(2.5), round(-0.5), round(-1.5), round(3.7), round(-3.7))
print(round(2.675, 2), round(1.005, 2), round(0.125, 2), round(0.375, 2), round(1234.5678, -2))
print(round(3.14159, 3), round(-3.14159, 1), round(1e20, 2), round(5e-324, 5), round(0.0, 1))
print(type(round(1.5)).__name__, type(round(1.5, 0)).__name__, round(1.5, 0))
print(round(123, -1), round(125, -1), round(135, -1), round(-125, -1), round(10 ** 20 + 5, -1))
print(round(7), round(7, 2), round(2 ** 70, -20))
try:
    round(float("inf"))
except OverflowError as e:
    print("OverflowError", e)
try:
    round(float("nan"))
except ValueError as e:
    print("ValueError", e)
