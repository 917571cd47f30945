# deque iteration, indexing, and use as a sliding window.
from collections import deque
def moving_avg(seq, k):
    win = deque(maxlen=k)
    out = []
    for v in seq:
        win.append(v)
        if len(win) == k:
            out.append(sum(win) / k)
    return out
print(moving_avg([1, 2, 3, 4, 5, 6, 7], 3))
d = deque(range(5))
print([x * 2 for x in d], d[2], d[-1], len(d))
d.remove(2)
print(d, list(d))
dq = deque([1, 2, 3], 5)
dq.extend([4, 5, 6])
print(dq, dq.maxlen)
