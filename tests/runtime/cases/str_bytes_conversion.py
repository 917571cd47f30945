# Converting between str, bytes and ints.
s = "Grüße, 世界"
b = s.encode("utf-8")
print(b, len(s), len(b), b.decode("utf-8") == s)
print(list(b[:4]), bytes(list(b[:4])), b[7:].decode())
print(s.encode("utf-8").hex(), bytes.fromhex(s.encode().hex()).decode())
print("abc".encode("latin-1") if False else "abc".encode("ascii"), str(b"abc", "ascii"))
print(b"abc".decode("utf-8", "strict"), b"a\xffb".decode("utf-8", "replace"), b"a\xffb".decode("utf-8", "ignore"))
