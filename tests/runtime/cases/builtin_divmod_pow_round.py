# divmod, pow, round builtins on mixed types.
print(divmod(7, 2), divmod(-7, 2), divmod(7.5, 2), divmod(2 ** 70, 3), divmod(True, 2))
print(pow(2, 10), pow(2.0, 3), pow(2, -1), pow(4, 0.5), pow(7, 2, 5), pow(-2, 3))
print(round(2.5), round(3.5), round(-2.5), round(2.567, 2), round(1234, -2), round(0.5 + 1e-9))
class Rnd:
    def __round__(self, n=None):
        return ("rounded", n)
print(round(Rnd()), round(Rnd(), 3))
try:
    divmod(1, 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
