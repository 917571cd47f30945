# bytes literals, indexing (ints), slicing, concatenation, methods.
b = b"hello world"
print(b, b[0], b[-1], b[1:5], b[::-1], len(b), b + b"!", b * 2)
print(b.upper(), b.split(), b.replace(b"o", b"0"), b.find(b"wor"), b.count(b"l"))
print(b.startswith(b"he"), b.endswith(b"ld"), b.strip(b"hd"), b"a,b".split(b","))
print(bytes(3), bytes([65, 66, 67]), bytes(range(5)), bytes("é", "utf-8"), bytes(b"copy"))
print(list(b"abc"), b"x" in b"xyz", 120 in b"xyz", b"-".join([b"a", b"b"]))
print(b.hex(), bytes.fromhex("de ad be ef"), b"\x00\xff".hex(), b.decode())
print(b"abc" < b"abd", b"" == bytes(), b"A".lower(), b"  x ".strip(), b.index(b"o"))
try:
    bytes([256])
except ValueError as e:
    print("ValueError", e)
try:
    b"a" + "b"
except TypeError as e:
    print("TypeError", e)
print(repr(b"'"), repr(b'"'), repr(b"\t\n\\"), bytes([0, 9, 10, 13, 31, 127, 128]))
