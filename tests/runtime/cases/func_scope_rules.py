# LEGB lookup and UnboundLocalError.
x = "global"
def read():
    return x
def shadow():
    x = "local"
    return x
def unbound():
    try:
        print(x)
    except UnboundLocalError as e:
        print("UnboundLocalError", e)
    x = 1
print(read(), shadow(), x)
unbound()
def builtin_shadow():
    len = lambda s: -1
    return len("abc")
print(builtin_shadow(), len("abc"))
def uses_later():
    return later_defined()
def later_defined():
    return "found at call time"
print(uses_later())
