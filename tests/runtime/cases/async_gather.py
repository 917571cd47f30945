# asyncio.gather runs tasks concurrently and keeps result order.
import asyncio
order = []
async def worker(name, delay):
    order.append("start " + name)
    await asyncio.sleep(delay)
    order.append("end " + name)
    return name.upper()
async def main():
    res = await asyncio.gather(worker("a", 0.03), worker("b", 0.01), worker("c", 0.02))
    print(res)
    print(order)
asyncio.run(main())
