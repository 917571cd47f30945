# Nested dictionaries: grouping and aggregation.
sales = [("north", "apples", 3), ("south", "pears", 5), ("north", "pears", 2), ("north", "apples", 4),
         ("east", "plums", 1), ("south", "apples", 6)]
table = {}
for region, fruit, n in sales:
    table.setdefault(region, {}).setdefault(fruit, 0)
    table[region][fruit] += n
print(table)
totals = {r: sum(f.values()) for r, f in table.items()}
print(totals, max(totals, key=totals.get))
inverted = {}
for r, fruits in table.items():
    for f in fruits:
        inverted.setdefault(f, []).append(r)
print(inverted)
