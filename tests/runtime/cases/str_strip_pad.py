# strip/lstrip/rstrip, center/ljust/rjust/zfill, expandtabs.
s = "  \t hi there \n "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()))
print("xxhixx".strip("x"), "abcba".strip("ab"), "www.site.com".lstrip("w."), "file.txt".rstrip(".txt"))
print(repr("hi".center(7)), repr("hi".center(8, "*")), repr("hi".ljust(5, "-")), repr("hi".rjust(5)))
print("42".zfill(5), "-42".zfill(6), "+3".zfill(4), "abc".zfill(2))
print("a\tb\tc".expandtabs(), "a\tbb\tc".expandtabs(4), repr("x".center(0)))
print("prefix_name".removeprefix("prefix_"), "name.py".removesuffix(".py"), "x".removeprefix("y"))
