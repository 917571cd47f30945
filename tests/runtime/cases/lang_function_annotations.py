# Function annotations: evaluated at definition, in f.__annotations__.
def f(a: int, *args: "float", b=2, c: list = [], **kw: dict) -> None:
    pass
print(f.__annotations__)
def g(x, y=1): pass
print(g.__annotations__)
k = 3
def h(p: k + 1) -> k * 2: return p
print(h.__annotations__, h(5))
class C:
    def m(self, v: "C") -> "C": return v
print(C.m.__annotations__)
def outer():
    T = int
    def inner(q: T) -> T: return q
    return inner
print(outer().__annotations__)
lam = lambda x: x
print(lam.__annotations__)
async def co(a: int) -> str: pass
print(co.__annotations__)
