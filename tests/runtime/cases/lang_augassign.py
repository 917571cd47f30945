# Augmented assignment on names, attributes, subscripts, and mutables.
x = 10
x += 5; x -= 3; x *= 2; x //= 5; x **= 3; x %= 7; x <<= 4; x >>= 1; x |= 1; x &= 0xF7; x ^= 3
print(x)
f = 1.5
f /= 2
print(f)
s = "ab"
s += "cd"
s *= 2
print(s)
lst = [1]
alias = lst
lst += [2, 3]
print(lst, alias, lst is alias)
t = (1,)
talias = t
t += (2,)
print(t, talias)
d = {"a": 1}
d["a"] += 10
print(d)
class C:
    v = 1
c = C()
c.v += 1
print(c.v, C.v)
m = [[1, 2], [3, 4]]
m[1][0] *= 10
print(m)
