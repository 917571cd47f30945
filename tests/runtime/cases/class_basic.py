# Classes: attributes, methods, instances, class vs instance data.
class Point:
    dims = 2
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x ** 2 + self.y ** 2
    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)
p = Point(3, 4)
q = p.moved(1, 1)
print(p.x, p.y, p.norm2(), q.x, q.y, Point.dims, p.dims)
p.dims = 3
print(p.dims, Point.dims, q.dims)
print(type(p).__name__, isinstance(p, Point), Point.__name__, type(Point).__name__)
m = p.norm2
print(m(), Point.norm2(q))
try:
    p.z
except AttributeError as e:
    print("AttributeError", e)
print(hasattr(p, "x"), getattr(p, "y"), getattr(p, "w", "default"))
setattr(p, "w", 9)
print(p.w, sorted(vars(p).items()) if hasattr(p, "__dict__") else None)
