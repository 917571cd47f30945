# Module-level globals changed by functions and read in comprehensions.
total = 0
items = []
def add(v):
    global total
    total += v
    items.append(v)
for k in range(5):
    add(k * k)
print(total, items, [v + total for v in items])
def reader():
    return [total for _ in range(2)]
print(reader())
