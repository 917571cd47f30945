# print calls str() on each argument.
class S:
    def __str__(self):
        return "S-str"
    def __repr__(self):
        return "S-repr"
print(S(), [S()], (S(),), {"k": S()}, sep=" / ")
print(1, 1.0, 1.5e300, True, None, "s", b"b", bytearray(b"ba"), end=" <end>\n")
print(*range(5))
print("%s|%r" % (S(), S()), f"{S()}|{S()!r}", str(S()), repr(S()))
