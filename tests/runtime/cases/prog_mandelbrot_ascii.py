# ASCII Mandelbrot: float loops with early exit.
rows = []
for y in range(-12, 13):
    line = ""
    for x in range(-40, 20):
        c = (x / 20, y / 10)
        zr = zi = 0.0
        n = 0
        while n < 50 and zr * zr + zi * zi <= 4.0:
            zr, zi = zr * zr - zi * zi + c[0], 2 * zr * zi + c[1]
            n += 1
        line += " .:-=+*#%@"[n % 10] if n < 50 else "@"
    rows.append(line)
print("\n".join(rows))
