# Numerically stable-ish loops; results must match to the last bit.
total = 0.0
for i in range(1, 10001):
    total += 1.0 / (i * i)
print(total)
x = 1.0
for _ in range(50):
    x = x * 1.1 - 0.05
print(x)
v = 0.0
for k in range(1000):
    v += (-1) ** k / (2 * k + 1)
print(4 * v)
h = 1.0
while 1.0 + h != 1.0:
    h /= 2
print(h)
print([i * 0.1 for i in range(11)])
