# hash and id basics (values of id are not printed, only their relations).
a = [1]
b = a
print(id(a) == id(b), id(a) == id([1]), type(id(a)).__name__)
print(hash(42), hash(-7), hash((1, 2)) == hash((1, 2)), hash("x") == hash("x"), hash(b"x") == hash(b"x"))
print(hash(3.0) == hash(3), hash(frozenset([1, 2])) == hash(frozenset([2, 1])), hash(None) == hash(None))
class C:
    pass
c = C()
print(hash(c) == hash(c), isinstance(hash(c), int))
for bad in ([], {}, set()):
    try:
        hash(bad)
    except TypeError as e:
        print("TypeError", e)
