# async for / async with over user classes.
import asyncio
class ARange:
    def __init__(self, n):
        self.i, self.n = 0, n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        await asyncio.sleep(0)
        return self.i
class ACtx:
    async def __aenter__(self):
        print("aenter")
        return "resource"
    async def __aexit__(self, *exc):
        print("aexit")
async def main():
    total = 0
    async for v in ARange(4):
        total += v
    print("total", total)
    async with ACtx() as r:
        print("using", r)
asyncio.run(main())
