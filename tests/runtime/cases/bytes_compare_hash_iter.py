# bytes comparisons, hashing, iteration and membership.
items = [b"b", b"a", b"ab", b"", b"\xff", b"B"]
print(sorted(items), max(items), min(items))
print(b"abc" == bytearray(b"abc"), bytearray(b"abc") == b"abc", b"a" != "a", {b"k": 1}[b"k"])
for i, v in enumerate(b"hi"):
    print(i, v, chr(v))
print(b"ell" in b"hello", 104 in b"hello", b"" in b"x", list(reversed(b"abc")))
try:
    "a" in b"abc"
except TypeError:
    print("TypeError")
