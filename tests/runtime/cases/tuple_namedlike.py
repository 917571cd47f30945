# Tuples as records and dict keys; swapping and comparing.
grid = {}
for x in range(3):
    for y in range(3):
        grid[(x, y)] = x * 3 + y
print(grid[(1, 2)], grid[2, 0], (1, 1) in grid, (5, 5) in grid)
neighbors = [(1 + dx, 1 + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
print(sum(grid[p] for p in neighbors))
pts = [(3, 1), (1, 2), (1, 1), (2, 5)]
print(sorted(pts), min(pts), max(pts, key=lambda p: p[1]))
a = (1, 2, 3)
b = a[:1] + (9,) + a[2:]
print(a, b, a < b)
