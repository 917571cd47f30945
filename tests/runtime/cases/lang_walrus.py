# Assignment expressions.
data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print("long", n)
out = [y for x in data if (y := x * 2) > 6]
print(out)
i = 0
while (i := i + 1) < 5:
    print(i, end=" ")
print()
print((z := 10) + z)
def f():
    [w := k for k in range(3)]
    return w
print(f())
