# repr of builtin values.
for v in [1, -1.5, "s", b"b", [1, "a"], (1,), (), {"k": [1]}, None, True, range(3), slice(1, 2),
          bytearray(b"x"), frozenset(), set(), {1}, 1e100, -0.0, float("nan"), {"a": (None,)}]:
    print(repr(v))
print(ascii("héllo"), ascii(["é"]), ascii("😀"), repr(object)[:6], repr(len))
print(repr(int), repr(str), repr(ValueError), repr(type))
