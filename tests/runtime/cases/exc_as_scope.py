# The `as` name is cleared after the except block; exceptions are objects.
try:
    raise ValueError("x")
except ValueError as err:
    saved = err
try:
    print(err)
except NameError:
    print("err unbound after except")
print(type(saved).__name__, saved.args)
errors = []
for exc in (ValueError, TypeError, KeyError):
    try:
        raise exc("m")
    except Exception as e:
        errors.append(e)
print([type(e).__name__ for e in errors])
e = ValueError("direct")
print(isinstance(e, Exception), e.args[0])
