# float() parsing.
for s in ("1.5", "  -2.25 ", "1e10", "1E-3", ".5", "5.", "inf", "-Infinity", "nan", "+1_0.5",
          "0x10" if False else "16", "1e400", "-1e400", "1e-400", "2.2250738585072011e-308",
          "0.1000000000000000055511151231257827", "123456789012345678901234567890"):
    print(repr(s), float(s))
for bad in ("", "abc", "1.2.3", "1e", "--1", "1_", "0x10", "in f"):
    try:
        float(bad)
        print("accepted", bad)
    except ValueError as e:
        print("ValueError", e)
print(float(7), float(-2 ** 70), float(True))
