# Slice assignment and deletion, including extended slices.
l = list(range(10))
l[2:5] = []
print(l)
l[0:0] = ["a", "b"]
print(l)
l[-2:] = "xyz"
print(l)
l[::3] = [0] * len(l[::3])
print(l)
try:
    l[::2] = [1]
except ValueError as e:
    print("ValueError", e)
del l[1::2]
print(l)
l[1:1] = range(3)
print(l)
l[len(l):] = [100]
print(l)
