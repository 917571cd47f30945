# sorted and reversed on various iterables.
print(sorted([3, 1, 2]), sorted("bca"), sorted((2, 1)), sorted({3: "x", 1: "y"}), sorted(range(5, 0, -1)))
print(sorted(["b", "A", "c"], key=str.lower, reverse=True), sorted([]), sorted([[2, 1], [1, 2]]))
print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed((1, 2))), list(reversed(range(4))))
class R:
    def __len__(self):
        return 3
    def __getitem__(self, i):
        return i * 2
print(list(reversed(R())))
class Rev:
    def __reversed__(self):
        return iter("custom")
print(list(reversed(Rev())))
