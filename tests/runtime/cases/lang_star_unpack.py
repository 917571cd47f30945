# Extended unpacking with a starred target.
a, *b = [1, 2, 3, 4]
print(a, b)
*a, b = "xyz"
print(a, b)
a, *b, c = range(6)
print(a, b, c)
a, *b, c = 1, 2
print(a, b, c)
(a, *b), c = (1, 2, 3), 4
print(a, b, c)
for first, *rest in [(1, 2, 3), (4,)]:
    print(first, rest)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print(type(e).__name__, e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print(type(e).__name__, e)
try:
    a, *b, c = [1]
except ValueError as e:
    print(type(e).__name__)
