# del of names, items, slices, attributes.
x = 1
del x
try:
    print(x)
except NameError as e:
    print("NameError", e)
lst = list(range(10))
del lst[0]
del lst[-1]
del lst[2:4]
del lst[::2]
print(lst)
d = {"a": 1, "b": 2, "c": 3}
del d["b"]
print(d)
try:
    del d["zz"]
except KeyError as e:
    print("KeyError", e)
class C:
    pass
c = C()
c.a = 1
del c.a
print(hasattr(c, "a"))
a, b = 1, 2
del a, b
print("a" in dir(), "b" in dir())
