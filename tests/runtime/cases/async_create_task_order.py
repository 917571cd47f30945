# Tasks start in creation order when the loop gets control.
import asyncio
log = []
async def job(i):
    log.append("start%d" % i)
    await asyncio.sleep(0)
    log.append("end%d" % i)
async def main():
    ts = [asyncio.create_task(job(i)) for i in range(3)]
    log.append("created")
    await asyncio.sleep(0)
    log.append("after first yield")
    for t in ts:
        await t
    print(log)
asyncio.run(main())
