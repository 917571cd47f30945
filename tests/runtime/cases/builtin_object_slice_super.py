# object(), slice objects and super() used through builtins.
o = object()
print(type(o).__name__, o == o, o != object())
try:
    o.x = 1
except AttributeError:
    print("AttributeError: object has no __dict__")
s = slice(2, None, -1)
print(s, [0, 1, 2, 3][s], s.start, s.stop, s.step, slice(None).indices(4))
print(isinstance(s, slice), "abcdef"[slice(1, 5, 2)])
class Base:
    def f(self):
        return "base"
class Derived(Base):
    def f(self):
        return "derived+" + super().f()
print(Derived().f())
