# Floor division and modulo follow floor semantics; true division yields float.
pairs = [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (1, 3), (10 ** 20, 7), (-(10 ** 20), 7)]
for a, b in pairs:
    print(a, b, a // b, a % b, a / b, divmod(a, b))
print(1 / 3, 2 / 3, 10 / 4, 10 ** 30 / 10 ** 10, (2 ** 80) / (2 ** 10))
print(1 / 2 ** 60, 7 // 7, -1 // 10, -1 % 10)
for op in ("a // 0", "a % 0", "a / 0", "divmod(a, 0)"):
    try:
        a = 5
        eval(op)
    except ZeroDivisionError as e:
        print(op, "->", e)
