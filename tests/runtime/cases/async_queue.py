# asyncio.Queue producer/consumer.
import asyncio
async def producer(q, n):
    for i in range(n):
        await q.put(i)
    await q.put(None)
async def consumer(q, out):
    while True:
        v = await q.get()
        if v is None:
            break
        out.append(v * v)
async def main():
    q = asyncio.Queue()
    out = []
    await asyncio.gather(producer(q, 6), consumer(q, out))
    print(out, q.empty(), q.qsize())
    bq = asyncio.Queue(maxsize=2)
    await bq.put(1)
    await bq.put(2)
    print(bq.full(), bq.get_nowait(), bq.full())
asyncio.run(main())
