# Tasks with different sleeps finish in time order.
import asyncio
finished = []
async def job(name, delay):
    await asyncio.sleep(delay)
    finished.append(name)
async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in (("slow", 0.06), ("fast", 0.01), ("mid", 0.03))]
    for t in tasks:
        await t
    print(finished)
asyncio.run(main())
