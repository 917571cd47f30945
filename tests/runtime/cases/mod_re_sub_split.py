# re: sub, split, compile.
import re
print(re.sub(r"\s+", " ", "a   b \t c\n d"), re.sub(r"(\w+)@(\w+)", r"\2 at \1", "me@host you@there"))
print(re.sub("a", "b", "aaa", 2), re.sub(r"\d", lambda m: str(int(m.group()) * 2), "a1b2c3"))
print(re.split(r",\s*", "a, b,c,   d"), re.split(r"\d", "a1b2c"), re.split(",", "a,b,c", 1))
pat = re.compile(r"([A-Z])(\d+)")
print(pat.match("A12").groups(), pat.search("xx B7 yy").group(0), pat.sub(r"\2\1", "A1 B22"), pat.split("xA1yB2z"))
print(re.compile("ab*").match("abbbc").group(), re.compile("ab*?").match("abbb").group())
