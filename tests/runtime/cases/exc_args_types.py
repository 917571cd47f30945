# Exceptions constructed with various argument types.
for args in [(), ("msg",), (1, 2), (None,), ([1, 2],), ("a", {"b": 1})]:
    e = ValueError(*args)
    print(len(e.args), repr(str(e)), repr(e))
print(str(KeyError()), str(KeyError("")), str(KeyError(1)), repr(IndexError("i")))
print(str(OSError(2, "No such file")), OSError(2, "x").errno, str(OSError("plain")))
print(str(StopIteration(5)), StopIteration(5).value, str(SystemExit(2)), SystemExit(2).code)
