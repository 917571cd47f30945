# Context managers that manage a resource pool and report errors.
class Pool:
    def __init__(self, size):
        self.free = list(range(size))
        self.log = []
    def acquire(self):
        pool = self
        class Lease:
            def __enter__(self):
                self.slot = pool.free.pop(0)
                pool.log.append(("take", self.slot))
                return self.slot
            def __exit__(self, et, ev, tb):
                pool.free.append(self.slot)
                pool.log.append(("give", self.slot, et.__name__ if et else "ok"))
                return et is KeyError
        return Lease()
p = Pool(2)
with p.acquire() as a, p.acquire() as b:
    print("got", a, b, p.free)
with p.acquire():
    raise KeyError("swallowed")
try:
    with p.acquire():
        raise ValueError("escapes")
except ValueError:
    print("ValueError escaped")
print(p.log, sorted(p.free))
