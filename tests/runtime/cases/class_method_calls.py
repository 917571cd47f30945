# Bound and unbound methods, method objects stored and called later.
class Acc:
    def __init__(self):
        self.total = 0
    def add(self, v):
        self.total += v
        return self
a = Acc()
add = a.add
for i in range(5):
    add(i)
print(a.total)
print(a.add(10).add(20).total)
Acc.add(a, 1)
print(a.total)
calls = [a.add, Acc().add]
print([c(1).total for c in calls])
print(a.add.__self__ is a, a.add.__func__ is Acc.add, a.add == a.add)
