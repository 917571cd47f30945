# asyncio.wait_for with timeouts.
import asyncio
async def slow():
    await asyncio.sleep(5)
    return "slow"
async def fast():
    await asyncio.sleep(0.01)
    return "fast"
async def main():
    print(await asyncio.wait_for(fast(), 1))
    try:
        await asyncio.wait_for(slow(), 0.05)
    except asyncio.TimeoutError as e:
        print("timed out:", type(e).__name__ in ("TimeoutError",))
asyncio.run(main())
