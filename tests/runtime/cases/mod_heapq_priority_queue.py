# A priority queue of tasks using heapq with tuples.
import heapq
pq = []
counter = 0
def push(prio, task):
    global counter
    heapq.heappush(pq, (prio, counter, task))
    counter += 1
for prio, task in [(5, "write"), (1, "urgent"), (3, "review"), (1, "urgent2"), (4, "test")]:
    push(prio, task)
order = []
while pq:
    prio, _, task = heapq.heappop(pq)
    order.append((prio, task))
print(order)
data = [(i * 37) % 101 for i in range(100)]
heapq.heapify(data)
print([heapq.heappop(data) for _ in range(10)])
