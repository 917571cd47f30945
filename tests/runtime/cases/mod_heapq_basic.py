# heapq: push/pop keep the heap invariant; heapify; heapsort.
import heapq
h = []
for v in [5, 1, 8, 3, 9, 2, 7]:
    heapq.heappush(h, v)
print(h[0], [heapq.heappop(h) for _ in range(len(h))])
data = [9, 4, 7, 1, 8, 2]
heapq.heapify(data)
print(data[0], all(data[i] <= data[c] for i in range(len(data)) for c in (2 * i + 1, 2 * i + 2) if c < len(data)))
print(heapq.heappushpop(data, 0), heapq.heapreplace(data, 10), sorted(data))
tasks = []
for prio, name in [(3, "low"), (1, "high"), (2, "mid"), (1, "high2")]:
    heapq.heappush(tasks, (prio, name))
print([heapq.heappop(tasks) for _ in range(4)])
try:
    heapq.heappop([])
except IndexError as e:
    print("IndexError", e)
