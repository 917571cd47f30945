# Exceptions keep their args; with_traceback exists; __traceback__ is set after raise.
try:
    raise ValueError("v", 1)
except ValueError as e:
    print(e.args, e.__traceback__ is not None, type(e).__mro__[1].__name__)
e = KeyError("k")
print(e.__traceback__ is None, e.with_traceback(None) is e)
try:
    raise TypeError("t")
except TypeError as t:
    err = t
print(str(err), isinstance(err, BaseException))
