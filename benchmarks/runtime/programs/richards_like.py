# A task scheduler simulation in the spirit of richards: queues, packets and state machines.
class Packet:
    __slots__ = ("link", "ident", "kind", "datum", "data")

    def __init__(self, link, ident, kind):
        self.link = link
        self.ident = ident
        self.kind = kind
        self.datum = 0
        self.data = [0] * 4

class Task:
    def __init__(self, ident, prio, queue):
        self.ident = ident
        self.prio = prio
        self.queue = queue
        self.count = 0

    def run(self, sched):
        pkt = self.queue.pop(0) if self.queue else None
        if pkt is None:
            return None
        self.count += 1
        pkt.datum = (pkt.datum + self.ident * 7 + self.count) % 26
        pkt.data[self.count % 4] += pkt.datum
        nxt = (self.ident + pkt.datum) % len(sched.tasks)
        sched.tasks[nxt].queue.append(pkt)
        return pkt

class Scheduler:
    def __init__(self, ntasks, npackets):
        self.tasks = [Task(i, (i * 37) % 11, []) for i in range(ntasks)]
        for p in range(npackets):
            self.tasks[p % ntasks].queue.append(Packet(None, p, p % 3))
        self.order = sorted(self.tasks, key=lambda t: (-t.prio, t.ident))

    def schedule(self, rounds):
        moved = 0
        for _ in range(rounds):
            for t in self.order:
                if t.run(self) is not None:
                    moved += 1
        return moved

s = Scheduler(10, 40)
moved = s.schedule(120000)
check = sum(t.count * (t.ident + 1) for t in s.tasks)
print("richards_like", moved, check, sum(len(t.queue) for t in s.tasks))
