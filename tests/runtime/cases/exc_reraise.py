# Bare raise re-raises the active exception; raising classes instantiates them.
def f():
    try:
        raise KeyError("orig")
    except KeyError:
        print("logging and re-raising")
        raise
try:
    f()
except KeyError as e:
    print("caught", e)
try:
    raise IndexError
except IndexError as e:
    print(type(e).__name__, e.args)
try:
    raise RuntimeError
except Exception as e:
    print(repr(e))
try:
    raise 42
except TypeError as e:
    print("TypeError", e)
try:
    raise
except RuntimeError as e:
    print("RuntimeError", e)
