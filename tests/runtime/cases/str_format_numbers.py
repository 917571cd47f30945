# Number formatting through format(), str.format and f-strings agrees.
vals = [0, 7, -7, 255, 3.5, -0.25, 1e-7, 123456.789]
for v in vals:
    a = format(v, ">10")
    b = "{:>10}".format(v)
    c = f"{v:>10}"
    print(a, a == b == c)
for v in [1, 22, 333]:
    print(f"{v:03d}|{v:<4d}|{v:^5d}|{v:+d}|{v:,}|{v:x}|{v:o}|{v:e}|{v:.1f}")
print(f"{3.14159:.0f} {2.5:.0f} {3.5:.0f} {-0.5:.0f} {1e16:.2f} {1/3:.20f}")
