# Exceptions raised inside comprehensions, generators and lambdas propagate normally.
def risky(x):
    if x == 3:
        raise ValueError("bad value %d" % x)
    return x * 2
try:
    print([risky(x) for x in range(5)])
except ValueError as e:
    print("list comp:", e)
g = (risky(x) for x in range(5))
got = []
try:
    for v in g:
        got.append(v)
except ValueError as e:
    print("generator:", e, got)
try:
    sorted([3, 1, 2], key=lambda v: 1 / (v - 2))
except ZeroDivisionError as e:
    print("key function:", e)
try:
    {k: 1 / k for k in (1, 0)}
except ZeroDivisionError as e:
    print("dict comp:", e)
