# Assignment targets: chained, tuple, list, nested, attribute, subscript.
a = b = c = 7
print(a, b, c)
x, y = 1, 2
x, y = y, x
print(x, y)
[p, q], r = (3, 4), 5
print(p, q, r)
(m, (n, o)) = 1, (2, 3)
print(m, n, o)
lst = [0, 0, 0]
lst[0], lst[2] = 9, 8
print(lst)
class O:
    pass
o = O()
o.a, o.b = "A", "B"
print(o.a, o.b)
d = {}
d["k"] = d["j"] = 1
print(d)
i = 0
lst2 = [10, 20]
i, lst2[i] = 1, 99
print(i, lst2)
