# Long literals and many constants in one function.
BIG = 123456789012345678901234567890123456789012345678901234567890
NEG = -987654321098765432109876543210
HEX = 0xDEADBEEFCAFEBABE1234567890ABCDEF
print(BIG, NEG, HEX, BIG + NEG, HEX % 1000)
words = ["w%d" % i for i in range(300)]
print(len(words), words[-1])
S = "x" * 1000
print(len(S), S[:5])
def many():
    return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            1.5, 2.5, "a", "b", "c", b"d", None, True, False, (1, 2), 10 ** 30]
print(many())
