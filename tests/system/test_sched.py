"""VCPU scheduling in a booted sandbox kernel (kernel/schedtest.c, armed as the
"sched" entry of sb3's test_attacks in tests/system/system-test.toml).

The workload: CPU hogs on Main VCPUs of 2 ms/10 ms, 4 ms/20 ms and 10 ms/80 ms
and a periodic thread on the highest-priority VCPU (1 ms/10 ms, ahead of the
2 ms/10 ms hog by its lower VCPU id), next to the
heartbeat's VCPU. Phase 1 (2 s of virtual time) measures the foreground share
of each hog's VCPU; then the 10 ms/80 ms VCPU is cut to 4 ms/80 ms and phase 2
(2 s) measures the most foreground time it got in any 80 ms window, while an
I/O VCPU (U = 5 %) bound to the periodic thread's VCPU runs a bottom half for
each job. The kernel prints `sched ...` lines of key=value pairs in its
console slots.

"Within 1% of C/T" is relative, as issue 4 means it: the 2 ms/10 ms VCPU
must get 0.198 to 0.202 of the core, and every VCPU is checked so. Under
Bochs the 2/10 one gets 0.1986 to 0.1991 (it got 0.1966 while timer events
of lower-priority VCPUs cut its chunks too): the margin is thin because a
decision costs ~250 us against a budget of 8000 instructions, and a chunk
is only kept with more than slack + dispatch left, which cuts this VCPU's
chunks near the releases of the periodic thread (docs/scheduling.md, "In
the emulator").
"""

from __future__ import annotations

import re

import pytest

SCHED_TIMEOUT = 300.0  # wall seconds until the workload's results are out
SB = 3
QUIET_JITTER_NS = 1_500_000
LINE = re.compile(rf"\[sb{SB}\] sched (phase=\d|periodic|costs|timer|fpu|io|diag|latency|late kind=\w+|trace|done)"
                  rf"([^\r\n]*)\r?\n")
HOGS = {(2_000_000, 10_000_000), (4_000_000, 20_000_000), (10_000_000, 80_000_000)}
CUT_BUDGET = 4_000_000
IO_WORK_NS = 800_000
SHARE_TOLERANCE = 0.01
# What a chunk may run past its budget in a window: a decision that comes
# later than the learnt slack, by at most what the kernel counts as latency
# rather than a stall (TIMER_SLACK_CAP_NS, kernel/sched/kside.h). Under Bochs
# the TSC advances in steps of tens of microseconds; measured: 50 us.
CLOCK_STEP_NS = 100_000


def _budget_lateness(sched) -> int:
    """What a window may hold beyond C: the latest budget-end decision the
    kernel measured (its own histogram line), at most CLOCK_STEP_NS plus a
    tenth: a chunk runs past its budget by exactly how late its end was
    decided, and a decision later than that is a stall, not latency."""
    (late,) = sched["late kind=budget"]
    assert late["max_ns"] <= CLOCK_STEP_NS * 11 // 10, late
    return max(late["max_ns"], CLOCK_STEP_NS)


def _fields(text: str) -> dict[str, int]:
    out = {}
    for kv in text.split():
        key, value = kv.split("=")
        out[key] = int(value)
    return out


def _trace(lines: dict[str, list[dict[str, int]]], kind: str) -> str:
    """The decisions around one release (kernel/schedtest.c, report_trace),
    as printed: for the failure messages of the jitter checks."""
    return "\n".join(t["raw"] for t in lines.get("trace", []) if f"kind={kind} " in t["raw"])


@pytest.fixture(scope="module")
def sched(booted) -> dict[str, list[dict[str, int]]]:
    """Every `sched` result line of the workload, grouped by kind."""
    done = booted.wait_for(rf"\[sb{SB}\] sched done lines=(\d+)\r?\n", timeout=SCHED_TIMEOUT)
    lines: dict[str, list[dict[str, int]]] = {}
    for m in LINE.finditer(booted.output, 0, done.end()):
        if m[1] == "trace":  # decisions, not key=value figures
            lines.setdefault(m[1], []).append({"raw": m[2]})  # type: ignore[dict-item]
        else:
            lines.setdefault(m[1], []).append(_fields(m[2]))
    assert sum(len(v) for v in lines.values()) == int(done[1]), "a result line is missing"
    return lines


def test_workload_runs_in_its_sandbox_after_the_attack(booted) -> None:
    up = booted.wait_for(rf"\[sb{SB}\] sandbox {SB} up: [^\r\n]*\(boot 1,", timeout=SCHED_TIMEOUT)
    booted.wait_for(rf"\[sb{SB}\] sched workload: ", timeout=SCHED_TIMEOUT, start=up.end())


def test_each_vcpu_gets_its_share_within_one_percent(sched) -> None:
    phase1 = sched["phase=1"]
    assert {(v["C_ns"], v["T_ns"]) for v in phase1} == HOGS
    for v in phase1:
        assert v["span_ns"] >= 1_900_000_000
        share = v["fg_ns"] / v["span_ns"]
        cover_t = v["C_ns"] / v["T_ns"]
        assert abs(share - cover_t) <= SHARE_TOLERANCE * cover_t, (share, v)
        # Replenished about every period (a cycle of the fastest VCPU is a
        # little longer than T: its chunk starts when the decision for its
        # replenishment reads the clock, tens of microseconds after it).
        assert v["repl"] >= v["span_ns"] // v["T_ns"] * 98 // 100, v


