# More bytes methods and conversions.
b = b"The Quick Brown Fox"
print(b.lower(), b.swapcase(), b.title(), b.isalpha(), b"123".isdigit(), b" ".isspace())
print(b.partition(b" "), b.rpartition(b" "), b.rsplit(b" ", 1), b.splitlines())
print(b.center(25, b"*"), b.ljust(21, b"."), b.rjust(21), b"5".zfill(3))
print(b.rfind(b"o"), b.lstrip(b"T"), b.rstrip(b"x"), b"%d-%s" % (3, b"x"))
print(bytes.maketrans(b"ab", b"xy")[97], b"abc".translate(bytes.maketrans(b"ab", b"xy")))
print(int.from_bytes(b"\x12\x34", "big"), b"abc"[1:2] == b"b", b"abc"[1] == 98)
print(sorted(b"zyx"), max(b"az"), sum(b"\x01\x02"), hash(b"abc") == hash(bytes(b"abc")))
