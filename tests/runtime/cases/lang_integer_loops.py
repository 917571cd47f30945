# Loop variable semantics: the variable keeps its last value; range objects are re-iterable.
for i in range(5):
    pass
print(i)
r = range(3)
print(list(r), list(r))
total = 0
for i in range(10):
    i *= 2
    total += i
print(total, i)
for _ in range(0):
    never = True
print("never" in globals())
x = [1, 2, 3]
for v in x:
    if v == 2:
        x.append(4)
print(x)
