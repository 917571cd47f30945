# Unary minus/plus/invert and abs on small and big ints.
for n in (0, 5, -5, 2 ** 62, -(2 ** 62), 2 ** 63, -(2 ** 63), 2 ** 100):
    print(-n, +n, ~n, abs(n))
print(abs(-0), abs(True), -True, ~False)
