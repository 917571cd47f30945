# Exceptions raised inside handlers and finally blocks.
def a():
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second")
try:
    a()
except TypeError as e:
    print(e, "context:", e.__context__)
def b():
    try:
        raise ValueError("lost")
    finally:
        raise KeyError("from finally")
try:
    b()
except KeyError as e:
    print("KeyError", e, type(e.__context__).__name__)
def c():
    try:
        try:
            raise IndexError("deep")
        except IndexError:
            try:
                raise AttributeError("deeper")
            except AttributeError as inner:
                return type(inner).__name__, type(inner.__context__).__name__
    except Exception:
        return "not here"
print(c())
