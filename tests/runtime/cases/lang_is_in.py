# Identity and membership.
a = [1, 2]
b = a
c = [1, 2]
print(a is b, a is c, a == c, a is not c)
print(None is None, id(a) == id(b), id(a) != id(c))
print(2 in a, 3 in a, 3 not in a, "ab" in "cabd", "x" in "", "" in "abc")
print(1 in {1: "x"}, "x" in {1: "x"}, 2 in {1, 2}, 5 in range(10), 10 in range(0, 10, 2))
class Box:
    def __contains__(self, v):
        return v == 42
print(42 in Box(), 41 in Box(), 42 not in Box())
class It:
    def __iter__(self):
        return iter([7, 8])
print(8 in It(), 9 in It())
