# if/elif/else chains and conditional expressions.
def classify(n):
    if n < 0:
        return "neg"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "big"
print([classify(n) for n in (-5, 0, 3, 10, 99)])
for n in range(6):
    print(n, "even" if n % 2 == 0 else "odd", "x" if n > 3 else "y" if n > 1 else "z")
if 0:
    print("no")
elif []:
    print("no")
else:
    print("else")
