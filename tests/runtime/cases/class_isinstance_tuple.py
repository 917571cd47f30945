# isinstance/issubclass with tuples, builtins and class hierarchies.
class A: pass
class B(A): pass
class C: pass
b = B()
print(isinstance(b, A), isinstance(b, (C, A)), isinstance(b, C), isinstance(b, object))
print(issubclass(B, (C, A)), issubclass(bool, int), issubclass(int, object), issubclass(A, A))
print(isinstance(1, (int, float)), isinstance(1.0, int), isinstance("s", str), isinstance(True, int))
print(isinstance([], list), isinstance((), tuple), isinstance({}, dict), isinstance(None, type(None)))
print(isinstance(A, type), isinstance(int, type), type(type).__name__)
try:
    isinstance(1, 2)
except TypeError:
    print("TypeError")
