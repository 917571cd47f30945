# Function and class decorators, stacked and parameterised.
def trace(fn):
    def wrapper(*a, **k):
        print("call", fn.__name__, a, k)
        return fn(*a, **k)
    return wrapper
def times(n):
    def deco(fn):
        def w(*a):
            return [fn(*a) for _ in range(n)]
        return w
    return deco
@trace
def add(a, b=0):
    return a + b
print(add(1, b=2))
@times(3)
@trace
def hello(x):
    return x.upper()
print(hello("hi"))
registry = []
def register(cls):
    registry.append(cls.__name__)
    return cls
@register
class Alpha:
    pass
@register
class Beta:
    pass
print(registry)
