# create_task, awaiting tasks, cancellation.
import asyncio
async def ticker(n, log):
    for i in range(n):
        log.append(i)
        await asyncio.sleep(0)
    return "ticked %d" % n
async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("cancelled")
        raise
async def main():
    log = []
    t = asyncio.create_task(ticker(3, log))
    print("task created", log)
    r = await t
    print(r, log, t.done())
    s = asyncio.create_task(sleeper())
    await asyncio.sleep(0.01)
    s.cancel()
    try:
        await s
    except asyncio.CancelledError:
        print("awaiting cancelled task raised CancelledError")
asyncio.run(main())
