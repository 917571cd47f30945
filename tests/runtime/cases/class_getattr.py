# __getattr__ (fallback), __setattr__, __delattr__, __getattribute__-free proxies.
class Proxy:
    def __init__(self, target):
        object.__setattr__(self, "_t", target)
        object.__setattr__(self, "log", [])
    def __getattr__(self, name):
        self.log.append(name)
        return getattr(self._t, name)
    def __setattr__(self, name, value):
        self.log.append("set " + name)
        setattr(self._t, name, value)
class Target:
    def __init__(self):
        self.a = 1
    def hello(self):
        return "hello"
t = Target()
p = Proxy(t)
print(p.a, p.hello())
p.b = 2
print(t.b, p.log)
class Dyn:
    def __getattr__(self, name):
        if name.startswith("get_"):
            return lambda: name[4:]
        raise AttributeError(name)
d = Dyn()
print(d.get_color(), hasattr(d, "other"), getattr(d, "other", "dflt"))
class Guard:
    def __delattr__(self, name):
        print("refusing to delete", name)
g = Guard()
g.x = 1
del g.x
print(g.x)
