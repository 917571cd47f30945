# Strings are immutable values; operations return new objects.
a = "text"
b = a
a += "!"
print(a, b)
s = "abc"
t = s.upper()
print(s, t)
print("ab" * 0 == "", ("x" * 3).count("x"), "".join(["a"] * 5))
print(hash("abc") == hash("ab" + "c"), {"a" + "b": 1}["ab"])
print(len({"x", "x", "y"}), sorted({"q", "r", "q"}))
