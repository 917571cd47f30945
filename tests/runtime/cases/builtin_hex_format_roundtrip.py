# Conversions between ints and text in several bases round-trip.
for n in (0, 1, 255, 4096, 65535, 2 ** 32, 2 ** 64 + 7, -12345):
    h, o, b = hex(n), oct(n), bin(n)
    print(n, h, int(h, 16), int(o, 8), int(b, 2), int(h, 0) == n, format(n, "#x") == h)
