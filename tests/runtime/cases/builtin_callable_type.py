# callable and type.
class C:
    def __call__(self):
        return 1
class D:
    pass
print(callable(len), callable(C), callable(C()), callable(D()), callable(lambda: 0), callable(5), callable("s"))
print(type(1), type("a"), type([]), type(None), type(len).__name__, type(C()))
T = type("T", (object,), {"x": 5, "hi": lambda self: "hi"})
print(T.__name__, T().x, T().hi())
print(type(1) is int, type(True) is bool, type(2 ** 100) is int)
