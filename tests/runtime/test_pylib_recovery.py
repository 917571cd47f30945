"""The recovery service's decision logic (pylib/quest/recovery.py) and the
default policy (apps/policy.py), run on the host under CPython and under
build/host/qpy with a fake _quest whose fault log is a script.

One driver feeds fault records, policies that misbehave, refused recovery
commands and policy swaps (good and broken) through quest.recovery, and
prints the log lines and the commands it gave. Both interpreters must print
the same lines, and the tests check what they must say.
"""

from __future__ import annotations

import pytest
from pylib_host import FAKE_CLOCK, FAKE_DEVICES, REPO, driver_outputs
from pylib_host import rows as _rows

FAKE_QUEST = '''"""A scripted stand-in for the native _quest module's recovery side."""
''' + FAKE_CLOCK + FAKE_DEVICES + '''
records = []     # fault records fault_next hands out, in order
commands = []    # (cmd, target, arg) given to recover
acks = []
refuse = []      # targets whose commands the "monitor" refuses
stale = []       # sandboxes whose on_fault came first: their commands are stale
boots = []       # the boot each command was for
on_sleep = []    # callables run at each sleep (a concurrent service)


def sleep_us(us):
    clock[0] += us // 1000
    for f in on_sleep:
        f()


def fault_next():
    return records.pop(0) if records else None


def fault_ack(seq):
    acks.append(seq)


def fault_lost():
    return 0


RECOVER_RESTART = 1       # the native module's values (QV_RECOVER_*)
RECOVER_STOP = 2
RECOVER_QUARANTINE = 3
RECOVER_RESUME = 4
RECOVER_MOVE_DEVICE = 5
RECOVER_RESTART_SERVICE = 6


# The manifest's devices, by index (FAKE_DEVICES); none owned here.
devs[:] = [{"name": n, "owned": False} for n in ("uart0", "rtc", "nic")]


def recover(cmd, target, arg, boot=None):
    boots.append(boot)
    if target in stale and boot is not None:
        raise OSError("stale: sandbox %d has left boot %d (its on_fault came first)"
                      % (target, boot))
    if target in refuse:
        raise PermissionError("the monitor refused command %d for sandbox %d" % (cmd, target))
    # The monitor's check of the note, in short: one '=', names without blanks.
    if cmd == RECOVER_RESTART_SERVICE and (arg.count("=") != 1 or " " in arg or
                                           arg.startswith("=") or arg.endswith("=")):
        raise ValueError("the monitor refused the recovery note for sandbox %d" % target)
    commands.append((cmd, target, arg))
'''

