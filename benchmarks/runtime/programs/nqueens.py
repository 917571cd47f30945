# Count all solutions of the n-queens problem with bitmasks and with sets.
def count_bits(n):
    full = (1 << n) - 1
    def go(cols, d1, d2):
        if cols == full:
            return 1
        total = 0
        free = full & ~(cols | d1 | d2)
        while free:
            bit = free & -free
            free ^= bit
            total += go(cols | bit, ((d1 | bit) << 1) & full, (d2 | bit) >> 1)
        return total
    return go(0, 0, 0)

def first_solutions(n, limit):
    out = []
    cols = []
    def place(row):
        if len(out) >= limit:
            return
        if row == n:
            out.append(tuple(cols))
            return
        for c in range(n):
            if all(c != q and abs(c - q) != row - r for r, q in enumerate(cols)):
                cols.append(c)
                place(row + 1)
                cols.pop()
    place(0)
    return out

counts = [count_bits(n) for n in range(4, 13)]
sols = first_solutions(10, 300)
print("nqueens", counts, len(sols), sum(sum(s) for s in sols))
