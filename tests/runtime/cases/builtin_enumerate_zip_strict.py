# enumerate start values and zip with many iterables.
print(list(enumerate("abc", -1)), list(enumerate([], 3)), list(enumerate(range(2), start=100)))
print(list(zip("ab", "cd", "ef", "gh")), list(zip(*["abc", "def"])), list(zip(range(3), range(10, 13))))
try:
    list(zip([1], [1, 2], strict=True))
except ValueError as e:
    print("ValueError")
