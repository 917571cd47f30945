# abs, all, any.
print(abs(-5), abs(5), abs(-2.5), abs(0), abs(-(2 ** 80)), abs(True))
print(all([]), all([1, 2]), all([1, 0]), all("abc"), all([[]]), any([]), any([0, "", None]), any([0, 1]))
print(any(x > 5 for x in range(10)), all(x < 5 for x in range(10)))
class Abs:
    def __abs__(self):
        return "abs called"
print(abs(Abs()))
try:
    abs("x")
except TypeError as e:
    print("TypeError", e)
