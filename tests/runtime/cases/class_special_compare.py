# Rich comparisons, reflection, NotImplemented, and total ordering by hand.
class Ver:
    def __init__(self, *parts):
        self.p = parts
    def __eq__(self, o):
        if not isinstance(o, Ver):
            return NotImplemented
        return self.p == o.p
    def __lt__(self, o):
        return self.p < o.p
    def __le__(self, o):
        return self.p <= o.p
    def __gt__(self, o):
        return self.p > o.p
    def __ge__(self, o):
        return self.p >= o.p
    def __hash__(self):
        return hash(self.p)
    def __repr__(self):
        return "v" + ".".join(map(str, self.p))
vs = [Ver(1, 2), Ver(1, 10), Ver(0, 9), Ver(1, 2, 1)]
print(sorted(vs), max(vs), min(vs))
print(Ver(1) == Ver(1), Ver(1) != Ver(2), Ver(1) == "1", Ver(2) > Ver(1, 9), Ver(1) <= Ver(1))
print(len({Ver(1), Ver(1), Ver(2)}))
class OnlyLt:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
print(OnlyLt(1) < OnlyLt(2), OnlyLt(3) > OnlyLt(2))
try:
    OnlyLt(1) <= OnlyLt(2)
except TypeError as e:
    print("TypeError", e)
