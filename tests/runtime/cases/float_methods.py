# float methods and attributes.
print((2.5).is_integer(), (2.0).is_integer(), (-0.0).is_integer())
print((0.5).as_integer_ratio(), (0.1).as_integer_ratio(), (-3.75).as_integer_ratio())
print((1.5).hex(), (0.1).hex(), float.fromhex("0x1.8p1"), float.fromhex("-0x1p-2"))
print((3.5).real, (3.5).imag, (3.5).conjugate(), abs(-2.5), -(-2.5))
print(int(2.9999), int(-2.9999), float.__add__(1.0, 2.0))
try:
    (float("inf")).as_integer_ratio()
except OverflowError as e:
    print("OverflowError", e)
