"""Simulated-time driver for the scheduler: plays the kernel.

It asks the scheduler what to run, runs the chosen thread's script for as
long as nothing else happens (its work ends, the timer the scheduler asked
for fires, an external event arrives), performs the thread's action, and
records the schedule as segments (start, end, vcpu, thread, foreground).
The same driver runs the C core and the reference model.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Any

from sched_binding import AdmissionError

# Thread script steps: (work_ns, action, argument). Actions: "sleep" (for
# argument ns), "period" (wait for the next release), "block" (until an
# external "wake"/"io" event), "yield". A script repeats forever; a first step
# without work is set-up and is not repeated.
Step = tuple[int, str, int]


@dataclass
class Scenario:
    vcpus: list[tuple[Any, ...]]          # ("main", id, C, T, refills) | ("io", id, U_ppm)
    threads: list[tuple[int, list[Step]]]  # (vcpu index, script)
    events: list[tuple[int, str, int, int]] = field(default_factory=list)  # (t, kind, th, owner)
    end: int = 1_000_000
    timer_late: int = 0                   # the timer fires this much late (overrun tests)
    timer_jitter: int = 0                 # ... plus a random 0..timer_jitter (seeded)
    slack: int = 0                        # qvs_set_slack: the latency the kernel allows for
    dispatch: int = 0                     # qvs_set_dispatch: a decision's cost
    seed: int = 0
    changes: list[tuple[int, int, int, int]] = field(default_factory=list)  # (t, vcpu, C, T)


@dataclass
class Result:
    trace: list[tuple[int, int, int, int, bool]]
    log: list[tuple[int, str, int, int]]
    stats: list[dict[str, int]]
    refill_totals: list[int]


def run(impl: Any, sc: Scenario) -> Result:
    if sc.slack:
        impl.set_slack(sc.slack)
    if sc.dispatch:
        impl.set_dispatch(sc.dispatch)
    late_rng = random.Random(sc.seed)
    for spec in sc.vcpus:
        if spec[0] == "main":
            impl.add_main(spec[1], spec[2], spec[3], 0, spec[4])
        else:
            impl.add_io(spec[1], spec[2], 0)
    scripts = [script for _, script in sc.threads]
    tids = [impl.add_thread(v, 0) for v, _ in sc.threads]
    assert tids == list(range(len(tids)))
    pos = [0] * len(tids)
    rem = [script[0][0] for script in scripts]
    log: list[tuple[int, str, int, int]] = []
    trace: list[tuple[int, int, int, int, bool]] = []

    def act(t: int, now: int) -> None:
        # A thread whose step is done performs the action, then starts the
        # next step; steps without work act at once.
        for _ in range(len(scripts[t]) + 1):
            _, action, arg = scripts[t][pos[t]]
            if action == "sleep":
                st = impl.sleep_until(t, now + arg, now)
            elif action == "period":
                st = impl.wait_period(t, now)
            elif action == "block":
                st = impl.block(t, now)
            elif action == "yield":
                st = impl.yield_(t, now)
            else:
                raise ValueError(action)
            log.append((now, action, t, st))
            pos[t] = (pos[t] + 1) % len(scripts[t])
            if pos[t] == 0 and scripts[t][0][0] == 0 and len(scripts[t]) > 1:
                pos[t] = 1  # a step without work opens the script: set-up only
            rem[t] = scripts[t][pos[t]][0]
            if rem[t] > 0:
                return

    for t in tids:
        if rem[t] == 0:
            act(t, 0)

    events = sorted(sc.events)
    changes = sorted(sc.changes)
    ci = 0
    ei = 0
    now = 0
    stuck = 0
    while True:
        d = impl.schedule(now)
        if now >= sc.end:
            break
        nxt = sc.end
        if d.next_event != 2**64 - 1:
            late = sc.timer_late
            if sc.timer_jitter:
                late += late_rng.randint(0, sc.timer_jitter)
            nxt = min(nxt, d.next_event + late)
        if ei < len(events):
            nxt = min(nxt, events[ei][0])
        if ci < len(changes):
            nxt = min(nxt, changes[ci][0])
        if d.thread >= 0:
            nxt = min(nxt, now + rem[d.thread])
        nxt = max(nxt, now)
        stuck = stuck + 1 if nxt == now else 0
        if stuck > 100:
            raise RuntimeError(f"no progress at {now}: {d}")
        if nxt > now:
            trace.append((now, nxt, d.vcpu, d.thread, d.foreground))
        if d.thread >= 0:
            rem[d.thread] -= nxt - now
        now = nxt
        if d.thread >= 0 and rem[d.thread] == 0:
            act(d.thread, now)
        while ei < len(events) and events[ei][0] <= now:
            _, kind, t, owner = events[ei]
            st = impl.io_wake(t, owner, now) if kind == "io" else impl.wake(t, now)
            log.append((now, kind, t, st))
            ei += 1
        while ci < len(changes) and changes[ci][0] <= now:
            _, v, budget, period = changes[ci]
            try:
                st = impl.set_main(v, budget, period, now)
            except AdmissionError as e:
                st = -e.util_ppm
            log.append((now, "set", v, st))
            ci += 1
    stats = [impl.stats(i) for i in range(len(sc.vcpus))]
    totals = [impl.refill_total(i) if sc.vcpus[i][0] == "main" else 0
              for i in range(len(sc.vcpus))]
    return Result(merge(trace), log, stats, totals)


def merge(trace: list[tuple[int, int, int, int, bool]]) -> list[tuple[int, int, int, int, bool]]:
    """Joins adjacent segments that ran the same thing (a timer that changed
    nothing splits a segment without meaning anything)."""
    out: list[tuple[int, int, int, int, bool]] = []
    for seg in trace:
        if out and out[-1][1] == seg[0] and out[-1][2:] == seg[2:]:
            out[-1] = (out[-1][0], seg[1], *seg[2:])
        else:
            out.append(seg)
    return out


def foreground(trace: list[tuple[int, int, int, int, bool]], vcpu: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b, v, _, fg in trace if v == vcpu and fg]


def max_window(intervals: list[tuple[int, int]], length: int) -> tuple[int, int]:
    """Most time the (sorted, disjoint) intervals cover in any window
    [x, x + length); the maximum is reached with x at the start of an
    interval. Returns (amount, x)."""
    starts = [a for a, _ in intervals]
    prefix = [0]
    for a, b in intervals:
        prefix.append(prefix[-1] + b - a)

    def covered_before(y: int) -> int:
        j = bisect.bisect_left(starts, y)
        if j == 0:
            return 0
        a, b = intervals[j - 1]
        return prefix[j - 1] + min(y, b) - a

    best, at = 0, 0
    for a, _ in intervals:
        c = covered_before(a + length) - covered_before(a)
        if c > best:
            best, at = c, a
    return best, at


def random_scenario(rng: random.Random, n_main: int, with_io: bool, end: int) -> Scenario:
    """A random task set that passes admission, with hogs, periodic,
    sleeping and blocking threads, and external wake-ups."""
    vcpus: list[tuple[Any, ...]] = []
    share = 0.68 / (n_main + (1 if with_io else 0))
    for i in range(n_main):
        period = rng.randint(2, 60) * 1000
        budget = max(1, int(period * rng.uniform(0.2, 1.0) * share))
        vcpus.append(("main", i, budget, period, rng.randint(2, 6)))
    if with_io:
        vcpus.append(("io", n_main, rng.randint(20_000, 80_000)))
    threads: list[tuple[int, list[Step]]] = []
    events: list[tuple[int, str, int, int]] = []
    for v in range(n_main):
        period = vcpus[v][3]
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["hog", "periodic", "sleeper", "blocker"])
            tid = len(threads)
            if kind == "hog":
                script = [(rng.randint(500, 20_000), "yield", 0)]
            elif kind == "periodic":
                script = [(0, "period", 0)] + [(rng.randint(100, period // 2), "period", 0)
                                               for _ in range(5)]
            elif kind == "sleeper":
                script = [(rng.randint(100, 8000), "sleep", rng.randint(100, 30_000))
                          for _ in range(6)]
            else:
                script = [(rng.randint(100, 6000), "block", 0) for _ in range(4)]
                t = 0
                while t < end:
                    t += rng.randint(1000, 40_000)
                    events.append((t, "wake", tid, -1))
            threads.append((v, script))
    if with_io:
        io_thread = len(threads)
        threads.append((n_main, [(0, "block", 0)] + [(rng.randint(100, 5000), "block", 0)
                                                      for _ in range(4)]))
        t = 0
        while t < end:
            t += rng.randint(2000, 30_000)
            events.append((t, "io", io_thread, rng.randrange(n_main)))
    changes = []
    for _ in range(rng.randint(0, 4)):
        v = rng.randrange(n_main)
        period = rng.randint(2, 60) * 1000
        budget = max(1, int(period * rng.uniform(0.1, 1.2) * share))
        changes.append((rng.randrange(end), v, budget, period))
    return Scenario(vcpus, threads, events, end, changes=changes)


class OverrunRecorder:
    """Wraps the C core and records where overruns ran: a chunk is charged
    when it ends, and what it ran past its budget is its last ns, so each
    rise of `overrun_ns` by o at time `now` is the interval [now - o, now)."""

    def __init__(self, s: Any) -> None:
        self.s = s
        self.overruns: dict[int, list[tuple[int, int]]] = {}
        self.seen: dict[int, int] = {}
        self.mains: list[int] = []

    def add_main(self, vid: int, budget: int, period: int, now: int, refills: int = 8) -> int:
        i = self.s.add_main(vid, budget, period, now, refills)
        self.mains.append(i)
        self.overruns[i] = []
        self.seen[i] = 0
        return i

    def __getattr__(self, name: str) -> object:
        fn = getattr(self.s, name)
        if name not in ("schedule", "yield_", "block", "wake", "sleep_until", "wait_period",
                        "io_wake"):
            return fn

        def call(*args: int) -> object:
            out = fn(*args)
            now = args[-1]
            for i in self.mains:
                o = self.s.stats(i)["overrun_ns"]
                if o > self.seen[i]:
                    self.overruns[i].append((now - (o - self.seen[i]), now))
                    self.seen[i] = o
            return out
        return call


def covered(intervals: list[tuple[int, int]], x: int, y: int) -> int:
    return sum(max(0, min(b, y) - max(a, x)) for a, b in intervals)


def assert_windows_within_c_plus_overruns(chunks: list[tuple[int, int]],
                                          overruns: list[tuple[int, int]], c: int,
                                          t: int) -> None:
    # The foreground time in [x, x + T) less the overrun time in it is at
    # most C. That difference is greatest for a window starting where a
    # chunk's time within budget starts: at a chunk's start or at the end of
    # an overrun (a chunk can follow one at once).
    starts = sorted({a for a, _ in chunks} | {b for _, b in overruns})
    for x in starts:
        within = covered(chunks, x, x + t) - covered(overruns, x, x + t)
        assert within <= c, f"{within} > C={c} in [{x}, {x + t})"
