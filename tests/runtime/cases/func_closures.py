# Closures capture variables, not values; cells are shared.
def counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
c1, c2 = counter(), counter()
print(c1(), c1(), c1(5), c2())
def make_mult(n):
    return lambda x: x * n
doubles, triples = make_mult(2), make_mult(3)
print(doubles(7), triples(7))
def pair():
    v = []
    return v.append, lambda: list(v)
push, snap = pair()
push(1); push(2)
print(snap())
def outer():
    x = 1
    def a():
        return x
    x = 2
    return a
print(outer()())
def deep():
    a = 1
    def l1():
        b = 2
        def l2():
            c = 3
            def l3():
                return a + b + c
            return l3
        return l2
    return l1
print(deep()()()())
