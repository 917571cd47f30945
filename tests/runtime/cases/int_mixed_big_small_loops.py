# Loops that cross from small to big ints and back.
x = 1
hist = []
for i in range(100):
    x = x * 3 + 1
    if x.bit_length() > 70:
        x //= 2 ** 40
    hist.append(x.bit_length())
print(x, hist[-10:], max(hist))
total = 0
for i in range(1, 200):
    total += i ** 10
print(total, total % 1000000007)
v = 10 ** 50
while v > 1000:
    v //= 7
print(v)