DRIVER = r'''
import os
import sys

import _quest
from quest import recovery as R

D = sys.argv[1] + "/"
SEC = 1000 * 1000 * 1000
seq = [0]


def rec(sb, kind="ept_violation", t=1, action="restart"):
    seq[0] += 1
    return {"seq": seq[0], "sandbox": sb, "kind": kind, "reason": 48, "rip": 0x10920c,
            "gpa": 0x1f79000, "qual": 0x182, "time_ns": t * SEC, "boot": 0,
            "action": action, "symbol": "q_inject", "sym_off": 12}


def feed(r, recs, tag):
    del _quest.commands[:]
    _quest.records[:] = recs
    logs = []
    r.log = logs.append
    n = r.poll()
    for ln in logs:
        print("%s|log|%s" % (tag, ln))
    for c in _quest.commands:
        print("%s|cmd|%d|%d|%s" % ((tag,) + c))
    print("%s|n|%d" % (tag, n))


boot_logs = []
r = R.Recovery(_quest, "policy", boot_logs.append, D)
for ln in boot_logs:
    print("boot|log|%s" % ln)
print("boot|name|%s" % open(D + R.NAME).read())

# The default policy: restart, then quarantine at the third fault of the
# same sandbox within 60 s; other sandboxes counted apart; the window slides.
feed(r, [rec(4, t=1), rec(4, "io", t=2), rec(2, "hang", t=3), rec(4, "triple_fault", t=4),
         rec(5, t=10), rec(5, t=80), rec(5, t=100)], "default")
print("acks|%s" % _quest.acks)

# A refused command is a report: logged, nobody commanded.
feed(r, [dict(rec(6), kind="refused_command", gpa=1, qual=1)], "refused")

# The monitor refusing the policy's command.
_quest.refuse.append(7)
feed(r, [rec(7, t=200)], "monrefuse")


def swap(source):
    # quest.swap's path, with the service "running" between the REPL's polls.
    _quest.on_sleep[:] = [r.check_swap]
    logs = []
    r.log = logs.append
    try:
        v = R.swap_policy("policy", source, _quest, D)
        out = "ok %s" % v
    except RuntimeError as e:
        out = "refused %s" % e
    _quest.on_sleep[:] = []
    for ln in logs:
        print("swaplog|%s" % ln)
    return out


print("swap|syntax|%s" % swap("def on_fault(e)\n    return 'ignore'\n"))
print("swap|raises|%s" % swap("x = 1 // 0\ndef on_fault(e):\n    return 'stop'\n"))
print("swap|no_on_fault|%s" % swap("def decide(e):\n    return 'stop'\n"))
print("swap|not_callable|%s" % swap("on_fault = 3\n"))
feed(r, [rec(8, t=300)], "after_bad")
print("swap|other|%s" % R.swap_policy("other", "", _quest, D))
print("swap|good|%s" % swap("def on_fault(e):\n    return ('move', 1, 0) if e['kind'] == 'io' "
                            "else 'ignore'\n"))
feed(r, [rec(8, "io", t=301), rec(9, t=302)], "after_good")
print("swap|again|%s" % swap(
    "n = [0]\n"
    "def on_fault(e):\n"
    "    n[0] += 1\n"
    "    if n[0] == 1:\n"
    "        return ('restart_service', 'ticker', 'svc_safe')\n"
    "    if n[0] == 2:\n"
    "        raise KeyError('boom')\n"
    "    if n[0] == 3:\n"
    "        return 'reboot'\n"
    "    if n[0] == 4:\n"
    "        return ('move', 'uart0', 1)\n"
    "    if n[0] == 5:\n"
    "        return ['restart']\n"
    "    return 'quarantine'\n"))
feed(r, [rec(3, t=400), rec(3, t=401), rec(3, t=402), rec(3, t=403), rec(3, t=404),
         rec(3, t=405)], "v3")
# restart_service with a note the monitor refuses: nothing commanded.
print("swap|badnote|%s" % swap(
    "def on_fault(e):\n"
    "    return ('restart_service', 'tick er', 'svc_safe')\n"))
feed(r, [rec(3, t=500)], "badnote")
print("files|%s" % sorted(f for f in os.listdir(sys.argv[1]) if f.startswith(".policy.req")))

# A command decided after the sandbox's on_fault restarted it: the monitor
# refuses it as stale (the record's boot is passed), and the line says so.
print("swap|plain|%s" % swap("def on_fault(e):\n    return 'restart'\n"))
_quest.stale.append(11)
del _quest.boots[:]
feed(r, [rec(11, t=600), rec(12, t=601)], "stale")
print("boots|%s" % _quest.boots)

# move_service: MOVE_DEVICE of the device (by name or index), then RESTART
# of the faulted sandbox for the record's boot.
print("swap|move_service|%s" % swap(
    "n = [0]\n"
    "ANSWERS = [('move_service', 'clock', 'rtc', 2), ('move_service', 'clock', 2, 1),\n"
    "           ('move_service', 'clock', 'rtc0', 2), ('move_service', 'clock', 7, 2),\n"
    "           ('move_service', 'clock', 'rtc', 2), ('move_service', 'clock', 'rtc', 2),\n"
    "           ('move_service', 'clock', 'rtc'), ('move_service', 3, 'rtc', 2),\n"
    "           ('move_service', 'clock', 'rtc', -1), ('move_service', 'clock', True, 2),\n"
    "           ('move_service', '', 'rtc', 2), ('move_service', 'clock', 1.0, 2),\n"
    "           ['move_service', 'clock', 'rtc', '2']]\n"
    "def on_fault(e):\n"
    "    n[0] += 1\n"
    "    return ANSWERS[n[0] - 1]\n"))
del _quest.boots[:]
feed(r, [rec(3, t=700), rec(4, t=701)], "mvsvc")
print("mvboots|%s" % _quest.boots)
feed(r, [rec(3, t=702), rec(3, t=703)], "mvsvc_unknown")
_quest.refuse.append(1)          # the monitor refuses to move device 1
feed(r, [rec(5, t=704)], "mvsvc_refused")
_quest.refuse.remove(1)
_quest.stale.append(13)          # the move is done, the restart comes too late
feed(r, [rec(13, t=705)], "mvsvc_stale")
feed(r, [rec(3, t=710 + k) for k in range(7)], "mvsvc_bad")

# A swap nobody takes: the REPL gives up after its timeout.
try:
    R.swap_policy("policy", "def on_fault(e):\n    return 'ignore'\n", _quest, D, timeout_ms=200)
    print("timeout|no error")
except RuntimeError as e:
    print("timeout|%s" % e)
os.remove(D + R.REQ)

# No policy module at boot: faults are left to on_fault, a swap brings one.
logs = []
r2 = R.Recovery(_quest, "no_such_policy", logs.append, D)
for ln in logs:
    print("nopolicy|log|%s" % ln)
feed(r2, [rec(4, t=500)], "nopolicy")
'''


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("pylib_recovery")
    fs = {name: d / f"fs-{name}" for name in ("cpython", "qpy")}
    for path in fs.values():
        path.mkdir()
    return driver_outputs(d, {"policy.py": (REPO / "apps" / "policy.py").read_text(),
                              "_quest.py": FAKE_QUEST, "driver.py": DRIVER},
                          {name: [str(path)] for name, path in fs.items()})


