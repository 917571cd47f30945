# Constructors of builtin types with no args and with conversions.
print(bool(), int(), float(), str(), list(), tuple(), dict(), set(), frozenset(), bytes(), bytearray())
print(bool("x"), int("12"), float("1.5"), str(12), list("ab"), tuple([1]), dict([(1, 2)]), set("aa"))
print(int(" 7 "), int(7.99), float(" -3 "), str(b"x"), str(1e16), list({1: 2}), list(range(3)))
print(list((i for i in range(3))), tuple(map(abs, [-1, -2])), bytes([1, 2]), bytes(b"x"))
class Conv:
    def __int__(self):
        return 7
    def __float__(self):
        return 2.5
    def __index__(self):
        return 7
print(int(Conv()), float(Conv()))