def test_no_hog_exceeds_its_budget_in_any_sampled_window(sched) -> None:
    # Windows of at most T between two samples (one per periodic job): the
    # budget timer fires early by the learnt latency and the handler waits
    # for the budget's end, so a chunk stops within a clock step of it.
    for v in sched["phase=1"]:
        assert v["windows"] >= v["span_ns"] // 10_000_000 // 3, v
        assert v["win_fg_max_ns"] <= v["C_ns"] + _budget_lateness(sched), v


def test_hogs_saw_themselves_run_no_longer_than_they_were_charged(sched) -> None:
    for v in sched["phase=1"]:
        # The hog's own clock (consecutive TSC reads) against the scheduler's
        # account: the difference is the scheduler, interrupts and switches.
        assert 0.5 * v["fg_ns"] <= v["ran_fg_ns"] <= v["fg_ns"], v
        assert v["ran_bg_ns"] <= v["bg_ns"], v


def test_cutting_the_budget_is_never_exceeded_in_any_window(sched) -> None:
    (cut,) = sched["phase=2"]
    assert (cut["C_ns"], cut["T_ns"]) == (CUT_BUDGET, 80_000_000)
    # One window per periodic sample (every T of the periodic thread).
    assert cut["windows"] >= cut["span_ns"] // sched["periodic"][0]["T_ns"] - 5, cut
    assert cut["win_ran_max_ns"] <= CUT_BUDGET, cut
    # Removing budget never lets the VCPU exceed the new one: at most C in
    # any window of T less the overruns, and overruns no longer than a clock
    # step (the budget timer is armed early by the latency the kernel
    # measured and the handler waits for the budget's end).
    assert cut["win_within_max_ns"] <= CUT_BUDGET, cut
    assert cut["win_fg_max_ns"] <= CUT_BUDGET + _budget_lateness(sched), cut
    assert abs(cut["fg_ns"] / cut["span_ns"] - CUT_BUDGET / cut["T_ns"]) <= 0.01, cut
    # No background time while the other hogs keep the core busy at foreground
    # or background priority above it.
    assert cut["bg_ns"] == 0, cut


def test_periodic_thread_misses_no_period(sched) -> None:
    (p,) = sched["periodic"]
    assert (p["C_ns"], p["T_ns"]) == (1_000_000, 10_000_000)
    span = sched["phase=1"][0]["span_ns"] + sched["phase=2"][0]["span_ns"]
    assert p["jobs"] >= span // p["T_ns"] - 2, p
    assert p["misses"] == p["vcpu_misses"] == p["late"], p
    # No job misses its period, as issue 4 asks. The heartbeat's exit report
    # (a monitor line that stalled the core 10-20 ms with seven cores
    # sharing the UART) is held back while the workload measures; jobs were
    # also late when timer interrupts for lower-priority VCPUs' events spent
    # the periodic VCPU's budget (docs/scheduling.md): the decision trace of
    # the first late one says what ran instead.
    assert p["quiet_late"] == 0, (p, _trace(sched, "late"))
    assert p["misses"] == 0, (p, _trace(sched, "late"))
    # Jobs before which the heartbeat's VCPU did not run (it prints, and the
    # monitor's serial line stalls the core): the scheduler's own jitter,
    # the release decision plus at most another thread's decision with
    # interrupts off (~250-450 us each under Bochs) and a switch.
    assert p["quiet_jobs"] >= p["jobs"] * 3 // 4, p
    assert p["quiet_jitter_max_ns"] <= QUIET_JITTER_NS, (p, _trace(sched, "quiet"))


def test_timer_is_calibrated_and_drives_the_decisions(sched) -> None:
    (c,) = sched["costs"]
    (t,) = sched["timer"]
    # Calibrated against the TSC at boot: under Bochs both count the same ticks.
    assert abs(c["lapic_khz"] - c["tsc_khz"]) <= c["tsc_khz"] // 100, c
    # Every chunk of the fastest hog that ran out of budget needed an interrupt.
    fastest = min(sched["phase=1"], key=lambda v: v["T_ns"])
    assert t["irqs"] >= fastest["repl"] // 2, t
    assert c["switches"] > 0 and c["decisions"] >= t["irqs"], c
    # The timer is set to fire early by the delivery latency it learnt, and
    # the handler waits for the event: most interrupts reach the handler
    # before their event (thread.c counts them as early), most budget ends
    # (what the margin is learnt from and for) are decided within 30 us of
    # the budget's end, and few decisions come 100 us or more after their
    # event (an interrupt held off by a decision or a section with
    # interrupts off). Of every decision about half is within 30 us
    # (0.53-0.59 on five images; 0.64 while the events of VCPUs that cannot
    # preempt the running one were timer events too: those came on time, with
    # interrupts on, and are no longer asked for).
    (lat,) = sched["latency"]
    assert 0 < lat["early_ns"] <= 100_000 and lat["waits"] > t["irqs"] // 2, (lat, t)
    budget = sched["late kind=budget"][0]
    assert budget["lt5"] + budget["lt10"] + budget["lt20"] + budget["lt30"] >= budget["n"] // 2, budget
    every = sched["late kind=all"][0]
    assert every["lt200"] + every["lt1000"] + every["ge1000"] <= every["n"] // 5, every


