# int methods and attributes.
print((255).bit_length(), (0).bit_length(), (-256).bit_length(), (2 ** 100).bit_length())
print((1024).to_bytes(2, "big"), (1024).to_bytes(4, "little"), (-1).to_bytes(2, "big", signed=True))
print(int.from_bytes(b"\x01\x00", "big"), int.from_bytes(b"\x01\x00", "little"))
print(int.from_bytes(b"\xff\xff", "big", signed=True), int.from_bytes(bytes(range(1, 20)), "big"))
print((2 ** 70).to_bytes(9, "big"))
print((5).real, (5).imag, (5).numerator, (5).denominator, (7).conjugate())
try:
    (256).to_bytes(1, "big")
except OverflowError as e:
    print("OverflowError", e)
print((-5).__abs__(), (3).__add__(4), int.__mul__(6, 7))
