# bin/oct/hex and format of ints, small and big.
for n in (0, 1, -1, 255, -255, 2 ** 64, -(2 ** 70) + 3):
    print(bin(n), oct(n), hex(n))
print(format(255, "x"), format(255, "X"), format(255, "#x"), format(255, "o"), format(5, "08b"))
print(format(-42, "+d"), format(42, " d"), format(1234567, ","), format(1234567, "_"))
print(format(2 ** 80, ","), format(-(2 ** 80), "x"), format(10, "c"))
print(str(10 ** 30), repr(-10 ** 30), "%d" % 10 ** 25, "%x" % 2 ** 70)
print(f"{2 ** 65:>30}|{-12:<6}|{12:^7}|{12:=+6}")
