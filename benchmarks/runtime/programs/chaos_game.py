# A chaos-game-like workload: points as objects, affine maps, a histogram grid.
class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def lerp(self, other, t):
        return Point(self.x + (other.x - self.x) * t, self.y + (other.y - self.y) * t)

class Affine:
    def __init__(self, a, b, c, d, e, f):
        self.m = (a, b, c, d, e, f)

    def apply(self, p):
        a, b, c, d, e, f = self.m
        return Point(a * p.x + b * p.y + e, c * p.x + d * p.y + f)

class Lcg:
    def __init__(self, seed):
        self.state = seed

    def next(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state % n

def sierpinski(steps, rng):
    corners = [Point(0.0, 0.0), Point(1.0, 0.0), Point(0.5, 0.8660254)]
    p = Point(0.3, 0.3)
    grid = [[0] * 32 for _ in range(32)]
    for _ in range(steps):
        p = p.lerp(corners[rng.next(3)], 0.5)
        grid[int(p.y * 31.999)][int(p.x * 31.999)] += 1
    return grid

def fern(steps, rng):
    maps = [Affine(0.0, 0.0, 0.0, 0.16, 0.0, 0.0), Affine(0.85, 0.04, -0.04, 0.85, 0.0, 1.6),
            Affine(0.2, -0.26, 0.23, 0.22, 0.0, 1.6), Affine(-0.15, 0.28, 0.26, 0.24, 0.0, 0.44)]
    weights = [1, 85, 7, 7]
    table = [i for i, w in enumerate(weights) for _ in range(w)]
    p = Point(0.0, 0.0)
    minx = maxx = miny = maxy = 0.0
    for _ in range(steps):
        p = maps[table[rng.next(100)]].apply(p)
        if p.x < minx:
            minx = p.x
        if p.x > maxx:
            maxx = p.x
        if p.y < miny:
            miny = p.y
        if p.y > maxy:
            maxy = p.y
    return round(minx, 6), round(maxx, 6), round(miny, 6), round(maxy, 6)

rng = Lcg(42)
grid = sierpinski(150000, rng)
filled = sum(1 for row in grid for v in row if v)
print("chaos_game", filled, max(max(r) for r in grid), fern(150000, rng))
