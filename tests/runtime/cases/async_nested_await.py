# Deeply nested awaits and recursion through coroutines.
import asyncio
async def fact(n):
    if n <= 1:
        return 1
    await asyncio.sleep(0)
    return n * await fact(n - 1)
async def fan(depth):
    if depth == 0:
        return 1
    parts = await asyncio.gather(fan(depth - 1), fan(depth - 1))
    return sum(parts)
async def main():
    print(await fact(20))
    print(await fan(6))
asyncio.run(main())
