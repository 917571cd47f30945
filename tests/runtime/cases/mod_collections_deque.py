# collections.deque.
from collections import deque
d = deque([1, 2, 3])
d.append(4)
d.appendleft(0)
print(d, len(d), d[0], d[-1], d.pop(), d.popleft(), d)
d.extend([7, 8])
d.extendleft([-1, -2])
print(list(d))
d.rotate(2)
print(list(d))
d.rotate(-3)
print(list(d))
b = deque(maxlen=3)
for i in range(6):
    b.append(i)
print(b, list(b), b.maxlen)
b.appendleft(99)
print(list(b))
try:
    deque().pop()
except IndexError as e:
    print("IndexError", e)
print(3 in deque([1, 3]), deque("ab") == deque(["a", "b"]), list(reversed(deque([1, 2]))))
q = deque()
for i in range(1000):
    q.append(i)
    if len(q) > 10:
        q.popleft()
print(list(q), q.count(995), deque([1, 2, 1]).index(2))
q.clear()
print(len(q), bool(q))