def _logs(out: str, tag: str) -> list[str]:
    return [r[1] for r in _rows(out, tag) if r[0] == "log"]


def _cmds(out: str, tag: str) -> list[tuple[int | str, ...]]:
    """(cmd, target, arg): arg an int, or RESTART_SERVICE's note."""
    return [tuple(int(x) if x.isdigit() else x for x in r[1:]) for r in _rows(out, tag)
            if r[0] == "cmd"]


def test_same_decisions_under_cpython_and_qpy(outputs: dict[str, str]) -> None:
    assert outputs["cpython"].count("\n") > 30
    assert outputs["qpy"] == outputs["cpython"]


def test_boot_loads_the_bundled_policy(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert _logs(out, "boot") == ["recovery: policy policy v1 in force"]
    assert _rows(out, "boot")[-1] == ["name", "policy"]


def test_default_policy_restarts_then_quarantines(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    # sb4 at 1, 2, 4 s: restart, restart, quarantine (third in a minute);
    # sb2 counted apart; sb5 at 10, 80, 100 s: the window slides past 10.
    assert _cmds(out, "default") == [(1, 4, 0), (1, 4, 0), (1, 2, 0), (3, 4, 0), (1, 5, 0),
                                     (1, 5, 0), (1, 5, 0)]
    logs = _logs(out, "default")
    assert len(logs) == 7  # one line per decision
    assert logs[0] == ("recovery: seq=1 sb4 ept_violation rip=0x10920c (q_inject) "
                       "gpa=0x1f79000 boot=0 -> restart (policy policy v1): done")
    assert "sb4 triple_fault" in logs[3] and "-> quarantine (policy policy v1): done" in logs[3]
    assert _rows(out, "default")[-1] == ["n", "7"]
    # Every record is acknowledged, in order.
    assert _rows(out, "acks") == [["[1, 2, 3, 4, 5, 6, 7]"]]


def test_refused_command_is_reported_not_decided(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert _logs(out, "refused") == [
        "recovery: seq=8 sb6 asked for command 1 on sb1 and was refused"]
    assert _cmds(out, "refused") == []


def test_monitor_refusal_is_logged(outputs: dict[str, str]) -> None:
    (line,) = _logs(outputs["cpython"], "monrefuse")
    assert line.endswith("-> restart (policy policy v1): failed: PermissionError: the monitor "
                         "refused command 1 for sandbox 7")


def test_broken_swaps_are_refused_and_the_old_policy_decides(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    swaps = {r[0]: r[1] for r in _rows(out, "swap")}
    assert swaps["syntax"].startswith("refused SyntaxError")
    assert swaps["raises"] == "refused ZeroDivisionError: integer division or modulo by zero"
    assert swaps["no_on_fault"] == "refused TypeError: policy policy has no callable on_fault"
    assert swaps["not_callable"] == "refused TypeError: policy policy has no callable on_fault"
    refusals = [r[0] for r in _rows(out, "swaplog")[:4]]
    assert all(ln.startswith("recovery: policy swap refused: ") and
               ln.endswith("; v1 stays in force") for ln in refusals)
    # The old policy still decides (sb8 faults once: restart, v1).
    (line,) = _logs(out, "after_bad")
    assert "-> restart (policy policy v1): done" in line
    assert _cmds(out, "after_bad") == [(1, 8, 0)]
    # Another name is not served here: quest.swap says "no service".
    assert swaps["other"] == "None"


def test_good_swap_decides_the_next_fault(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    swaps = {r[0]: r[1] for r in _rows(out, "swap")}
    # Broken swaps used no version number.
    assert swaps["good"] == "ok 2" and swaps["again"] == "ok 3"
    assert ["recovery: policy policy v2 in force (swapped)"] == [
        r[0] for r in _rows(out, "swaplog") if "v2 in force" in r[0]]
    logs = _logs(out, "after_good")
    assert "sb8 io" in logs[0] and "-> move 1 0 (policy policy v2): device 1 moved to sb0; " \
        "sb8: on_fault=restart applies at the timeout" in logs[0]
    assert "-> ignore (policy policy v2): nothing commanded" in logs[1]
    assert _cmds(out, "after_good") == [(5, 1, 0)]


def test_misbehaving_policy_falls_back_to_on_fault(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    logs = _logs(out, "v3")
    assert len(logs) == 6
    assert logs[0].endswith("-> restart_service ticker svc_safe (policy policy v3): done (note "
                            "passed)")
    assert logs[1].endswith("-> policy policy v3 failed: KeyError: 'boom'; on_fault=restart "
                            "applies at the timeout")
    assert "failed: ValueError: not an action: 'reboot'" in logs[2]
    assert "failed: ValueError: not an action: ('move', 'uart0', 1)" in logs[3]
    # A bare name must be a str (a one-item list is not an action).
    assert "failed: ValueError: not an action: ['restart']" in logs[4]
    assert "-> quarantine (policy policy v3): done" in logs[5]
    # Only the sane answers became commands.
    # restart_service: RESTART_SERVICE with the note "<service>=<module>".
    assert _cmds(out, "v3") == [(6, 3, "ticker=svc_safe"), (3, 3, 0)]
    assert _rows(out, "files") == [["[]"]]  # every request was taken


def test_a_command_the_monitor_finds_stale_is_logged_as_too_late(
        outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    logs = _logs(out, "stale")
    assert logs[0].endswith("-> restart (policy policy v5): too late: on_fault=restart came "
                            "first"), logs
    assert logs[1].endswith("-> restart (policy policy v5): done"), logs
    assert _cmds(out, "stale") == [(1, 12, 0)]
    # Each command named the boot of the record it answers.
    assert _rows(out, "boots") == [["[0, 0]"]]


def test_swap_nobody_takes_times_out(outputs: dict[str, str]) -> None:
    (row,) = _rows(outputs["cpython"], "timeout")
    assert row == ["the recovery service did not take the policy within 200 ms"]


def test_no_policy_at_boot(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    (line,) = _logs(out, "nopolicy")[:1]
    assert line.startswith("recovery: policy no_such_policy not loaded: ModuleNotFoundError")
    assert _logs(out, "nopolicy")[1].endswith("-> policy no policy; on_fault=restart applies "
                                              "at the timeout")
    assert _cmds(out, "nopolicy") == []


def test_restart_service_note_refused_commands_nothing(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert {r[0]: r[1] for r in _rows(out, "swap")}["badnote"] == "ok 4"
    logs = _logs(out, "badnote")
    assert len(logs) == 1 and "-> restart_service tick er svc_safe (policy policy v4): " \
        "failed: ValueError: the monitor refused the recovery note for sandbox 3" in logs[0]
    assert _cmds(out, "badnote") == []


def test_move_service_moves_the_device_then_restarts_the_sandbox(
        outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert {r[0]: r[1] for r in _rows(out, "swap")}["move_service"] == "ok 6"
    logs = _logs(out, "mvsvc")
    assert logs[0] == ("recovery: seq=22 sb3 ept_violation rip=0x10920c (q_inject) "
                       "gpa=0x1f79000 boot=0 -> move_service clock rtc sb2 (policy policy v6): "
                       "done (device 1 moved to sb2; sb3 restarted)"), logs
    assert logs[1].endswith("-> move_service clock 2 sb1 (policy policy v6): done (device 2 "
                            "moved to sb1; sb4 restarted)")
    # MOVE_DEVICE (5) of the device to the sandbox, then RESTART (1) of the
    # faulted sandbox; the restart for the record's boot, the move for none.
    assert _cmds(out, "mvsvc") == [(5, 1, 2), (1, 3, 0), (5, 2, 1), (1, 4, 0)]
    assert _rows(out, "mvboots") == [["[None, 0, None, 0]"]]


def test_move_service_to_an_unknown_device_commands_nothing(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    logs = _logs(out, "mvsvc_unknown")
    assert logs[0].endswith("-> move_service clock rtc0 sb2 (policy policy v6): failed: "
                            "ValueError: no device named 'rtc0'")
    assert logs[1].endswith("-> move_service clock 7 sb2 (policy policy v6): failed: "
                            "ValueError: no device 7 (the manifest has 3)")
    assert _cmds(out, "mvsvc_unknown") == []


def test_a_refused_move_commands_nothing_else(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    (line,) = _logs(out, "mvsvc_refused")
    assert line.endswith("-> move_service clock rtc sb2 (policy policy v6): failed: "
                         "PermissionError: the monitor refused command 5 for sandbox 1")
    assert _cmds(out, "mvsvc_refused") == []


def test_move_service_restart_too_late(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    (line,) = _logs(out, "mvsvc_stale")
    assert line.endswith("-> move_service clock rtc sb2 (policy policy v6): device 1 moved to "
                         "sb2; sb13 too late: on_fault=restart came first")
    assert _cmds(out, "mvsvc_stale") == [(5, 1, 2)]


def test_move_service_bad_shapes_are_not_actions(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    logs = _logs(out, "mvsvc_bad")
    assert len(logs) == 7
    shapes = ["('move_service', 'clock', 'rtc')", "('move_service', 3, 'rtc', 2)",
              "('move_service', 'clock', 'rtc', -1)", "('move_service', 'clock', True, 2)",
              "('move_service', '', 'rtc', 2)", "('move_service', 'clock', 1.0, 2)",
              "['move_service', 'clock', 'rtc', '2']"]
    for line, shape in zip(logs, shapes, strict=True):
        assert line.endswith(f"-> policy policy v6 failed: ValueError: not an action: {shape}; "
                             "on_fault=restart applies at the timeout"), line
    assert _cmds(out, "mvsvc_bad") == []
