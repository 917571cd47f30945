# An idle service for benchmarks/python: after `import quest` it reports its
# interpreter's heap once (live data after a collection, and the allocator's
# own figure) and then sleeps for good.

import gc

import quest


def main():
    gc.collect()
    st = quest.stats()
    print(f"pyb_idle: mem_alloc={gc.mem_alloc()} heap_used={st['heap_used']} "
          f"heap_total={st['heap_total']}")
    while True:
        quest.sleep_ms(1000)
