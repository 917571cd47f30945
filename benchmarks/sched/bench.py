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
  release to its first instruction, worst case, in virtual nanoseconds: over
  all jobs, and over the "quiet" jobs, those before which the heartbeat's
  VCPU did not run. The heartbeat prints, and a line the monitor writes for it
  (the exit report) stalls the core for milliseconds, which nothing can
  preempt; the quiet figure is the scheduler's own (timer latency, the
  decision, the switch, another thread's scheduling call with interrupts off).
- I/O VCPU: phase 2 of the workload, U = 5 % bound to the periodic thread's
  VCPU (C = 0.5 ms per activation, T = 10 ms), a 0.8 ms bottom half per job:
  its foreground share (at most U), activations and overruns.
- timer latency: from when the timer was set to fire to the handler (the
  delivery, which the kernel learns and sets the timer early by), and from a
  chunk's budget end to the decision that ends it, as distributions, with
  the slack and dispatch the kernel learnt (docs/scheduling.md, "In the
  kernel").
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

TIMEOUT = 600.0
SB = 3
LINE = re.compile(rf"\[sb{SB}\] sched (costs|timer|periodic|io|latency|late kind=entry|"
                  rf"late kind=budget)([^\r\n]*)\r?\n")


def _fields(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", text)}


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    with ctx.boot("tests/system/system-test.toml", test=True) as emu:
        done = emu.wait_for(rf"\[sb{SB}\] sched done lines=\d+\r?\n", timeout=TIMEOUT)
        got = {m[1]: _fields(m[2]) for m in LINE.finditer(emu.output, 0, done.end())}
    costs, timer, periodic = got["costs"], got["timer"], got["periodic"]
    io, late, entry, lat = (got["io"], got["late kind=budget"], got["late kind=entry"],
                            got["latency"])
    per_us = costs["tsc_khz"] / 1000

    def dist(h: dict[str, int]) -> str:
        return " ".join(f"<{k[2:]}us:{v}" if k.startswith("lt") else f">={k[2:]}us:{v}"
                        for k, v in h.items() if k.startswith(("lt", "ge")))

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
         "note": f"handler incl. decision and the wait for the event, no switch; "
                 f"{timer['quiet_irqs']} of {timer['irqs']} interrupts"},
        {"name": "periodic release jitter (worst)", "value": periodic["jitter_max_ns"],
         "unit": "ns virtual",
         "note": f"{periodic['jobs']} jobs of 1 ms/10 ms, mean {periodic['jitter_avg_ns']} ns, "
                 f"{periodic['misses']} deadline misses; includes the heartbeat's printing"},
        {"name": "periodic release jitter, quiet jobs (worst)",
         "value": periodic["quiet_jitter_max_ns"], "unit": "ns virtual",
         "note": f"{periodic['quiet_jobs']} of {periodic['jobs']} jobs (no heartbeat run "
                 f"before them), mean {periodic['quiet_jitter_avg_ns']} ns, "
                 f"{periodic['quiet_late']} late"},
        {"name": "I/O VCPU foreground share", "value": round(io["fg_ns"] / io["span_ns"], 4),
         "unit": "of the core",
         "note": f"U={io['U_ppm'] / 1e6:.3f}, C={io['C_ns']} ns per activation, "
                 f"{io['activations']} activations for {io['requests']} requests "
                 f"({io['done']} done), {io['overruns']} overruns ({io['overrun_ns']} ns), "
                 f"background {io['bg_ns']} ns"},
        {"name": "timer delivery latency (mean)", "value": entry["avg_ns"], "unit": "ns virtual",
         "note": f"set to fire -> handler, {entry['n']} interrupts, worst {entry['max_ns']}; "
                 f"learnt early margin {lat['early_ns']} ns; {dist(entry)}"},
        {"name": "budget end to decision (worst)", "value": late["max_ns"], "unit": "ns virtual",
         "note": f"mean {late['avg_ns']} ns over {late['n']}; slack {lat['slack_ns']} ns, "
                 f"dispatch {lat['dispatch_ns']} ns, {lat['past']} armed too late, handler "
                 f"waited {lat['wait_avg_ns']} ns on average; {dist(late)}"},
    ]
