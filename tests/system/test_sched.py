"""VCPU scheduling in a booted sandbox kernel (kernel/schedtest.c, armed as the
"sched" entry of sb3's test_attacks in tests/system/system-test.toml).

The workload: CPU hogs on Main VCPUs of 2 ms/10 ms, 4 ms/20 ms and 10 ms/80 ms
and a periodic thread on the highest-priority VCPU (1 ms/10 ms, ahead of the
2 ms/10 ms hog by its lower VCPU id), next to the
heartbeat's VCPU. Phase 1 (2 s of virtual time) measures the foreground share
of each hog's VCPU; then the 10 ms/80 ms VCPU is cut to 4 ms/80 ms and phase 2
(2 s) measures the most foreground time it got in any 80 ms window. The kernel
prints `sched ...` lines of key=value pairs in its console slots.

Shares are fractions of the core; "within 1% of C/T" is read as within one
percentage point (|share - C/T| <= 0.01).
"""

from __future__ import annotations

import re

import pytest

SCHED_TIMEOUT = 300.0  # wall seconds until the workload's results are out
SB = 3
LINE = re.compile(rf"\[sb{SB}\] sched (phase=\d|periodic|costs|timer|fpu|done)([^\r\n]*)\r?\n")
HOGS = {(2_000_000, 10_000_000), (4_000_000, 20_000_000), (10_000_000, 80_000_000)}
CUT_BUDGET = 4_000_000
# Under Bochs a timer interrupt reaches the scheduler 10-50 us after its
# deadline (docs/kernel.md); each chunk in a window may overrun by that much.
OVERRUN_SLACK_NS = 250_000


def _fields(text: str) -> dict[str, int]:
    out = {}
    for kv in text.split():
        key, value = kv.split("=")
        out[key] = int(value)
    return out


@pytest.fixture(scope="module")
def sched(booted) -> dict[str, list[dict[str, int]]]:
    """Every `sched` result line of the workload, grouped by kind."""
    done = booted.wait_for(rf"\[sb{SB}\] sched done lines=(\d+)\r?\n", timeout=SCHED_TIMEOUT)
    lines: dict[str, list[dict[str, int]]] = {}
    for m in LINE.finditer(booted.output, 0, done.end()):
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
        assert abs(share - v["C_ns"] / v["T_ns"]) <= 0.01, v
        # Every period was replenished: at least one replenishment per period.
        assert v["repl"] >= v["span_ns"] // v["T_ns"] - 1, v


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
    # The sporadic-server guarantee: at most C in any window of T, plus the
    # overruns (late timer interrupts), which the kernel counts separately.
    assert cut["win_within_max_ns"] <= CUT_BUDGET, cut
    assert cut["win_fg_max_ns"] <= CUT_BUDGET + OVERRUN_SLACK_NS, cut
    assert abs(cut["fg_ns"] / cut["span_ns"] - CUT_BUDGET / cut["T_ns"]) <= 0.01, cut
    # No background time while the other hogs keep the core busy at foreground
    # or background priority above it.
    assert cut["bg_ns"] == 0, cut


def test_periodic_thread_misses_no_period(sched) -> None:
    (p,) = sched["periodic"]
    assert (p["C_ns"], p["T_ns"]) == (1_000_000, 10_000_000)
    span = sched["phase=1"][0]["span_ns"] + sched["phase=2"][0]["span_ns"]
    assert p["jobs"] >= span // p["T_ns"] - 2, p
    assert p["misses"] == 0 and p["vcpu_misses"] == 0, p
    assert p["jitter_max_ns"] < p["T_ns"] - p["C_ns"], p


def test_timer_is_calibrated_and_drives_the_decisions(sched) -> None:
    (c,) = sched["costs"]
    (t,) = sched["timer"]
    # Calibrated against the TSC at boot: under Bochs both count the same ticks.
    assert abs(c["lapic_khz"] - c["tsc_khz"]) <= c["tsc_khz"] // 100, c
    # Every chunk of the fastest hog that ran out of budget needed an interrupt.
    fastest = min(sched["phase=1"], key=lambda v: v["T_ns"])
    assert t["irqs"] >= fastest["overruns"], t
    assert c["switches"] > 0 and c["decisions"] >= t["irqs"], c
    # Armed at the deadline itself, never early by more than a count.
    assert t["early"] * 100 <= t["irqs"], t


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
