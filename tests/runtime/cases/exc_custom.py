# User-defined exceptions with attributes, args, str and repr.
class ValidationError(ValueError):
    def __init__(self, field, msg):
        super().__init__(f"{field}: {msg}")
        self.field = field
class Quiet(Exception):
    pass
try:
    raise ValidationError("age", "must be positive")
except ValueError as e:
    print(type(e).__name__, e, e.field, e.args)
e = Quiet()
print(repr(e), str(e), e.args)
e2 = Quiet("a", 2)
print(repr(e2), str(e2), e2.args)
e3 = Exception("single")
print(repr(e3), str(e3), e3.args)
print(repr(ValueError()), str(KeyError("k")), str(KeyError("k", "j")), repr(KeyError("k")))
class WithStr(Exception):
    def __str__(self):
        return "custom text"
try:
    raise WithStr(1)
except WithStr as x:
    print(x, x.args)
