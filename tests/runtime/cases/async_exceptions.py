# Exceptions propagate through await and gather.
import asyncio
async def boom():
    await asyncio.sleep(0)
    raise ValueError("async failure")
async def main():
    try:
        await boom()
    except ValueError as e:
        print("caught", e)
    try:
        await asyncio.gather(asyncio.sleep(0), boom())
    except ValueError as e:
        print("gather raised", e)
    res = await asyncio.gather(boom(), asyncio.sleep(0, "ok"), return_exceptions=True)
    print([type(r).__name__ for r in res], res[1])
asyncio.run(main())
