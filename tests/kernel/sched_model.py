"""Reference model of the VCPU scheduler, written from the rules in
docs/scheduling.md and nothing else, for differential tests against the C
core: same method names as sched_binding.Sched, same answers expected.

The rules, in the words of the model:
- Main VCPU (C, T): budget lives in replenishments (time, amount) summing to
  C. A foreground chunk starting at `now` may use the first replenishment if
  it is due, plus each following one due no later than `now` plus what comes
  before it. A chunk that ran `x` from `a` hands `x` back at `a + T`; with
  the list full, the unused rest of the first entry joins the second. A
  chunk that ran past its budget by `o` hands back its budget only, and `o`
  becomes a debt (at most C). At every decision, before anything else is
  decided, a debt is paid out of the entries due then, as if a chunk of its
  length had started then: taken out of them and handed back one T later.
- I/O VCPU (U): works for the Main VCPUs that woke its threads and takes the
  highest priority among them; an activation gets T_owner * U and, once it
  used `x`, the next cannot start before its start + x / U.
- Rate-monotonic priorities (period, then id; an I/O VCPU sits just above
  its owner). Foreground first; if no VCPU has budget, the highest-priority
  VCPU with work runs in background, uncharged.
- Slack s (the timer's latency) and dispatch d (a decision's cost before
  the timer is armed): a running chunk with s or less left is over, its end
  is due s early, and after a decision a chunk runs (starts or goes on) only
  with more than s + d; a VCPU that has work but not that much budget waits
  for the moment it could start.
- Events (budget due, a release or wake) of a VCPU that cannot preempt the
  one running at foreground (lower priority, or the same VCPU) need no
  timer event: the next decision applies them, releases at their own times.
- An I/O activation with s + d or less left ends with its chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sched_binding import NEVER, Decision

PPM = 1_000_000
LL_TABLE = [1000000, 828427, 779763, 756828, 743491, 734772, 728626, 724061, 720537, 717734]


@dataclass
class MThread:
    vcpu: int
    state: str = "ready"
    wake_at: int = 0
    release: int = 0
    periodic: bool = False
    misses: int = 0


@dataclass
class MVcpu:
    ident: int
    io: bool
    budget: int = 0
    period: int = 0
    origin: int = 0
    cap: int = 0
    refills: list[list[int]] = field(default_factory=list)
    util: int = 0
    owner: int | None = None
    debt: int = 0
    active: bool = False
    act_start: int = 0
    act_used: int = 0
    eligible: int = 0
    threads: list[int] = field(default_factory=list)
    queue: list[int] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=lambda: {
        "fg": 0, "bg": 0, "replenishments": 0, "overruns": 0, "overrun_ns": 0,
        "deadline_misses": 0, "activations": 0})


class Model:
    def __init__(self, now: int = 0) -> None:
        self.now = now
        self.v: list[MVcpu] = []
        self.t: list[MThread] = []
        self.running: int | None = None
        self.fg = False
        self.chunk_from = now
        self.chunk_budget = 0
        self.slack = 0
        self.dispatch = 0

    def set_slack(self, slack: int) -> None:
        self.slack = slack

    def set_dispatch(self, dispatch: int) -> None:
        self.dispatch = dispatch

    def need(self, i: int) -> int:
        """Budget VCPU i must have to run at foreground after a decision (the
        running chunk included)."""
        return self.slack + self.dispatch

    # ---- priorities ----
    def key(self, i: int) -> tuple[int, int, int, int]:
        v = self.v[i]
        if not v.io:
            return (v.period, v.ident, 1, v.ident)
        if v.owner is None:
            return (NEVER, v.ident, 0, v.ident)
        o = self.v[v.owner]
        return (o.period, o.ident, 0, v.ident)

    def by_id(self) -> list[int]:
        return sorted(range(len(self.v)), key=lambda i: self.v[i].ident)

    # ---- budget ----
    def usable(self, v: MVcpu, now: int) -> tuple[int, int]:
        """(entries a chunk starting now draws on, their total)."""
        if not v.refills or v.refills[0][0] > now:
            return 0, 0
        total, n = 0, 0
        for time, amount in v.refills:
            if n > 0 and time > now + total:
                break
            total += amount
            n += 1
        return n, total - v.debt

    def io_grant(self, v: MVcpu) -> int:
        return max(1, self.v[v.owner].period * v.util // PPM)

    def available(self, i: int, now: int) -> int:
        v = self.v[i]
        if self.running == i and self.fg:
            return max(0, self.chunk_budget - (now - self.chunk_from))
        if v.io:
            if v.owner is None:
                return 0
            if v.active:
                return v.budget - v.act_used
            return self.io_grant(v) if now >= v.eligible else 0
        return max(0, self.usable(v, now)[1])

    @staticmethod
    def joins(v: MVcpu, time: int) -> bool:
        """An entry is due at that very time: a replenishment then joins it
        (a chunk draws on both or neither) rather than taking a slot."""
        return any(t == time for t, _ in v.refills)

    def hand_back(self, v: MVcpu, time: int, amount: int) -> None:
        v.stats["replenishments"] += 1
        for entry in reversed(v.refills):
            if entry[0] == time:
                entry[1] += amount
                return
        pos = len(v.refills)
        while pos > 0 and v.refills[pos - 1][0] > time:
            pos -= 1
        v.refills.insert(pos, [time, amount])

    def charge_main(self, v: MVcpu, start: int, used: int, budget: int) -> None:
        # A chunk starts only once its VCPU's debt is settled.
        assert v.debt == 0
        if used == 0:
            return
        if used <= budget:
            self.charge_within(v, start, used)
            return
        v.stats["overruns"] += 1
        v.stats["overrun_ns"] += used - budget
        v.refills.pop(0)
        v.debt = min(v.budget, used - budget)
        self.hand_back(v, start + v.period, budget)

    def charge_within(self, v: MVcpu, start: int, used: int) -> None:
        v.refills[0][1] -= used
        if v.refills[0][1] == 0:
            v.refills.pop(0)
        elif len(v.refills) == v.cap and not self.joins(v, start + v.period):
            rest = v.refills.pop(0)[1]
            v.refills[0][1] += rest
        self.hand_back(v, start + v.period, used)

    def settle(self, v: MVcpu, now: int) -> None:
        """Pays the debt out of the entries due at `now`, as a chunk of that
        length starting now would use them."""
        if not v.debt or not v.refills or v.refills[0][0] > now:
            return
        while len(v.refills) > 1 and v.refills[1][0] <= now:
            v.refills[0][1] += v.refills.pop(1)[1]
        take = min(v.debt, v.refills[0][1])
        v.debt -= take
        self.charge_within(v, now, take)

    def io_finish(self, v: MVcpu) -> None:
        v.active = False
        v.eligible = v.act_start + -(-v.act_used * PPM // v.util)
        v.stats["replenishments"] += 1

    def end_chunk(self, now: int) -> None:
        v = self.v[self.running]
        used = now - self.chunk_from
        self.fg = False
        if not v.io:
            self.charge_main(v, self.chunk_from, used, self.chunk_budget)
            return
        v.act_used += used
        if used > self.chunk_budget:
            v.stats["overruns"] += 1
            v.stats["overrun_ns"] += used - self.chunk_budget
        if v.act_used + self.slack + self.dispatch >= v.budget:
            self.io_finish(v)

    def start_chunk(self, i: int, now: int) -> None:
        v = self.v[i]
        if v.io:
            if not v.active:
                v.active, v.act_start, v.act_used = True, now, 0
                v.budget = self.io_grant(v)
                v.stats["activations"] += 1
            self.chunk_budget = v.budget - v.act_used
        else:
            n, total = self.usable(v, now)
            v.refills[0:n] = [[v.refills[0][0], total]]
            self.chunk_budget = total
        self.chunk_from = now
        self.fg = True

    # ---- time ----
    def advance(self, now: int) -> int:
        now = max(now, self.now)
        if self.running is not None:
            self.v[self.running].stats["fg" if self.fg else "bg"] += now - self.now
        self.now = now
        if self.fg and now - self.chunk_from + self.slack >= self.chunk_budget:
            self.end_chunk(now)
        for i in self.by_id():
            for ti in self.v[i].threads:
                t = self.t[ti]
                if t.state in ("sleeping", "period") and t.wake_at <= now:
                    if t.state == "period":
                        t.release = t.wake_at
                    t.state = "ready"
                    self.v[i].queue.append(ti)
        return now

    def schedule(self, now: int) -> Decision:
        now = self.advance(now)
        for i, v in enumerate(self.v):
            if v.io and not v.queue:
                if self.running == i and self.fg:
                    self.end_chunk(now)
                if v.active:
                    self.io_finish(v)
                v.owner = None
        for i, v in enumerate(self.v):
            if not v.io and not (self.running == i and self.fg):
                self.settle(v, now)
        with_work = [i for i, v in enumerate(self.v) if v.queue]
        eligible = [i for i in with_work if self.available(i, now) > self.need(i)]
        pool = eligible or with_work
        best = min(pool, key=self.key) if pool else None
        fg = bool(eligible)
        if best != self.running or fg != self.fg:
            if self.fg:
                self.end_chunk(now)
            self.running = best
            if fg:
                self.start_chunk(best, now)
        return Decision(self.v[best].queue[0] if best is not None else -1,
                        best if best is not None else -1, fg, self.next_event(now))

    def next_event(self, now: int) -> int:
        times = [NEVER]
        if self.fg:
            times.append(self.chunk_from + max(0, self.chunk_budget - self.slack))
        for i, v in enumerate(self.v):
            # While a VCPU runs at foreground, only a higher-priority VCPU's
            # events can preempt it; the others wait for the next decision.
            if self.fg and self.key(i)[:3] >= self.key(self.running)[:3]:
                continue
            if v.queue and self.available(i, now) <= self.need(i):
                if not v.io and v.refills:
                    times.append(self.main_due(v, now))
                elif (v.io and v.owner is not None and not v.active
                      and self.io_grant(v) > self.slack + self.dispatch):
                    times.append(v.eligible)
            for ti in v.threads:
                if self.t[ti].state in ("sleeping", "period"):
                    times.append(self.t[ti].wake_at)
        return min(times)

    def main_due(self, v: MVcpu, now: int) -> int:
        """First time from now on a chunk could start with more than the slack:
        tried at each moment the usable total can grow. With a debt, the
        usable total less the debt (the decision then pays it and starts the
        chunk); if that never comes, when the head is due (it pays it then)."""
        head = max(now, v.refills[0][0])
        moments = {head}
        prefix = 0
        for time, amount in v.refills:
            moments.add(time - prefix)
            prefix += amount
        for t in sorted(m for m in moments if m >= max(now, v.refills[0][0])):
            if self.usable(v, t)[1] > self.slack + self.dispatch:
                return t
        return head if v.debt else NEVER

    # ---- set-up ----
    def admit(self, cand: MVcpu, replaces: int | None = None) -> None:
        def load(v: MVcpu) -> int:
            if v.io:
                return -(-(2 * PPM - v.util) * v.util // PPM)
            return -(-v.budget * PPM // v.period)
        total = sum(load(v) for i, v in enumerate(self.v) if i != replaces) + load(cand)
        n = len(self.v) + (1 if replaces is None else 0)
        bound = LL_TABLE[n - 1] if n <= len(LL_TABLE) else None
        if bound is None:
            raise NotImplementedError("model covers up to 10 VCPUs")
        if total > bound:
            from sched_binding import AdmissionError
            raise AdmissionError("refused", total, bound, n)

    def add_main(self, vid: int, budget: int, period: int, now: int, refills: int = 8) -> int:
        now = self.advance(now)
        v = MVcpu(vid, False, budget=budget, period=period, origin=now, cap=refills,
                  eligible=now)
        self.admit(v)
        v.refills = [[now, budget]]
        self.v.append(v)
        return len(self.v) - 1

    def add_io(self, vid: int, util_ppm: int, now: int) -> int:
        now = self.advance(now)
        v = MVcpu(vid, True, util=util_ppm, origin=now, eligible=now)
        self.admit(v)
        self.v.append(v)
        return len(self.v) - 1

    def set_main(self, i: int, budget: int, period: int, now: int) -> int:
        v = self.v[i]
        if v.io or budget == 0 or budget > period or period > 2**40:
            return 1
        self.admit(MVcpu(v.ident, False, budget=budget, period=period), replaces=i)
        now = self.advance(now)
        if self.running == i and self.fg:
            self.end_chunk(now)
        if period > v.period:
            for entry in v.refills:
                entry[0] += period - v.period
        if budget < v.budget:
            cut = v.budget - budget
            while cut and v.refills:
                take = min(cut, v.refills[0][1])
                v.refills[0][1] -= take
                cut -= take
                if v.refills[0][1] == 0:
                    v.refills.pop(0)
        elif budget > v.budget:
            if len(v.refills) < v.cap:
                pos = sum(1 for t, _ in v.refills if t <= now)
                v.refills.insert(pos, [now, budget - v.budget])
            else:
                v.refills[-1][1] += budget - v.budget
        v.budget, v.period = budget, period
        v.debt = min(v.debt, budget)
        return 0

    def add_thread(self, vcpu: int, now: int) -> int:
        self.advance(now)
        self.t.append(MThread(vcpu))
        ti = len(self.t) - 1
        self.v[vcpu].threads.append(ti)
        self.v[vcpu].queue.append(ti)
        return ti

    def _leave(self, ti: int, state: str) -> int:
        t = self.t[ti]
        if t.state != "ready":
            return 3
        self.v[t.vcpu].queue.remove(ti)
        t.state = state
        return 0

    def block(self, ti: int, now: int) -> int:
        self.advance(now)
        return self._leave(ti, "blocked")

    def wake(self, ti: int, now: int) -> int:
        self.advance(now)
        t = self.t[ti]
        if t.state != "blocked":
            return 3
        t.state = "ready"
        self.v[t.vcpu].queue.append(ti)
        return 0

    def io_wake(self, ti: int, owner: int, now: int) -> int:
        io = self.v[self.t[ti].vcpu]
        if self.v[owner].io or not io.io:
            return 1
        self.advance(now)
        if self.t[ti].state != "blocked":
            return 3
        o = self.v[owner]
        if io.owner is None or (o.period, o.ident) < (self.v[io.owner].period,
                                                      self.v[io.owner].ident):
            io.owner = owner
        return self.wake(ti, now)

    def sleep_until(self, ti: int, until: int, now: int) -> int:
        now = self.advance(now)
        if self.t[ti].state != "ready":
            return 3
        if until <= now:
            return 0
        self.t[ti].wake_at = until
        return self._leave(ti, "sleeping")

    def wait_period(self, ti: int, now: int) -> int:
        t = self.t[ti]
        v = self.v[t.vcpu]
        if v.io:
            return 1
        now = self.advance(now)
        if t.state != "ready":
            return 3
        if t.periodic and now <= t.release + v.period:
            nxt = t.release + v.period
        else:
            if t.periodic:
                t.misses += 1
                v.stats["deadline_misses"] += 1
            k = -(-(now - v.origin) // v.period)
            nxt = v.origin + k * v.period
        t.periodic = True
        if nxt <= now:
            t.release = now
            return 0
        t.wake_at = nxt
        return self._leave(ti, "period")

    def yield_(self, ti: int, now: int) -> int:
        self.advance(now)
        t = self.t[ti]
        if t.state != "ready":
            return 3
        q = self.v[t.vcpu].queue
        q.remove(ti)
        q.append(ti)
        return 0

    def stats(self, i: int) -> dict[str, int]:
        return dict(self.v[i].stats)

    def debt(self, i: int) -> int:
        return self.v[i].debt

    def refill_total(self, i: int) -> int:
        return sum(a for _, a in self.v[i].refills)
