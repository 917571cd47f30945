# iter and next, including the two-argument iter(callable, sentinel).
it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "end"))
try:
    next(it)
except StopIteration:
    print("StopIteration")
data = [5, 4, 3, 0, 9]
pos = [0]
def read():
    v = data[pos[0]]
    pos[0] += 1
    return v
print(list(iter(read, 0)))
s = iter("ab")
print(iter(s) is s, list(s))
d = iter({"x": 1, "y": 2})
print(next(d), next(d))
try:
    next([1])
except TypeError as e:
    print("TypeError", e)
