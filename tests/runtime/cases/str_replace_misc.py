# replace, translate-free transforms, encode, repr of mixed text.
s = "aaa bbb aaa"
print(s.replace("aaa", "x"), s.replace("a", "", 2), s.replace("", "-"), s.replace("zz", "y"))
print("hello".encode(), "héllo".encode("utf-8"), "abc".encode("ascii"))
print(str(b"bytes", "utf-8"), b"caf\xc3\xa9".decode(), b"abc".decode("ascii"))
try:
    "é".encode("ascii")
except UnicodeEncodeError:
    print("UnicodeEncodeError")
try:
    b"\xff".decode("utf-8")
except UnicodeDecodeError:
    print("UnicodeDecodeError")
print(str(123), str(1.5), str([1, "a"]), str(None), str(), repr("x"), ascii("é"))
print("abc".translate({ord("a"): "A", ord("b"): None}), str.maketrans("ab", "xy")[97])
