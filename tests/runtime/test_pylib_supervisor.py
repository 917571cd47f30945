"""The service supervisor's decision logic (pylib/quest/supervisor.py), run
on the host under CPython and under build/host/qpy with a fake _quest.

One driver program walks every policy branch (never / always / backoff,
the limit, the alternate, the cap, the healthy-run reset, clean exits, bad
policies) and the run() loop against a scripted fake _quest. Both
interpreters must print the same lines (differential), and the test checks
what the lines must say.
"""

from __future__ import annotations

import pytest
from pylib_host import FAKE_CLOCK, FAKE_DEVICES, driver_outputs
from pylib_host import rows as _rows

FAKE_QUEST = '''"""A scripted stand-in for the native _quest module."""
''' + FAKE_CLOCK + FAKE_DEVICES + '''

class Stop(Exception):
    pass


events = []      # (at_ms, info), in time order
started = []     # specs handed to svc_start
fail_modules = []
infos = []


def svc_count():
    return len(infos)


def svc_info(i):
    return infos[i] if 0 <= i < len(infos) else None


# Devices (the device watch): what svc_declared and dev_* answer.
declared = []    # svc_declared(); devs (FAKE_DEVICES): {"name", "owned"}
epoch = [0]
moves = []       # (at_ms, device, owned): a MOVE_DEVICE, which wakes svc_next_event
stopped = []     # (at_ms, name, timeout_ms) handed to svc_stop


def _set_state(name, state):
    for info in infos:
        if info["name"] == name:
            info["state"] = state
            return
    infos.append({"name": name, "state": state})


def svc_next_event(timeout_ms):
    if moves and moves[0][0] <= clock[0] + timeout_ms and (not events or
                                                           moves[0][0] <= events[0][0]):
        at, dev, owned = moves.pop(0)
        clock[0] = max(clock[0], at)
        devs[dev]["owned"] = owned
        epoch[0] += 1
        return None
    if events and events[0][0] <= clock[0] + timeout_ms:
        at, info = events.pop(0)
        if at > clock[0]:
            clock[0] = at
        _set_state(info["name"], info["state"])
        return info
    if not events and not moves and timeout_ms >= 1000:
        raise Stop()
    clock[0] += timeout_ms
    return None


def svc_start(name, module, alternate, budget_us, period_us, heap_kib, restart,
              restart_limit, backoff_ms, source):
    assert 0 <= restart <= 2 and source is None
    started.append((clock[0], name, module, restart, restart_limit, backoff_ms, alternate))
    if module in fail_modules:
        return "Traceback (most recent call last):\\nImportError: no module named " + module
    _set_state(name, "running")
    return len(started)


def svc_stop(i, timeout_ms):
    stopped.append((clock[0], infos[i]["name"], timeout_ms))
    if infos[i]["state"] not in ("starting", "running"):
        return "it is not running"
    infos[i]["state"] = "stopped"
    events.insert(0, (clock[0], dict(infos[i])))
    return None


def svc_declared():
    return declared


def dev_epoch():
    return epoch[0]

'''

