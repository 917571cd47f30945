# An LRU cache built on OrderedDict, and memoised recursion.
from collections import OrderedDict
class LRU:
    def __init__(self, cap):
        self.cap = cap
        self.data = OrderedDict()
        self.hits = self.misses = 0
    def get(self, k):
        if k in self.data:
            self.data.move_to_end(k)
            self.hits += 1
            return self.data[k]
        self.misses += 1
        return None
    def put(self, k, v):
        self.data[k] = v
        self.data.move_to_end(k)
        if len(self.data) > self.cap:
            self.data.popitem(last=False)
c = LRU(3)
for k in "abcadeafab":
    if c.get(k) is None:
        c.put(k, k.upper())
print(list(c.data.items()), c.hits, c.misses)
memo = {}
def paths(r, col):
    if r == 0 or col == 0:
        return 1
    if (r, col) not in memo:
        memo[(r, col)] = paths(r - 1, col) + paths(r, col - 1)
    return memo[(r, col)]
print(paths(16, 16), len(memo))
