"""Boot figures of the default system in Bochs: emulated instructions from power-on
to "all sandboxes up", and VM exits per sandbox and reason in a steady-state window.

With `clock: sync=none` Bochs derives time from its instruction count and the TSC
counts those ticks: the cores run in turn, and after each round the ticks advance
by the average number of instructions the cores executed (a halted core counts as
a full quantum), so a TSC value is instructions per core since power-on. The kernels print the TSC in their "up" line,
the monitor in its banner.
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

BOOT_TIMEOUT = 600.0
UP = re.compile(r"\[sb(\d+)\] sandbox \1 up: core \d+, \d+ MiB \(boot 0, tsc (\d+)")
BANNER = re.compile(r"\[mon 0\] questv monitor \(tsc (\d+)\)")
TSC_KHZ = re.compile(r"\[mon 0\] memory: [^\r\n]*tsc (\d+) kHz")
EXITS = re.compile(r"\[mon \d+\] exits sb=(\d+) boot=(\d+) total=(\d+)([^\r\n]*)\r?\n")
REPORT_EVERY = 4  # heartbeats between two exit reports (kernel/main.c)


def _counts(rest: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}


def _steady_window(emu: Any, sandboxes: int, start: int) -> dict[int, dict[str, int]]:
    """Per sandbox: exits per reason between its first two reports after `start`."""
    deltas: dict[int, dict[str, int]] = {}
    for sb in range(sandboxes):
        pattern = rf"\[mon \d+\] exits sb={sb} [^\r\n]*\r?\n"
        first = emu.wait_for(pattern, timeout=BOOT_TIMEOUT, start=start)
        second = emu.wait_for(pattern, timeout=BOOT_TIMEOUT, start=first.end())
        a = EXITS.search(first.group(0))
        b = EXITS.search(second.group(0))
        assert a and b and a[2] == b[2], "the sandbox restarted inside the window"
        before, after = _counts(a[4]), _counts(b[4])
        deltas[sb] = {r: after[r] - before.get(r, 0) for r in after
                      if after[r] - before.get(r, 0)}
        deltas[sb]["total"] = int(b[3]) - int(a[3])
    return deltas


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    from questv.config import load

    system = load(ctx.root / "system.toml")
    n = len(system.sandboxes)
    with ctx.boot("system.toml") as emu:
        ups = [emu.wait_for(rf"\[sb{i}\] sandbox {i} up: [^\r\n]*\r?\n", timeout=BOOT_TIMEOUT)
               for i in range(n)]
        tsc_up = max(int(UP.search(m.group(0))[2]) for m in ups)
        tsc_mon = int(emu.wait_for(BANNER, timeout=10)[1])
        khz = int(emu.wait_for(TSC_KHZ, timeout=10)[1])
        window = _steady_window(emu, n, max(m.end() for m in ups))
    hb = system.sandboxes[0].heartbeat_ms
    results = [
        {"name": "instructions to all sandboxes up", "value": tsc_up, "unit": "per core",
         "note": f"TSC at the last 'up' line, {tsc_up / khz:.0f} ms virtual at {khz} kHz"},
        {"name": "instructions BIOS+GRUB", "value": tsc_mon, "unit": "per core",
         "note": "TSC when the monitor printed its banner"},
        {"name": "instructions monitor+kernels to up", "value": tsc_up - tsc_mon,
         "unit": "per core", "note": "banner to the last 'up' line"},
    ]
    for sb, deltas in window.items():
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(deltas.items()) if k != "total")
        # One vmcall is the exit report that prints these counts; say what else remains.
        extra = deltas["total"] - 1
        why = "the report hypercall itself" + (f", and {extra} other exits" if extra else "")
        results.append({"name": f"exits sb{sb} steady window", "value": deltas["total"],
                        "unit": f"per {REPORT_EVERY * hb} ms",
                        "note": f"{reasons or 'none'}: {why}"})
    return results
