# re.findall and finditer (present in CPython; part of the runtime's re when available).
import re
print(re.findall(r"\d+", "a1 b22 c333"), re.findall(r"(\w)=(\d)", "a=1, b=2"), re.findall("x", "abc"))
print([m.group() for m in re.finditer(r"[A-Z]", "aBcDeF")])
