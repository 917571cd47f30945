import builtins

print(builtins.len([1, 2, 3]), builtins.abs(-4))
print(builtins.int is int, builtins.ValueError is ValueError)
print(all(hasattr(builtins, n) for n in
          ["print", "range", "isinstance", "sorted", "Exception", "KeyError", "object", "super"]))
print(getattr(builtins, "no_such_builtin", "missing"))
try:
    builtins.max()
except TypeError as e:
    print("TypeError")
