# __init_subclass__-free: __new__, __eq__ default identity, __class__ checks.
class Singleton:
    _inst = None
    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst
print(Singleton() is Singleton())
class WithNew:
    def __new__(cls, v):
        obj = object.__new__(cls)
        obj.v = v * 2
        return obj
    def __init__(self, v):
        self.w = v
o = WithNew(5)
print(o.v, o.w)
class Plain:
    pass
p1, p2 = Plain(), Plain()
print(p1 == p1, p1 == p2, p1 != p2)
class Num(int):
    def double(self):
        return self * 2
n = Num(21)
print(n, n.double(), n + 1, isinstance(n, int), type(n + 1).__name__)
class MyList(list):
    def total(self):
        return sum(self)
ml = MyList([1, 2, 3])
ml.append(4)
print(ml, ml.total(), len(ml), type(ml).__name__)
class MyDict(dict):
    def __missing__(self, key):
        return key * 2
md = MyDict(a=1)
print(md["a"], md["zz"], len(md))
