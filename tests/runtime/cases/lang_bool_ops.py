# and/or/not return operands and short-circuit.
print(1 and 2, 0 and 2, 1 or 2, 0 or 2, None or "x", "" or [] or 0)
print(not 0, not 1, not "", not "a", not [], not [0])
seen = []
def t(v):
    seen.append(v)
    return v
r = t(0) and t(1)
r2 = t(1) or t(2)
r3 = t(0) or t(0) or t(3)
print(r, r2, r3, seen)
print(True + True, True * 10, False - 1, int(True), str(False))
print(isinstance(True, int), True == 1, hash(True) == hash(1))
