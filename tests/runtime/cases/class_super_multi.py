# Cooperative super() through a diamond with __init__ chains.
class Base:
    def __init__(self, **kw):
        self.trail = ["Base"]
class Left(Base):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.trail.append("Left")
class Right(Base):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.trail.append("Right")
class Bottom(Left, Right):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.trail.append("Bottom")
print(Bottom().trail)
class P:
    def greet(self):
        return "P"
class Q(P):
    def greet(self):
        return "Q>" + super(Q, self).greet()
print(Q().greet())
class R(Q):
    @classmethod
    def make(cls):
        return super().greet
print(R.make().__name__ if hasattr(R.make(), "__name__") else "bound")