def test_io_vcpu_does_interrupt_driven_work_within_its_utilization(sched) -> None:
    (io,) = sched["io"]
    (p,) = sched["periodic"]
    (cut,) = sched["phase=2"]
    # The owner hog in phase 2 (kernel/schedtest.c, report_io): its
    # foreground and own run time, overruns, replenishments, request checks.
    owner = sched.get("diag")
    fastest = min(sched["phase=1"], key=lambda v: v["T_ns"])
    # Bound to the 2 ms/10 ms hog's VCPU, which causes the I/O.
    assert io["U_ppm"] == 50_000 and io["owner"] == fastest["vcpu"]
    assert io["T_ns"] == fastest["T_ns"]
    assert io["C_ns"] == io["T_ns"] * io["U_ppm"] // 1_000_000
    assert abs(io["span_ns"] - cut["span_ns"]) <= p["T_ns"], (io, cut)
    # About one request per period of the hog; none lost, all done.
    assert io["requests"] >= io["span_ns"] // io["T_ns"] * 9 // 10, (io, owner)
    assert io["done"] >= io["requests"] - 2, io  # one at work, one queued at the end
    # Each request wants 0.8 ms, more than C = 0.5 ms: every activation runs
    # out of budget, the rest runs in background.
    assert io["activations"] >= io["requests"] * 3 // 4, (io, owner)
    assert io["fg_ns"] <= io["activations"] * io["C_ns"] + io["overrun_ns"], io
    # Activations are spaced by what they used / U: within U over the phase.
    u = io["U_ppm"] / 1e6
    assert io["fg_ns"] <= u * io["span_ns"] + io["C_ns"], io
    assert io["fg_ns"] >= 0.75 * u * io["span_ns"], (io, owner)
    assert io["bg_ns"] > 0, io
    # The bottom half's own clock: its work ran, split as the scheduler says.
    assert io["ran_fg_ns"] <= io["fg_ns"] and io["ran_bg_ns"] <= io["bg_ns"], io
    assert io["ran_fg_ns"] + io["ran_bg_ns"] >= io["done"] * IO_WORK_NS * 0.99, io


def test_budget_timer_latency_is_measured_and_learnt(sched) -> None:
    entry = sched["late kind=entry"][0]
    budget = sched["late kind=budget"][0]
    every = sched["late kind=all"][0]
    (lat,) = sched["latency"]
    (t,) = sched["timer"]
    for h in (entry, budget, every):
        buckets = [v for k, v in h.items() if k.startswith(("lt", "ge"))]
        assert len(buckets) == 11 and sum(buckets) == h["n"], h
    # (Read a little after the timer line: a few interrupts more.)
    assert 0 < budget["n"] <= every["n"] <= t["irqs"] * 11 // 10, (budget, every, t)
    # Learnt figures (under Bochs tens of microseconds), never the
    # millisecond stalls of a monitor line: the early margin (delivery), the
    # slack (the handler's path to the decision), the dispatch (a decision).
    assert 0 < lat["early_ns"] <= lat["early_max_ns"] <= 100_000, lat
    assert 0 < lat["slack_ns"] <= lat["slack_max_ns"] <= 100_000, lat
    assert 0 < lat["dispatch_ns"] <= lat["dispatch_max_ns"] <= 1_000_000, lat
    # A chunk only starts or goes on with more than slack + dispatch left,
    # so (almost) no budget timer is armed after its event: a decision may
    # still take longer than the longest of the recent ones.
    assert lat["past"] * 50 <= budget["n"], lat


EXITS = re.compile(rf"\[mon \d+\] exits sb={SB} boot=1 total=(\d+)([^\r\n]*)\r?\n")


def test_timer_interrupts_reach_the_guest_without_exits(booted, sched) -> None:
    done = booted.wait_for(rf"\[sb{SB}\] sched done lines=\d+\r?\n", timeout=SCHED_TIMEOUT)
    # The first exit report after the results: it covers the whole workload.
    report = booted.wait_for(EXITS, timeout=SCHED_TIMEOUT, start=done.end())
    reasons = dict(kv.split("=") for kv in report[2].split())
    assert not {"external_interrupt", "rdmsr", "wrmsr"} & reasons.keys(), report[0]
    (t,) = sched["timer"]
    assert int(report[1]) * 10 < t["irqs"], (report[0], t)


def test_threads_keep_their_own_sse_state_across_switches(sched) -> None:
    (f,) = sched["fpu"]
    # Every hog checks XMM0/7/15 and MXCSR against its own values every 64
    # iterations; the three hogs were switched among each other ~2000 times.
    assert f["checks"] >= 1000, f
    assert f["mismatches"] == 0, f
