# pass, Ellipsis and None singletons.
def f():
    pass
print(f())
class C:
    pass
print(type(C()).__name__)
print(..., Ellipsis, ... is Ellipsis, type(...).__name__)
print(None, type(None).__name__, None == None, None is None, None != 0)
def g():
    ...
print(g() is None)
print(repr(None), str(None), bool(None))
