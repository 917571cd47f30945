# List comprehensions: filters, nesting, multiple fors.
print([x * x for x in range(8)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([[i * j for j in range(4)] for i in range(3)])
print([c.upper() for c in "hello" if c != "l"])
matrix = [[1, 2, 3], [4, 5, 6]]
print([row[i] for i in range(3) for row in matrix])
print([v for row in matrix for v in row if v % 2])
x = "outer"
print([x for x in "ab"], x)