DRIVER = r'''
import _quest
from quest import supervisor as S


def spec(name, module, restart, limit=0, backoff=0, alternate=""):
    return {"name": name, "module": module, "restart": restart, "restart_limit": limit,
            "backoff_ms": backoff, "alternate": alternate}


def ended(sp, state="failed", status=1, err="Traceback:\n  File x\nZeroDivisionError: division by zero",
          run_ms=5):
    return {"name": sp["name"], "state": state, "exit_status": status, "last_error": err,
            "run_ms": run_ms, "spec": sp}


def show(tag, d):
    print("%s|%s|%s|%d|%s" % (tag, d.action, d.module, d.delay_ms, d.line))


def scenario(tag, sp, events, sup=None):
    sup = sup or S.Supervisor()
    sup.track(S.Policy.from_spec(sp))
    t = 0
    for ev in events:
        t += 10
        show(tag, sup.on_event(ev, t))
    return sup


never = spec("n1", "app_n", "never")
scenario("never-fail", never, [ended(never)])
never_alt = spec("n2", "app_n", "never", alternate="app_safe")
scenario("never-alt", never_alt, [ended(never_alt), ended(never_alt)])
scenario("never-clean", never, [ended(never, "exited", 0, "")])
always = spec("a1", "app_a", "always")
scenario("always-clean", always, [ended(always, "exited", 0, "")])
scenario("always-fail", always, [ended(always)] * 5)
always_lim = spec("a2", "app_a", "always", limit=2)
scenario("always-limit", always_lim, [ended(always_lim)] * 3)
bo = spec("crasher", "svc_crash", "backoff", limit=3, backoff=50, alternate="svc_safe")
scenario("backoff-alt", bo, [ended(bo)] * 8)
cap = spec("c1", "app_c", 2, backoff=20000)
scenario("backoff-cap", cap, [ended(cap)] * 5)
heal = spec("h1", "app_h", "backoff", limit=3, backoff=100)
scenario("backoff-healthy", heal,
         [ended(heal), ended(heal), ended(heal, run_ms=10000), ended(heal), ended(heal),
          ended(heal)])
scenario("backoff-clean", bo, [ended(bo, "exited", 0, "")])
ex = ended(heal, "exited", 2, "")
ex["exit"] = "exit"
scenario("exit-status", heal, [ex])
ex2 = ended(always, "exited", 2, "")
ex2["exit"] = "exit"
scenario("always-sysexit", always, [ex2])
scenario("running", heal, [ended(heal, "running", 0, "")])
scenario("no-traceback", heal, [ended(heal, "failed", 1, "")])

for bad in (spec("b1", "m", "sometimes"), spec("b2", "m", 7), spec("b3", "m", "backoff", -1)):
    try:
        S.Policy.from_spec(bad)
        print("bad|accepted", bad["restart"])
    except ValueError as e:
        print("bad|ValueError|%s" % e)

# Pending restarts come out when due, earliest first.
sup = S.Supervisor()
p1 = spec("p1", "m1", "backoff", backoff=300)
p2 = spec("p2", "m2", "backoff", backoff=100)
sup.on_event(ended(p1), 0)
sup.on_event(ended(p2), 0)
print("due|next|%s" % sup.next_due_ms())
print("due|50|%s" % [d.name for d in sup.due(50)])
print("due|400|%s|%s" % ([d.name for d in sup.due(400)], sup.next_due_ms()))
sup.on_event(ended(p1), 500)
sup.cancel("p1")
print("due|cancel|%s" % [d.name for d in sup.due(10000)])
print("lastline|%s|%s|%s" % (S.last_line("a\nb\n\n  ValueError: x  \n"), S.last_line(""),
                             S.last_line("one")))

# The run() loop against the fake: crasher fails four times, the alternate
# takes over; a service whose restart cannot start is logged as a failure;
# a stopped one is left alone.
crash = spec("crasher", "svc_crash", "backoff", limit=3, backoff=50, alternate="svc_safe")
broken = spec("broken", "app_b", "always", limit=1)
sup_spec = spec("supervisor", "quest.supervisor", "never")
_quest.infos[:] = [
    {"name": "supervisor", "state": "running", "spec": sup_spec},
    {"name": "crasher", "state": "running", "spec": crash},
    {"name": "broken", "state": "running", "spec": broken},
]
_quest.fail_modules.append("app_b")
_quest.events[:] = [
    (100, ended(crash)),
    (200, ended(crash)),
    (400, ended(crash)),
    (700, ended(crash)),
    (800, ended(broken)),
    (900, {"name": "supervisor", "state": "failed", "spec": sup_spec, "last_error": "x"}),
    (1000, {"name": "crasher", "state": "stopped", "spec": crash}),
    (1100, {"name": "odd", "state": "failed", "spec": spec("odd", "m", 9)}),
    (1200, ended(broken)),
]
def run_loop(tag):
    # S.run until the fake's events run out; its lines and starts as rows.
    logs = []
    try:
        S.run(_quest, log=logs.append)
    except _quest.Stop:
        pass
    for line in logs:
        print("%s|log|%s" % (tag, line))
    for st in _quest.started:
        print("%s|start|%s" % (tag, "|".join(str(x) for x in st)))


run_loop("run")


# The device watch, pure: plan() against devices and service states.
# The shape of _quest.svc_declared()'s entries: the port's spec dict (no
# alternate is ""), at_boot and device.
def decl(name, device, at_boot=True, restart="backoff", limit=2, backoff=50, alternate=""):
    return {"name": name, "module": name, "alternate": alternate, "budget_us": 1000,
            "period_us": 10000, "heap_kib": 64, "restart": restart, "restart_limit": limit,
            "backoff_ms": backoff, "at_boot": at_boot, "device": device}


def plan(tag, w, devices, services):
    for a in w.plan(devices, services):
        print("plan|%s|%s|%s|%s" % (tag, a[0], a[1]["name"], "|".join(str(x) for x in a[2:])))
    print("plan|%s|end" % tag)


w = S.DeviceWatch([decl("clock", 1), decl("late", 1, at_boot=False), decl("gone", 2),
                   decl("plain", None), decl("done", 1)])
print("watch|bound|%s" % [d["name"] for d in w.bound])
rtc_no = {1: {"name": "rtc", "owned": False}, 2: {"name": "nic", "owned": True}}
rtc_yes = {1: {"name": "rtc", "owned": True}, 2: {"name": "nic", "owned": False}}
# First look: rtc absent; nothing to start or stop (gone runs where nic is).
plan("first", w, rtc_no, {"gone": (4, "running"), "done": (5, "failed")})
print("watch|absent|%s|%s|%s" % (w.absent("clock"), w.absent("gone"), w.absent("plain")))
# rtc arrives, nic leaves: clock and done (ended before) start, late is
# manual, gone stops.
plan("move", w, rtc_yes, {"gone": (4, "running"), "done": (5, "failed")})
# Nothing changed: nothing to do, even for a failed one (its policy decides).
plan("same", w, rtc_yes, {"clock": (6, "failed"), "done": (5, "running")})
# A first look where the device is here: only a service the port never
# started (its device came after boot) is started.
w2 = S.DeviceWatch([decl("clock", 1), decl("done", 1)])
plan("first_here", w2, rtc_yes, {"done": (5, "exited")})

# The run() loop with devices: the RTC (1) arrives at 100, leaves at 300 and
# comes back at 600; the NIC (2) leaves at 400.
_quest.declared[:] = [decl("clock", 1, alternate="clock_safe"), decl("late", 1, at_boot=False),
                      decl("reader", 2, limit=0, backoff=100), decl("plain", None)]
_quest.devs[:] = [{"name": "uart0", "owned": True}, {"name": "rtc", "owned": False},
                  {"name": "nic", "owned": True}]
_quest.infos[:] = [
    {"name": "supervisor", "state": "running", "spec": sup_spec},
    {"name": "reader", "state": "running", "spec": _quest.declared[2]},
    {"name": "plain", "state": "running", "spec": spec("plain", "plain", "never")},
]
del _quest.started[:]
_quest.clock[0] = 0
_quest.moves[:] = [(100, 1, True), (300, 1, False), (400, 2, False), (600, 1, True)]
_quest.events[:] = [
    (200, ended(_quest.declared[0])),
    (350, ended(_quest.declared[2])),
    (500, ended(_quest.declared[0])),
]
run_loop("dev")
for st in _quest.stopped:
    print("dev|stop|" + "|".join(str(x) for x in st))
'''


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return driver_outputs(tmp_path_factory.mktemp("pylib_supervisor"),
                          {"_quest.py": FAKE_QUEST, "driver.py": DRIVER})


