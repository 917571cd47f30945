# Function objects: names, docstrings, attributes, first-class use.
def documented(a, b=1):
    """Adds things."""
    return a + b
print(documented.__name__, documented.__doc__, callable(documented))
documented.tag = "custom"
print(documented.tag)
def nodoc():
    pass
print(nodoc.__doc__)
ops = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b}
print({k: f(3, 4) for k, f in ops.items()})
print((lambda: 0).__name__, type(documented).__name__)
def apply(fn, *a):
    return fn(*a)
print(apply(max, 3, 9, 2), apply(str.upper, "x"))
