# Reflected operators and NotImplemented fallbacks between types.
class Meters:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        if isinstance(o, Meters):
            return Meters(self.v + o.v)
        if isinstance(o, (int, float)):
            return Meters(self.v + o)
        return NotImplemented
    __radd__ = __add__
    def __lt__(self, o):
        return self.v < (o.v if isinstance(o, Meters) else o)
    def __eq__(self, o):
        return self.v == (o.v if isinstance(o, Meters) else o)
    def __repr__(self):
        return f"{self.v}m"
print(Meters(2) + Meters(3), Meters(2) + 1, 1 + Meters(2), sum([Meters(1), Meters(2)], Meters(0)))
print(sum([Meters(1), Meters(2)]), Meters(1) < 2, 2 > Meters(1), Meters(3) == 3, 3 == Meters(3))
try:
    Meters(1) + "x"
except TypeError as e:
    print("TypeError", e)
print(sorted([Meters(3), Meters(1), Meters(2)]))
class Left:
    def __mul__(self, o):
        return "Left.__mul__"
class Right:
    def __rmul__(self, o):
        return "Right.__rmul__"
print(Left() * Right(), 3 * Right(), Left() * 3)
