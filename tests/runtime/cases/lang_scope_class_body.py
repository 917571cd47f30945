# Names in class bodies are not visible inside methods; module names are.
x = "module"
class C:
    x = "class"
    y = x + "-derived"
    def m(self):
        return x
    def n(self):
        return self.x
print(C.y, C().m(), C().n())
def f():
    z = "local"
    class D:
        w = z
        def g(self):
            return z
    return D
D = f()
print(D.w, D().g())
