# __index__, __bool__, __len__, __int__, __float__, __neg__ in builtins.
class Idx:
    def __init__(self, v):
        self.v = v
    def __index__(self):
        return self.v
data = list(range(10))
print(data[Idx(3)], data[Idx(1):Idx(4)], "abc"[Idx(2)], bin(Idx(5)), range(Idx(3))[-1])
class Flag:
    def __init__(self, on):
        self.on = on
    def __bool__(self):
        return self.on
print([bool(Flag(x)) for x in (True, False)], "yes" if Flag(True) else "no", not Flag(False))
print(any([Flag(False), Flag(True)]), all([Flag(True), Flag(False)]), list(filter(None, [Flag(False), Flag(True)]))[0].on)
class Sized:
    def __len__(self):
        return 4
print(len(Sized()), bool(Sized()))
class Bad:
    def __bool__(self):
        return 1
try:
    bool(Bad())
except TypeError as e:
    print("TypeError", e)
