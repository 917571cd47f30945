# Objects with __hash__/__eq__ used as dict keys and set members.
class Point:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __eq__(self, o):
        return isinstance(o, Point) and (self.x, self.y) == (o.x, o.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __repr__(self):
        return f"P({self.x},{self.y})"
pts = {Point(1, 2): "a", Point(3, 4): "b"}
print(pts[Point(1, 2)], Point(3, 4) in pts, Point(9, 9) in pts)
s = {Point(0, 0), Point(0, 0), Point(1, 1)}
print(len(s), sorted(s, key=lambda p: (p.x, p.y)))
try:
    Point(1, 1).z = 5
except AttributeError:
    print("AttributeError: slots")
class Unhashable:
    def __eq__(self, o):
        return True
    __hash__ = None
try:
    {Unhashable(): 1}
except TypeError as e:
    print("TypeError", e)
