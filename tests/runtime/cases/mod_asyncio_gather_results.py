# asyncio: gather of many coroutines, run_until_complete style via asyncio.run, sleep result.
import asyncio
async def square(n):
    await asyncio.sleep(0.001 * (n % 3))
    return n * n
async def main():
    results = await asyncio.gather(*[square(i) for i in range(20)])
    print(results)
    v = await asyncio.sleep(0, "sleep result")
    print(v)
    t = asyncio.create_task(square(7))
    print(await t, t.result())
asyncio.run(main())
