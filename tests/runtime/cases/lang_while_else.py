# while loops with break, continue and else.
i = 0
total = 0
while i < 10:
    i += 1
    if i % 3 == 0:
        continue
    total += i
else:
    print("loop finished", total)
n = 0
while True:
    n += 1
    if n > 4:
        break
print("n", n)
k = 10
while k > 0:
    k -= 3
    if k == 1:
        break
else:
    print("not printed")
print("k", k)
j = 5
while j < 3:
    j += 1
else:
    print("else on zero iterations", j)
