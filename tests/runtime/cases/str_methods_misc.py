# Less common str methods.
print("a-b-c".split("-", maxsplit=1), "Hello".ljust(8, ".") + "|")
print("{} and {}".format("x", "y"), "ab".join("--"), "  x  ".isspace())
print("abc".index("c"), "abcabc".rindex("b"), "hello world".title().swapcase())
print(str.upper("x"), str.join(",", ["1", "2"]), "%".join("ab"))
print("x".isascii(), "é".isascii(), "ⅷ".isnumeric(), "²".isdigit(), "١".isdecimal())
print("a\tb".expandtabs(1), "A1b2".lower().upper())
print("abc"[True], "%s" % "%s")