def test_same_decisions_under_cpython_and_qpy(outputs: dict[str, str]) -> None:
    assert outputs["cpython"].count("\n") > 40
    assert outputs["qpy"] == outputs["cpython"]


def test_never(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    (r,) = _rows(out, "never-fail")
    assert r[0] == "give-up" and "policy never: giving up" in r[3]
    assert "ZeroDivisionError: division by zero" in r[3]
    alt = _rows(out, "never-alt")
    assert alt[0][:3] == ["alternate", "app_safe", "0"]
    # The alternate fails too: nothing left to try.
    assert alt[1][0] == "give-up" and "(app_safe)" in alt[1][3]
    (clean,) = _rows(out, "never-clean")
    assert clean[0] == "none" and "not restarted" in clean[3]


def test_always(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    (clean,) = _rows(out, "always-clean")
    assert clean[:3] == ["restart", "app_a", "0"] and "finished" in clean[3]
    fails = _rows(out, "always-fail")
    assert [r[0] for r in fails] == ["restart"] * 5
    assert all(r[2] == "0" for r in fails)
    lim = _rows(out, "always-limit")
    assert [r[0] for r in lim] == ["restart", "restart", "give-up"]
    assert "restart 1/2 now" in lim[0][3] and "restart 2/2 now" in lim[1][3]
    assert "restart limit 2 reached: giving up" in lim[2][3]


def test_backoff_limit_then_alternate(outputs: dict[str, str]) -> None:
    rows = _rows(outputs["cpython"], "backoff-alt")
    assert [(r[0], r[1], int(r[2])) for r in rows] == [
        ("restart", "svc_crash", 50), ("restart", "svc_crash", 100),
        ("restart", "svc_crash", 200), ("alternate", "svc_safe", 0),
        ("restart", "svc_safe", 50), ("restart", "svc_safe", 100),
        ("restart", "svc_safe", 200), ("give-up", "", 0)]
    assert "restart limit 3 reached: starting alternate svc_safe" in rows[3][3]
    assert rows[0][3].startswith("supervisor: crasher (svc_crash) failed: ZeroDivisionError")


def test_backoff_cap_and_healthy_reset(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert [int(r[2]) for r in _rows(out, "backoff-cap")] == [20000, 40000, 60000, 60000, 60000]
    heal = _rows(out, "backoff-healthy")
    # Two quick failures (100, 200), then one after a healthy run starts
    # over at 100; the count restarts too, so the limit is hit only later.
    assert [(r[0], int(r[2])) for r in heal] == [
        ("restart", 100), ("restart", 200), ("restart", 100), ("restart", 200),
        ("restart", 400), ("give-up", 0)]


def test_exit_kinds(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert _rows(out, "backoff-clean")[0][0] == "none"
    # sys.exit() ends a service without failing it: only "always" restarts.
    (st,) = _rows(out, "exit-status")
    assert st[0] == "none" and "finished (sys.exit())" in st[3]
    (st,) = _rows(out, "always-sysexit")
    assert st[0] == "restart" and "finished (sys.exit())" in st[3]
    assert _rows(out, "running")[0][0] == "none"
    assert "failed: no traceback" in _rows(out, "no-traceback")[0][3]


def test_bad_policies_are_refused(outputs: dict[str, str]) -> None:
    bad = _rows(outputs["cpython"], "bad")
    assert [r[0] for r in bad] == ["ValueError"] * 3
    assert "never, always, backoff" in bad[0][1] and "'sometimes'" in bad[0][1]
    assert "unknown restart policy code 7" in bad[1][1]
    assert ">= 0" in bad[2][1]


def test_pending_order_and_cancel(outputs: dict[str, str]) -> None:
    rows = {r[0]: r[1:] for r in _rows(outputs["cpython"], "due")}
    assert rows["next"] == ["100"]
    assert rows["50"] == ["[]"]
    assert rows["400"] == ["['p2', 'p1']", "None"]
    assert rows["cancel"] == ["[]"]
    (ll,) = _rows(outputs["cpython"], "lastline")
    assert ll == ["ValueError: x", "", "one"]


def test_run_loop(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    starts = [(int(r[1]), r[2], r[3]) for r in _rows(out, "run") if r[0] == "start"]
    # The restarts keep the spec's policy, as codes for the native side.
    crasher = {tuple(r[4:]) for r in _rows(out, "run") if r[0] == "start" and r[2] == "crasher"}
    assert crasher == {("2", "3", "50", "svc_safe")}
    logs = [r[1] for r in _rows(out, "run") if r[0] == "log"]
    # Restarts at 100+50, 200+100, 400+200; then the alternate at once; the
    # broken service's restart fails to start, which ends its one restart.
    assert starts == [(150, "crasher", "svc_crash"), (300, "crasher", "svc_crash"),
                      (600, "crasher", "svc_crash"), (700, "crasher", "svc_safe"),
                      (800, "broken", "app_b")]
    assert any("starting alternate svc_safe" in ln for ln in logs)
    assert any("broken (app_b) did not start: ImportError: no module named app_b" in ln
               for ln in logs)
    assert any("broken (app_b) failed: ImportError" in ln and "giving up" in ln for ln in logs)
    # The supervisor's own event and the stop are not acted on.
    assert not any("supervisor (quest.supervisor)" in ln for ln in logs)
    # An event it cannot handle (policy code 9) is logged, and the
    # supervisor goes on: the next event is handled.
    assert any("event of odd not handled: ValueError: service odd: unknown restart policy "
               "code 9" in ln for ln in logs)
    assert logs[-1].startswith("supervisor: broken (app_b) failed: ")
    assert len(logs) == 9


def test_device_watch_plan(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert _rows(out, "watch")[0] == ["bound", "['clock', 'late', 'gone', 'done']"]
    plans = _rows(out, "plan")
    by = {}
    for r in plans:
        by.setdefault(r[0], []).append(r[1:])
    assert by["first"] == [["end"]]
    assert _rows(out, "watch")[1] == ["absent", "rtc", "None", "None"]
    assert by["move"] == [["start", "clock", "rtc"], ["stop", "gone", "4", "nic"],
                          ["start", "done", "rtc"], ["end"]]
    assert by["same"] == [["end"]]
    assert by["first_here"] == [["start", "clock", "rtc"], ["end"]]


def test_device_watch_in_the_run_loop(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    logs = [r[1] for r in _rows(out, "dev") if r[0] == "log"]
    assert logs == [
        "supervisor: clock starts: device rtc is here now",
        ("supervisor: clock (clock) failed: ZeroDivisionError: division by zero; restart 1/2 "
        "in 50 ms (backoff)"),
        "supervisor: clock stopped: device rtc moved away",
        ("supervisor: reader (reader) failed: ZeroDivisionError: division by zero; restart 1 "
        "in 100 ms (backoff)"),
        "supervisor: reader (reader) not restarted: device nic is not here",
        "supervisor: clock failed; device rtc is not here: not restarted",
        "supervisor: clock starts: device rtc is here now",
    ]
    # Started with its module (not the alternate) and its declared policy;
    # the manual one bound to the same device is never started.
    starts = [r[1:] for r in _rows(out, "dev") if r[0] == "start"]
    assert starts == [["100", "clock", "clock", "2", "2", "50", "clock_safe"],
                      ["250", "clock", "clock", "2", "2", "50", "clock_safe"],
                      ["600", "clock", "clock", "2", "2", "50", "clock_safe"]]
    stops = [r[1:] for r in _rows(out, "dev") if r[0] == "stop"]
    assert stops == [["300", "clock", "1000"]]
