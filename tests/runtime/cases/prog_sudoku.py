# Sudoku solver with constraint checking and backtracking.
puzzle = ("530070000600195000098000060800060003400803001"
          "700020006060000280000419005000080079")
grid = [int(c) for c in puzzle]
def ok(g, i, v):
    r, c = divmod(i, 9)
    if any(g[r * 9 + k] == v for k in range(9)):
        return False
    if any(g[k * 9 + c] == v for k in range(9)):
        return False
    br, bc = r // 3 * 3, c // 3 * 3
    return all(g[(br + dr) * 9 + bc + dc] != v for dr in range(3) for dc in range(3))
def solve(g):
    try:
        i = g.index(0)
    except ValueError:
        return True
    for v in range(1, 10):
        if ok(g, i, v):
            g[i] = v
            if solve(g):
                return True
            g[i] = 0
    return False
print(solve(grid))
for r in range(9):
    print("".join(map(str, grid[r * 9:(r + 1) * 9])))
