# re: optional groups, nested groups, escapes.
import re
m = re.match(r"(a)(b)?(c)", "ac")
print(m.groups(), m.group(2), m.group(0))
m = re.match(r"((\d+)\.(\d+))", "3.14 x")
print(m.groups(), m.group(1))
print(re.match(r"\(\d\)", "(5)").group(), re.search(r"\$\d+\.\d\d", "cost $12.50").group())
print(re.sub(r"[aeiou]", "", "regular expressions"), re.sub(r"(\d+)", r"<\1>", "a1b22c333"))
print(re.match(r"[\-\]]+", "-]-x").group(), re.search(r"\d\D\d", "a1b2").group())
pat = re.compile(r"(\w+)=(\w*)")
print([pat.match(s).groups() if pat.match(s) else None for s in ("k=v", "empty=", "=x")])
