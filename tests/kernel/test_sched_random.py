"""Randomized task sets on the C scheduling core, in simulated time: the
sporadic-server window guarantee, accounting, and identical schedules from
the independent Python reference model (sched_model.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sched_binding as sb
import sched_model
import sched_sim

SEEDS = range(40)


def scenario(seed: int, late: int = 0) -> sched_sim.Scenario:
    rng = random.Random(seed)
    sc = sched_sim.random_scenario(rng, rng.randint(1, 5), rng.random() < 0.5, 400_000)
    sc.timer_late = late
    return sc


def epochs(sc: sched_sim.Scenario, res: sched_sim.Result, v: int) -> list[tuple[int, int, int]]:
    """(from, C, T) for each stretch of time a VCPU had the same parameters:
    its initial ones, then each change the scheduler accepted."""
    spec = sc.vcpus[v]
    out = [(0, spec[2], spec[3])]
    accepted = [(now, st) for now, kind, who, st in res.log if kind == "set" and who == v]
    changes = [c for c in sorted(sc.changes) if c[1] == v]
    assert len(accepted) == len(changes)
    for (now, st), (_, _, budget, period) in zip(accepted, changes, strict=True):
        if st == 0:
            out.append((now, budget, period))
    return out


def check_windows(sc: sched_sim.Scenario, res: sched_sim.Result, v: int) -> None:
    """Within each stretch of fixed parameters, at most C in any window of T."""
    stretches = epochs(sc, res, v)
    bounds = [s for s, _, _ in stretches[1:]] + [sc.end]
    for (start, budget, period), stop in zip(stretches, bounds, strict=True):
        clipped = [(max(a, start), min(b, stop))
                   for a, b in sched_sim.foreground(res.trace, v) if a < stop and b > start]
        used, at = sched_sim.max_window(clipped, period)
        assert used <= budget, f"VCPU {v} ran {used} > C={budget} in [{at}, {at + period})"
    assert res.refill_totals[v] == stretches[-1][1]


def matches_model(sc: sched_sim.Scenario, core: object | None = None) -> sched_sim.Result:
    """The C core's run of `sc` (through `core`, a wrapper of it, if given),
    checked step by step against the reference model's: the same schedule,
    the same log of calls and results, the same statistics."""
    got = sched_sim.run(core if core is not None else sb.Sched(), sc)
    want = sched_sim.run(sched_model.Model(), sc)
    assert got.trace == want.trace
    assert got.log == want.log
    assert got.stats == want.stats
    return got


def check_no_budget_created(sc: sched_sim.Scenario, res: sched_sim.Result) -> None:
    """Every Main VCPU's replenishment queue holds its current C, no more."""
    for i, spec in enumerate(sc.vcpus):
        if spec[0] == "main":
            assert res.refill_totals[i] == epochs(sc, res, i)[-1][1]


def check_windows_without_overruns(sc: sched_sim.Scenario, res: sched_sim.Result) -> None:
    """Every Main VCPU keeps C in every window of T and no chunk ran past its budget."""
    for i, spec in enumerate(sc.vcpus):
        if spec[0] == "main":
            check_windows(sc, res, i)
            assert res.stats[i]["overruns"] == 0, (i, res.stats[i])


@pytest.mark.parametrize("seed", SEEDS)
def test_no_vcpu_exceeds_its_budget_in_any_window_of_its_period(seed: int) -> None:
    sc = scenario(seed)
    res = sched_sim.run(sb.Sched(), sc)
    for i, spec in enumerate(sc.vcpus):
        if spec[0] == "main":
            check_windows(sc, res, i)


@pytest.mark.parametrize("seed", SEEDS)
def test_schedule_matches_reference_model(seed: int) -> None:
    matches_model(scenario(seed))


@pytest.mark.parametrize("seed", range(15))
def test_late_timers_match_reference_model_and_never_create_budget(seed: int) -> None:
    sc = scenario(1000 + seed, late=random.Random(seed).randint(50, 700))
    got = matches_model(sc)
    check_no_budget_created(sc, got)
    assert sum(s["overruns"] for s in got.stats) > 0


