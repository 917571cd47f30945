# re: match, search, groups.
import re
m = re.match(r"(\w+) (\w+)", "hello world again")
print(m.group(0), m.group(1), m.group(2), m.groups())
print(re.match(r"\d+", "abc123"), re.search(r"\d+", "abc123").group(), re.search("z", "abc"))
m = re.search(r"(\d+)-(\d+)", "tel: 555-1234 ok")
print(m.group(1), m.group(2), m.start(), m.end(), m.span(), m.start(1))
print(bool(re.match(r"^[a-z]+$", "abc")), bool(re.match(r"^[a-z]+$", "abC")), re.match("a|b", "b").group())
print(re.search(r"a.c", "xxabcxx").group(), re.search(r"a\.c", "abc a.c").group(), re.match(r"x*", "yyy").group() == "")
