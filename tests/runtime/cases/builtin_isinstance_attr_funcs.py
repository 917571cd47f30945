# getattr/setattr/hasattr/delattr and isinstance/issubclass.
class O:
    a = 1
o = O()
setattr(o, "b", 2)
print(getattr(o, "a"), getattr(o, "b"), getattr(o, "c", "none"), hasattr(o, "b"), hasattr(o, "c"))
delattr(o, "b")
print(hasattr(o, "b"))
try:
    getattr(o, "zzz")
except AttributeError as e:
    print("AttributeError", e)
try:
    delattr(o, "zzz")
except AttributeError:
    print("AttributeError on delattr")
print(getattr(5, "real"), getattr("s", "upper")(), hasattr([], "append"), hasattr(1, "append"))
try:
    getattr(o, 5)
except TypeError as e:
    print("TypeError", e)
print(isinstance(o, O), issubclass(O, object), isinstance(O, type))
