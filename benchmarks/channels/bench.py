"""Channel cost in Bochs: emulated instructions per message for 8 B to 4 KiB, and
the VM exits the run causes.

benchmarks/channels/system-bench.toml boots two sandboxes with a channel each
way; kernel/chantest.c (bench_send / bench_echo) streams 256 messages of each
size, timed at the receiver once the pipeline is full (throughput: the cost of
the slower end per message), then 64 round trips timed at the sender (one-way
latency = half a round trip). With Bochs' `clock: sync=none` the TSC counts
instructions per core (docs/monitor.md), so TSC ticks are instructions. The
figures include the kernel's timer interrupts and heartbeat thread running
meanwhile. Both ends ask their monitor for an exit report right before and
right after the run; the difference, less the second report's own VMCALL, is
what the run cost in VM exits.

After that (and after the second exit report) both ends create the run-time
channel "brt" (QV_HC_CHAN_CREATE) and each times its own call that succeeded:
the cost of agreeing and mapping one side. Then 64 round trips of 8 B go
out on "brt" with the doorbell, the echo's thread blocked until rung, and come back on
"pong" polled: the round trip less two polled one-ways is what waking a
blocked consumer by doorbell costs; each ring's hypercall is timed alone.
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

TIMEOUT = 600.0
SYSTEM = "benchmarks/channels/system-bench.toml"
EXITS = re.compile(r"\[mon \d+\] exits sb=(\d+) boot=\d+ total=(\d+)([^\r\n]*)\r?\n")


def _counts(rest: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}


def _exit_reports(text: str, sb: int) -> list[tuple[int, dict[str, int]]]:
    return [(int(m[2]), _counts(m[3])) for m in EXITS.finditer(text) if int(m[1]) == sb]


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    with ctx.boot(SYSTEM, test=True) as emu:
        emu.wait_for(r"\[sb0\] chanbench sender done: (\w+)", timeout=TIMEOUT)
        emu.wait_for(r"\[sb1\] chanbench echo done: (\w+)", timeout=TIMEOUT)
        text = emu.output
    for who in ("sender", "echo"):
        status = re.search(rf"chanbench {who} done: (\w+)", text)
        if not status or status[1] != "ok":
            raise RuntimeError(f"channel benchmark {who} failed: {status[1] if status else '?'}")
    oneway = {int(s): int(v) for s, v in re.findall(r"\[sb0\] chanbench size=(\d+) "
                                                    r"oneway_tsc=(\d+)", text)}
    stream = {int(s): int(v) for s, v in re.findall(r"\[sb1\] chanbench size=(\d+) "
                                                    r"stream_tsc=(\d+)", text)}
    for size in sorted(stream):
        results.append({"name": f"stream {size} B", "value": stream[size],
                        "unit": "instructions/message",
                        "note": "throughput: receiver's TSC per message, 256-message stream"})
    for size in sorted(oneway):
        results.append({"name": f"one-way {size} B", "value": oneway[size],
                        "unit": "instructions/message",
                        "note": "latency: half a round trip, 64 round trips"})
    results += _runtime_results(text, oneway.get(8))
    for sb in (0, 1):
        reports = _exit_reports(text, sb)
        if len(reports) < 2:
            raise RuntimeError(f"sb{sb}: fewer than two exit reports around the run")
        (t0, c0), (t1, c1) = reports[0], reports[1]
        delta = {k: v - c0.get(k, 0) for k, v in c1.items() if v - c0.get(k, 0)}
        delta["vmcall"] = delta.get("vmcall", 0) - 1  # the second report itself
        delta = {k: v for k, v in delta.items() if v}
        what = ", ".join(f"{k} {v}" for k, v in sorted(delta.items())) or "none"
        results.append({"name": f"exits sb{sb} during the run", "value": t1 - t0 - 1,
                        "unit": "exits", "note": what})
    return results


def _runtime_results(text: str, oneway_8: int | None) -> list[dict[str, Any]]:
    sender = re.search(r"\[sb0\] chanbench runtime create_tsc=(\d+) tries=(\d+) doorbell "
                       r"rounds=(\d+) roundtrip_tsc=(\d+) rings=(\d+) ring_tsc=(\d+)", text)
    echo = re.search(r"\[sb1\] chanbench runtime create_tsc=(\d+) tries=(\d+) doorbell "
                     r"sleeps=(\d+) wakes=(\d+) irqs=(\d+)", text)
    if not sender or not echo:
        raise RuntimeError("no run-time channel / doorbell figures from the benchmark kernels")
    rounds, roundtrip, rings, ring = (int(sender[i]) for i in (3, 4, 5, 6))
    sleeps, wakes = int(echo[3]), int(echo[4])
    results: list[dict[str, Any]] = [
        {"name": "run-time create, sender", "value": int(sender[1]), "unit": "instructions",
         "note": f"its QV_HC_CHAN_CREATE that succeeded ({sender[2]} calls in all); "
                 "the agreeing call also prints the monitor's line"},
        {"name": "run-time create, echo", "value": int(echo[1]), "unit": "instructions",
         "note": f"its QV_HC_CHAN_CREATE that succeeded ({echo[2]} calls in all)"},
        {"name": "doorbell round trip 8 B", "value": roundtrip, "unit": "instructions",
         "note": f"out with the doorbell to a sleeping echo, back polled; {rings} rings, "
                 f"{wakes} of {sleeps} sleeps ended by a doorbell, {rounds} rounds"},
        {"name": "doorbell hypercall", "value": ring, "unit": "instructions",
         "note": "QV_HC_DOORBELL as the producer sees it (VM exit, ICR write, resume)"},
    ]
    if oneway_8:
        results.append({"name": "doorbell wake-up 8 B", "value": roundtrip - 2 * oneway_8,
                        "unit": "instructions",
                        "note": "doorbell round trip less two polled one-ways of 8 B"})
    return results
