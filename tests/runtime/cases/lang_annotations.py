# Annotations are accepted on variables, parameters and returns.
x: int = 5
y: "list[str]"
def f(a: int, b: str = "s", *args: float, c: bool = True, **kw: object) -> tuple:
    return a, b, args, c, kw
print(x, f(1), f(2, "t", 1.5, c=False, z=1))
class P:
    name: str = "p"
    count: int
    def m(self) -> None:
        v: float = 2.5
        print(v)
P().m()
print(P.name)
print(f.__annotations__["a"] is int, "return" in f.__annotations__)
