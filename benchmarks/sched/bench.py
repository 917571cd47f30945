"""Scheduling costs inside a sandbox kernel, measured by the kernel itself while
the scheduling workload of the test boot runs (kernel/schedtest.c on sb3 of
tests/system/system-test.toml, see tests/system/test_sched.py).

Units: TSC ticks as the kernel reads them. Under Bochs with `clock: sync=none`
the TSC counts emulation ticks: the cores run in turn and after each round the
ticks advance by the average number of instructions the cores executed, so a
tick is about one emulated instruction of this core (docs/monitor.md). At the
4000 kHz the monitor measures, 4 ticks are a microsecond of virtual time.

- context switch: ctx_switch() (callee-saved registers, FXSAVE/FXRSTOR, stack
  switch) from the old thread's last instruction to the new one's first, mean.
- scheduling decision: qvs_schedule() plus arming the one-shot timer, mean and
  worst.
- timer interrupt: C handler entry to exit for interrupts that switch nothing
  (EOI, decision, re-arm), mean; entry stub and IRET come on top.
- release jitter: the periodic thread (1 ms/10 ms, highest priority), from its
  release to its first instruction, worst case, in virtual nanoseconds. The
  heartbeat's exit-report hypercall stalls the core while the monitor writes
  its line to the serial port, so the worst case is about one such line.
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

TIMEOUT = 600.0
SB = 3
LINE = re.compile(rf"\[sb{SB}\] sched (costs|timer|periodic)([^\r\n]*)\r?\n")


def _fields(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", text)}


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    with ctx.boot("tests/system/system-test.toml", test=True) as emu:
        done = emu.wait_for(rf"\[sb{SB}\] sched done lines=\d+\r?\n", timeout=TIMEOUT)
        got = {m[1]: _fields(m[2]) for m in LINE.finditer(emu.output, 0, done.end())}
    costs, timer, periodic = got["costs"], got["timer"], got["periodic"]
    per_us = costs["tsc_khz"] / 1000
    return [
        {"name": "context switch", "value": costs["switch_avg_ticks"], "unit": "TSC ticks",
         "note": f"mean of {costs['switches']}, worst {costs['switch_max_ticks']}; "
                 "~1 tick per emulated instruction"},
        {"name": "scheduling decision", "value": costs["decision_avg_ticks"],
         "unit": "TSC ticks",
         "note": f"qvs_schedule + timer arm, mean of {costs['decisions']}, worst "
                 f"{costs['decision_max_ticks']} ({costs['decision_avg_ticks'] / per_us:.0f} us "
                 "virtual)"},
        {"name": "timer interrupt", "value": timer["quiet_irq_avg_ticks"], "unit": "TSC ticks",
         "note": f"handler incl. decision, no switch; {timer['quiet_irqs']} of {timer['irqs']} "
                 f"interrupts; delivery {timer['late_avg_ns']} ns after the deadline on average"},
        {"name": "periodic release jitter (worst)", "value": periodic["jitter_max_ns"],
         "unit": "ns virtual",
         "note": f"{periodic['jobs']} jobs of 1 ms/10 ms, mean {periodic['jitter_avg_ns']} ns, "
                 f"{periodic['misses']} deadline misses; worst ~ one monitor line's VM exit"},
    ]
