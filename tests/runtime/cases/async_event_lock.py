# asyncio.Event and asyncio.Lock.
import asyncio
async def waiter(ev, name, log):
    await ev.wait()
    log.append(name)
async def locked(lock, name, log):
    async with lock:
        log.append("in " + name)
        await asyncio.sleep(0.01)
        log.append("out " + name)
async def main():
    ev = asyncio.Event()
    log = []
    tasks = [asyncio.create_task(waiter(ev, n, log)) for n in "xyz"]
    await asyncio.sleep(0.01)
    print("before set", log, ev.is_set())
    ev.set()
    await asyncio.gather(*tasks)
    print("after set", sorted(log), ev.is_set())
    lock = asyncio.Lock()
    log2 = []
    await asyncio.gather(locked(lock, "a", log2), locked(lock, "b", log2))
    print(log2, lock.locked())
asyncio.run(main())
