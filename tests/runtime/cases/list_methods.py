# list methods.
l = [3, 1, 4]
l.append(1); l.extend([5, 9]); l.insert(0, 2); l.insert(100, 6); l.insert(-1, 7)
print(l, len(l), l.count(1), l.index(4), l.index(1, 3))
print(l.pop(), l.pop(0), l.pop(-2), l)
l.remove(1)
print(l)
l.reverse()
print(l)
l.sort()
print(l)
c = l.copy()
c.clear()
print(l, c)
try:
    l.remove(42)
except ValueError as e:
    print("ValueError", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError", e)
try:
    l.index(42)
except ValueError as e:
    print("ValueError", e)
