# zip, map, filter are lazy iterators.
z = zip([1, 2, 3], "abc", (True, False, None))
print(type(z).__name__, next(z), list(z))
print(list(zip(range(5), range(2))), list(zip("ab")))
m = map(lambda x: x + 1, [1, 2])
print(type(m).__name__, list(m), list(m))
print(list(map(max, [1, 5], [4, 2])), list(map(len, ["a", "bb", ""])))
f = filter(str.isdigit, "a1b2c3")
print(type(f).__name__, "".join(f))
print(list(filter(lambda v: v > 2, range(6))))
pairs = [("a", 1), ("b", 2)]
letters, nums = zip(*pairs)
print(letters, nums)
