# Comprehension scoping: closures over loop variables, class bodies.
fs = [lambda: i for i in range(3)]
print([f() for f in fs])
def outer():
    n = 10
    return [n + k for k in range(3)]
print(outer())
class K:
    base = [1, 2, 3]
    doubled = [x * 2 for x in base]
print(K.doubled)
def nested():
    return [[(i, j) for j in range(i)] for i in range(3)]
print(nested())
y = 5
print([y for _ in range(2)], {y: y for _ in range(1)}, list(y + 1 for _ in range(1)))
