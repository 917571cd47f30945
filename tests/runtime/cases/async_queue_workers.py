# Several workers draining a queue; results are sorted before printing.
import asyncio
async def worker(name, q, results):
    while True:
        item = await q.get()
        if item is None:
            q.task_done() if hasattr(q, "task_done") else None
            break
        await asyncio.sleep(0)
        results.append((item, item * item))
async def main():
    q = asyncio.Queue()
    for i in range(10):
        q.put_nowait(i)
    for _ in range(3):
        q.put_nowait(None)
    results = []
    await asyncio.gather(*(worker(n, q, results) for n in "abc"))
    print(sorted(results))
asyncio.run(main())
