# Class-level state, instance shadowing, mutable class attribute sharing, __class__.
class Shared:
    items = []
    def add(self, v):
        self.items.append(v)
a, b = Shared(), Shared()
a.add(1); b.add(2)
print(Shared.items, a.items is b.items)
class Own:
    def __init__(self):
        self.items = []
c, d = Own(), Own()
c.items.append(1)
print(c.items, d.items)
print(a.__class__.__name__, a.__class__ is Shared, type(a) is Shared)
Shared.extra = "added later"
print(a.extra)
def method(self):
    return "patched " + type(self).__name__
Shared.m = method
print(b.m())