@pytest.mark.parametrize("seed", range(10))
def test_overruns_up_to_beyond_c_keep_every_window_and_match_the_model(seed: int) -> None:
    # Timers up to 3000 late on budgets from a few hundred ns: chunks
    # overrun, some by more than their C (a debt capped at C). The debts are
    # paid out of the budget as it falls due, so within each window of T a
    # VCPU runs at most C beyond what its chunks ran past their budget in
    # it, the queue keeps C, and the model agrees step by step.
    rng = random.Random(3000 + seed)
    sc = scenario(3000 + seed)
    sc.changes = []
    sc.timer_late = rng.randint(0, 300)
    sc.timer_jitter = rng.randint(500, 3000)
    sc.seed = seed
    rec = sched_sim.OverrunRecorder(sb.Sched())
    got = matches_model(sc, rec)
    for i, spec in enumerate(sc.vcpus):
        if spec[0] == "main":
            chunks = sched_sim.foreground(got.trace, i)
            sched_sim.assert_windows_within_c_plus_overruns(chunks, rec.overruns[i], spec[2],
                                                            spec[3])
            assert got.refill_totals[i] == spec[2]
            assert sum(b - a for a, b in rec.overruns[i]) == got.stats[i]["overrun_ns"]
    assert sum(s["overruns"] for s in got.stats) > 0


@pytest.mark.parametrize("seed", range(10))
def test_accounting_adds_up_to_the_schedule(seed: int) -> None:
    sc = scenario(seed)
    res = sched_sim.run(sb.Sched(), sc)
    for i in range(len(sc.vcpus)):
        fg = sum(b - a for a, b, v, _, f in res.trace if v == i and f)
        bg = sum(b - a for a, b, v, _, f in res.trace if v == i and not f)
        assert (res.stats[i]["fg"], res.stats[i]["bg"]) == (fg, bg)
    busy = sum(b - a for a, b, v, _, _ in res.trace if v >= 0)
    assert busy <= sc.end


class Checker:
    """Wraps the C core and, after every decision, checks it against the
    core's own view of budgets and thread states."""

    def __init__(self, threads_of: dict[int, list[int]]) -> None:
        self.s = sb.Sched()
        self.threads_of = threads_of
        self.background_decisions = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.s, name)

    def runnable(self, v: int) -> bool:
        return any(self.s.thread_state(t) == sb.READY for t in self.threads_of.get(v, []))

    def schedule(self, now: int) -> sb.Decision:
        d = self.s.schedule(now)
        if d.vcpu >= 0 and not d.foreground:
            self.background_decisions += 1
            for v in self.threads_of:
                assert not (self.runnable(v) and self.s.available(v, now) > 0), (
                    f"VCPU {d.vcpu} in background at {now} while VCPU {v} has budget and work")
        if d.vcpu >= 0 and d.foreground:
            assert self.s.available(d.vcpu, now) > 0
        return d


@pytest.mark.parametrize("seed", range(10))
def test_background_runs_only_when_no_foreground_vcpu_is_runnable(seed: int) -> None:
    sc = scenario(seed)
    threads_of: dict[int, list[int]] = {i: [] for i in range(len(sc.vcpus))}
    for t, (v, _) in enumerate(sc.threads):
        threads_of[v].append(t)
    chk = Checker(threads_of)
    sched_sim.run(chk, sc)
    assert chk.background_decisions > 0


@pytest.mark.parametrize("seed", range(4))
def test_long_runs_keep_the_window_guarantee_and_match_the_model(seed: int) -> None:
    rng = random.Random(5000 + seed)
    sc = sched_sim.random_scenario(rng, 5, seed % 2 == 0, 6_000_000)
    got = matches_model(sc)
    for i, spec in enumerate(sc.vcpus):
        if spec[0] == "main":
            check_windows(sc, got, i)
            assert got.stats[i]["fg"] > 0


@pytest.mark.parametrize("seed", range(12))
def test_slack_absorbs_late_timers_matches_model_and_keeps_every_window(seed: int) -> None:
    # The kernel asks for the budget timer `slack` early (qvs_set_slack) and
    # the timer comes 0..slack late: no chunk may run past its budget, so no
    # overrun and at most C in every window of T, without the overrun term.
    rng = random.Random(7000 + seed)
    sc = scenario(7000 + seed)
    sc.slack = rng.randint(20, 150)
    sc.timer_jitter = sc.slack
    sc.seed = seed
    got = matches_model(sc)
    check_windows_without_overruns(sc, got)


@pytest.mark.parametrize("seed", range(6))
def test_timers_later_than_the_slack_match_model_and_never_create_budget(seed: int) -> None:
    sc = scenario(8000 + seed)
    sc.slack = 40
    sc.timer_late = 10
    sc.timer_jitter = 120
    sc.seed = seed
    got = matches_model(sc)
    check_no_budget_created(sc, got)


@pytest.mark.parametrize("seed", range(8))
def test_slack_and_dispatch_match_model_and_keep_every_window(seed: int) -> None:
    rng = random.Random(9000 + seed)
    sc = scenario(9000 + seed)
    sc.slack = rng.randint(20, 100)
    sc.dispatch = rng.randint(50, 400)
    sc.timer_jitter = sc.slack
    sc.seed = seed
    got = matches_model(sc)
    check_windows_without_overruns(sc, got)
