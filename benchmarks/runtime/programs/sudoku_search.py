# Sudoku solving by constraint propagation with candidate sets and search.
ROWS = "ABCDEFGHI"
COLS = "123456789"
SQUARES = [r + c for r in ROWS for c in COLS]
UNITS = ([[r + c for c in COLS] for r in ROWS] + [[r + c for r in ROWS] for c in COLS] +
         [[r + c for r in rs for c in cs] for rs in ("ABC", "DEF", "GHI") for cs in ("123", "456", "789")])
UNITS_OF = {s: [u for u in UNITS if s in u] for s in SQUARES}
PEERS = {s: set(x for u in UNITS_OF[s] for x in u) - {s} for s in SQUARES}

def assign(values, s, d):
    for other in values[s].replace(d, ""):
        if not eliminate(values, s, other):
            return False
    return values

def eliminate(values, s, d):
    if d not in values[s]:
        return values
    values[s] = values[s].replace(d, "")
    if not values[s]:
        return False
    if len(values[s]) == 1:
        d2 = values[s]
        for p in PEERS[s]:
            if not eliminate(values, p, d2):
                return False
    for u in UNITS_OF[s]:
        places = [q for q in u if d in values[q]]
        if not places:
            return False
        if len(places) == 1 and not assign(values, places[0], d):
            return False
    return values

def parse(grid):
    values = {s: COLS for s in SQUARES}
    for s, ch in zip(SQUARES, grid):
        if ch in COLS and not assign(values, s, ch):
            return False
    return values

def search(values, counter):
    if values is False:
        return False
    if all(len(values[s]) == 1 for s in SQUARES):
        return values
    counter[0] += 1
    n, s = min((len(values[s]), s) for s in SQUARES if len(values[s]) > 1)
    for d in values[s]:
        result = search(assign(dict(values), s, d), counter)
        if result:
            return result
    return False

PUZZLES = [
    "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......",
    "52...6.........7.13...........4..8..6......5...........418.........3..2...87.....",
    "6.....8.3.4.7.................5.4.7.3..2.....1.6.......2.....5.....8.6......1....",
    "48.3............71.2.......7.5....6....2..8.............1.76...3.....4......5....",
    "....14....3....2...7..........9...3.6.1.............8.2.....1.4....5.6.....7.8...",
]
checksum = 0
nodes = [0]
for p in PUZZLES * 7:
    sol = search(parse(p), nodes)
    digits = "".join(sol[s] for s in SQUARES)
    checksum = (checksum * 31 + int(digits[:9]) + int(digits[-9:])) % 1000000007
print("sudoku_search", checksum, nodes[0])
