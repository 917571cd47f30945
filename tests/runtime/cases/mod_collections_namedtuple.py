# collections.namedtuple.
from collections import namedtuple
Point = namedtuple("Point", ["x", "y"])
p = Point(1, y=2)
print(p, p.x, p.y, p[0], p[1], len(p), tuple(p), p == (1, 2), isinstance(p, tuple))
x, y = p
print(x, y, Point._fields, p._asdict() == {"x": 1, "y": 2}, p._replace(x=9))
P3 = namedtuple("P3", "a b c")
print(P3(1, 2, 3), P3._make([4, 5, 6]), sorted([P3(2, 0, 0), P3(1, 9, 9)]))
try:
    p.x = 5
except AttributeError:
    print("AttributeError")
try:
    Point(1)
except TypeError:
    print("TypeError")
print(hash(p) == hash((1, 2)), {p: "point"}[(1, 2)])
