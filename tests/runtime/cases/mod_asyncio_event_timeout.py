# Waiting on an Event with wait_for; setting it from another task.
import asyncio
async def setter(ev):
    await asyncio.sleep(0.02)
    ev.set()
async def main():
    ev = asyncio.Event()
    try:
        await asyncio.wait_for(ev.wait(), 0.01)
    except asyncio.TimeoutError:
        print("timed out first")
    asyncio.create_task(setter(ev))
    await asyncio.wait_for(ev.wait(), 1.0)
    print("event set", ev.is_set())
    ev.clear()
    print("cleared", ev.is_set())
asyncio.run(main())
