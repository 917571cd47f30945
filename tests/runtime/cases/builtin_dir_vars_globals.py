# globals(), locals(), vars(), dir() on simple objects.
x_global = 1
print("x_global" in globals(), globals()["x_global"], __name__)
def f(a, b=2):
    c = 3
    return sorted(locals().items())
print(f(1))
class K:
    def __init__(self):
        self.p = 1
        self.q = 2
print(sorted(vars(K())), sorted(k for k in dir(K()) if not k.startswith("__")))
print("append" in dir([]), "upper" in dir("s"), "keys" in dir({}))
