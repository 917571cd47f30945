# Method calls on small objects: getters, setters, polymorphic dispatch, properties.
class Counter:
    def __init__(self):
        self.n = 0

    def inc(self):
        self.n += 1
        return self

    def add(self, k):
        self.n += k
        return self

    def get(self):
        return self.n

class Shape:
    def area(self):
        return 0

class Sq(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s * self.s

class Rect(Shape):
    def __init__(self, w, h):
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h

class Temp:
    def __init__(self, c):
        self._c = c

    @property
    def c(self):
        return self._c

    @c.setter
    def c(self, v):
        self._c = v

c = Counter()
for i in range(600000):
    c.inc().add(i & 3)
shapes = [Sq(i % 10) if i % 2 else Rect(i % 7, i % 5) for i in range(1000)]
area = 0
for _ in range(450):
    for s in shapes:
        area += s.area()
t = Temp(0)
for i in range(300000):
    t.c = t.c + 1
print("method_calls", c.get(), area, t.c)
