# len, range, enumerate on many types.
print(len("abc"), len([1, 2]), len((1,)), len({1: 2}), len({1, 2, 3}), len(b"xy"), len(range(7)), len(bytearray(3)))
print(list(enumerate("abc")), list(enumerate(["x", "y"], 1)), list(enumerate([], 5)))
class L:
    def __len__(self):
        return 7
print(len(L()))
class Neg:
    def __len__(self):
        return -1
try:
    len(Neg())
except ValueError as e:
    print("ValueError", e)
