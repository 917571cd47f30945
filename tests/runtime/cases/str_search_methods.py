# find/rfind/index/rindex/count/startswith/endswith.
s = "the quick brown fox jumps over the lazy dog"
print(s.find("the"), s.find("the", 1), s.rfind("the"), s.find("cat"), s.rfind("o", 0, 20))
print(s.index("fox"), s.rindex("o"), s.count("o"), s.count("the"), s.count(""), "aaaa".count("aa"))
print(s.startswith("the"), s.startswith("quick", 4), s.endswith("dog"), s.endswith(("cat", "dog")))
print(s.startswith(("a", "t")), "".startswith(""), s.find(""), s.find("", 100))
try:
    s.index("cat")
except ValueError as e:
    print("ValueError", e)
print("x" in s, "fox" in s, s.find("o", -5), s.count("o", 10, 30))
