# Numeric literal forms.
print(0x1F, 0o17, 0b1011, 0XAB, 0O7, 0B1, 1_000_000, 0x_FF, 0b_1_0)
print(1.5, .5, 5., 1e3, 1E-3, 1_0.0_1, 1e+2, 3.14e-10)
print(00, 0, 10 ** 20, 0xFFFFFFFFFFFFFFFFFFFF)
print(type(1).__name__, type(1.0).__name__, type(1e0).__name__)
