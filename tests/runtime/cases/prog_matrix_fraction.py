# Exact rational arithmetic with a hand-written Fraction class and Gaussian elimination.
def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)
class Q:
    def __init__(self, n, d=1):
        if d == 0:
            raise ZeroDivisionError("zero denominator")
        if d < 0:
            n, d = -n, -d
        g = gcd(n, d) or 1
        self.n, self.d = n // g, d // g
    def __add__(self, o):
        o = o if isinstance(o, Q) else Q(o)
        return Q(self.n * o.d + o.n * self.d, self.d * o.d)
    def __sub__(self, o):
        o = o if isinstance(o, Q) else Q(o)
        return Q(self.n * o.d - o.n * self.d, self.d * o.d)
    def __mul__(self, o):
        o = o if isinstance(o, Q) else Q(o)
        return Q(self.n * o.n, self.d * o.d)
    def __truediv__(self, o):
        o = o if isinstance(o, Q) else Q(o)
        return Q(self.n * o.d, self.d * o.n)
    def __eq__(self, o):
        o = o if isinstance(o, Q) else Q(o)
        return self.n == o.n and self.d == o.d
    def __repr__(self):
        return str(self.n) if self.d == 1 else f"{self.n}/{self.d}"
def solve(A, b):
    n = len(A)
    M = [[Q(v) for v in row] + [Q(bv)] for row, bv in zip(A, b)]
    for col in range(n):
        piv = next(r for r in range(col, n) if not M[r][col] == 0)
        M[col], M[piv] = M[piv], M[col]
        for r in range(n):
            if r != col:
                f = M[r][col] / M[col][col]
                M[r] = [x - f * y for x, y in zip(M[r], M[col])]
    return [M[i][n] / M[i][i] for i in range(n)]
print(solve([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], [8, -11, -3]))
print(solve([[1, 2], [3, 5]], [1, 1]), Q(1, 3) + Q(1, 6), Q(3, -9), Q(2, 4) * 2)
h = Q(0)
for k in range(1, 21):
    h = h + Q(1, k)
print(h)
