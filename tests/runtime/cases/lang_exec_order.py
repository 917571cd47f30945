# Evaluation order of operands, arguments, and assignments.
log = []
def v(x):
    log.append(x)
    return x
r = v(1) + v(2) * v(3)
print(r, log)
log.clear()
def f(*a, **k):
    return a, k
f(v("a"), v("b"), key=v("c"))
print(log)
log.clear()
d = {v("k1"): v("v1"), v("k2"): v("v2")}
print(log)
log.clear()
lst = [0, 0]
lst[v(0)] = v(5)
print(log, lst)
log.clear()
a = v(1) if v(True) else v(2)
print(log)
