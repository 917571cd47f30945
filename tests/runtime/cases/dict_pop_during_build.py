# Deleting while iterating over a copy of the keys; popitem LIFO order.
d = {i: i * i for i in range(10)}
for k in list(d):
    if k % 3:
        del d[k]
print(d)
items = []
while d:
    items.append(d.popitem())
print(items)
e = dict(a=1)
e.setdefault("b", []).append(2)
e.setdefault("b", []).append(3)
print(e)
