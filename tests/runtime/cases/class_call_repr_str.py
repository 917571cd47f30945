# __call__, __repr__, __str__, __format__, __bool__, __len__, __hash__.
class Adder:
    def __init__(self, n):
        self.n = n
    def __call__(self, x):
        return x + self.n
    def __repr__(self):
        return f"Adder({self.n})"
    def __str__(self):
        return f"+{self.n}"
    def __format__(self, spec):
        return f"<{spec}:{self.n}>"
a = Adder(5)
print(a(10), callable(a), repr(a), str(a), [a], f"{a}", f"{a:xyz}", "%s %r" % (a, a))
class NoStr:
    def __repr__(self):
        return "only-repr"
print(str(NoStr()), NoStr())
class Default:
    pass
print(str(Default()).startswith("<"), repr(Default()).endswith(">"))
class H:
    def __eq__(self, o):
        return True
try:
    hash(H())
except TypeError as e:
    print("TypeError", e)
