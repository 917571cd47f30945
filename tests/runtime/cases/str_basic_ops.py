# str concatenation, repetition, indexing, length, comparison.
s = "hello"
print(s + " world", s * 3, 0 * s, s[0], s[-1], s[1:3], len(s), len(""))
print("a" < "b", "abc" == "abc", "Abc" < "abc", "ab" < "abc", max("zebra"), min("zebra"))
try:
    s[10]
except IndexError as e:
    print("IndexError", e)
try:
    s[0] = "H"
except TypeError as e:
    print("TypeError", e)
try:
    "a" + 1
except TypeError as e:
    print("TypeError", e)
print(list("abc"), tuple("xy"), "".join(reversed("stressed")))
