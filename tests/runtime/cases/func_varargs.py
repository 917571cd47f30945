# *args and **kwargs in definitions and calls.
def f(*args, **kwargs):
    return args, kwargs
print(f(), f(1, 2), f(a=1), f(1, *[2, 3], b=4, **{"c": 5}))
def g(a, b, *rest, key=None, **opts):
    return a, b, rest, key, opts
print(g(1, 2), g(1, 2, 3, 4, key="k", z=26))
def total(*nums):
    return sum(nums)
print(total(), total(1, 2, 3), total(*range(101)))
def kw_only(**kw):
    return sorted(kw.items())
print(kw_only(z=1, a=2, m=3))
args = (1, 2)
kwargs = {"key": "v", "extra": True}
print(g(*args, **kwargs))
