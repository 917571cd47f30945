# gc module: collect, enable/disable, isenabled; objects survive collection.
import gc
data = [list(range(i)) for i in range(100)]
gc.collect()
print(sum(len(x) for x in data))
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
garbage = None
for i in range(2000):
    garbage = [i] * 10
gc.collect()
print(garbage[:3], len(data))
class Node:
    def __init__(self):
        self.other = None
a, b = Node(), Node()
a.other, b.other = b, a
del a, b
gc.collect()
print("cycle collected without crash")
