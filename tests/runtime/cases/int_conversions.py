# int() parsing in bases, and from floats/bools/strings.
print(int("42"), int("-17"), int("  +8  "), int("1_000"), int("0"), int("-0"))
print(int("ff", 16), int("0xff", 16), int("0xff", 0), int("0o17", 0), int("0b101", 0), int("z", 36))
print(int("777", 8), int("101", 2), int("Zz", 36), int("10", 3))
print(int(3.9), int(-3.9), int(1e20), int(True), int(2 ** 70 + 0.0))
print(int("123456789012345678901234567890"), int("-" + "9" * 40))
for bad in ("", "abc", "1.5", "0x", "1__0", "_1", "08", " "):
    try:
        int(bad, 0) if bad == "08" else int(bad)
        print("accepted", repr(bad))
    except ValueError as e:
        print("ValueError", e)
try:
    int("5", 1)
except ValueError as e:
    print("ValueError", e)
try:
    int(float("inf"))
except OverflowError as e:
    print("OverflowError", e)
try:
    int(float("nan"))
except ValueError as e:
    print("ValueError", e)
