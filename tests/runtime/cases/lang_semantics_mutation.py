# Mutation through aliases and argument passing.
def mutate(lst, d, n):
    lst.append(1)
    d["k"] = "v"
    n += 1
    return n
l, d, n = [], {}, 0
r = mutate(l, d, n)
print(l, d, n, r)
def rebind(lst):
    lst = [9]
    return lst
orig = [1]
print(rebind(orig), orig)
a = [[1, 2], [3]]
b = list(a)
b[0].append(99)
b[1] = "new"
print(a, b)
t = ([1],)
t[0].append(2)
print(t)
