# for loops over sequences with else, break, continue, nested loops.
for p in range(2, 30):
    for d in range(2, p):
        if p % d == 0:
            break
    else:
        print(p, end=" ")
print()
for c in "abc":
    if c == "b":
        continue
    print(c)
else:
    print("done")
for x in []:
    print("never")
else:
    print("empty else")
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a, b)
for i in range(3):
    for j in range(3):
        if j > i:
            break
        print(i, j, end="; ")
print()
