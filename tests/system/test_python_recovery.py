"""Fault containment and recovery decided by the Python policy (issue 7), on
the shared Python boot (tests/system/system-python.toml, --test, `pyboot`).

From Python in the victim sandbox (sb4) each kind of fault is injected with
quest._inject: a wild write into another sandbox, into the monitor, into
the EPT, an I/O port it does not own, a PCI function not on its allow-list,
a triple fault and a hang (sb4 has watchdog_ms). Each must be contained
(the monitor's FAULT line, nothing "NOT contained"), the recovery service
on the supervisor (sb0) must ask the policy and command the restart (its
log line; the monitor's "command restart from the supervisor"), and the
victim must come back and its service answer through its REPL. Meanwhile
the periodic ticker on sb1 misses no period and the sensor -> controller
channel (sb2 -> sb3) loses no reading. A recovery command from a
non-supervisor is refused and reported; broken policy swaps are refused
with the old policy still deciding; a good one decides the next fault; a
policy answering restart_service gets that service its alternate for one
boot; a swap asked while a fault is decided takes effect after that
decision; a decision later than the victim's on_fault is refused as stale
(one restart, not two); a quarantined victim stays down (last: nothing can
bring it back).
"""

from __future__ import annotations

import ast
import re
import time

import pytest
from questv.rawrepl import RawReplError

VICTIM = 4
SUP = 0
TIMEOUT = 180.0
SERVICE_LINE = "svc_safe: running in place of svc_crash"  # sb4's hello4, at each boot


def _exec(pyboot, sb: int, code: str, timeout: float = 60.0) -> tuple[str, str]:
    r = pyboot.repl(sb)
    try:
        return r.exec(code, timeout)
    finally:
        r.close()


def _value(pyboot, sb: int, expr: str) -> object:
    out, err = _exec(pyboot, sb, f"print(repr({expr}))")
    assert err == "", f"sb{sb} raised: {err}"
    return ast.literal_eval(out.strip())


def _swap_policy(pyboot, source: str) -> int:
    """quest.swap('policy', source) on the supervisor: the new version number
    (a refusal raises there, and _value fails on it)."""
    return _value(pyboot, SUP, f"__import__('quest').swap('policy', {source!r})")


def _victim(pyboot) -> tuple[int, list[str]]:
    """sb4's boot count and its service's state, through its REPL."""
    return _value(pyboot, VICTIM, "(__import__('quest').sandbox()['boot_count'], "
                                  "[s.state for s in __import__('quest').services() "
                                  "if s.name == 'hello4'])")


def _fire(pyboot, code: str) -> None:
    """Runs code on sb4's raw REPL without waiting for an answer: a contained
    fault never returns (the sandbox is frozen, then restarted)."""
    r = pyboot.repl(VICTIM)
    try:
        r.enter()
        r.write(code.encode() + b"\x04")
        r.read_until(b"OK", 60)
    finally:
        r.close()


TRIPLE = "import quest\nquest._inject('triple')"


def _fault(pyboot, code: str = TRIPLE) -> tuple[int, int]:
    """Fires code on sb4 and waits for the monitor's FAULT line: sb4's boot
    count before, and the log line the episode starts at."""
    boot, _ = _victim(pyboot)
    start = len(pyboot.log_lines())
    _fire(pyboot, code)
    pyboot.wait_log(rf"\[mon {VICTIM}\] FAULT sb={VICTIM} ", TIMEOUT, start)
    return boot, start


def _decision(pyboot, start: int, kind: str = "triple_fault") -> str:
    """What the recovery service's line from line start on says it did with
    sb4's fault of that kind (after '-> ')."""
    return pyboot.wait_log(rf"^\[sb{SUP}\] recovery: seq=\d+ sb{VICTIM} {kind} .* -> (.*)$",
                           TIMEOUT, start).group(1)


def _ticker_misses(pyboot) -> tuple[int, int]:
    d = _value(pyboot, 1, "__import__('quest').Service('ticker').stats().vcpu.as_dict()")
    return d["deadline_misses"], d["fg_us"]


def _controller(pyboot, start: int = 0) -> tuple[int, int] | None:
    """(readings, lost) from sb3's latest controller line from line start on."""
    last = None
    for ln in pyboot.log_lines()[start:]:
        m = re.search(r"^\[sb3\] controller: (\d+) readings, (\d+) lost", ln)
        if m:
            last = int(m.group(1)), int(m.group(2))
    return last


@pytest.fixture(scope="module", autouse=True)
def soft_reset_after(pyboot):
    """The REPLs these tests ran code in (sb0: quest.swap imports quest.recovery
    into its heap; sb1) are soft-reset at the end, so that the next test
    file's REPL work starts from a clean heap (test_python_repl recurses deep
    on sb0)."""
    yield
    for sb in (SUP, 1):
        r = pyboot.repl(sb)
        try:
            r.soft_reset(TIMEOUT)
        finally:
            r.close()


@pytest.fixture(scope="module")
def before(pyboot) -> dict:
    """The healthy sandboxes' figures before the first fault."""
    pyboot.wait_log(r"^\[sb0\] recovery: policy policy v1 in force", TIMEOUT)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] {SERVICE_LINE}", TIMEOUT)
    pyboot.wait_log(r"^\[sb3\] controller: \d+ readings", TIMEOUT)
    return {"ticker": _ticker_misses(pyboot), "controller": _controller(pyboot),
            "line": len(pyboot.log_lines()), "boot": _victim(pyboot)[0]}


def _fault_and_recover(pyboot, code: str, kind: str, version: int) -> list[str]:
    """Injects with code on sb4; checks containment, the policy's decision
    (by policy version `version`), the restart and the service answering.
    The log lines of the episode."""
    boot, start = _fault(pyboot, code)
    m = pyboot.wait_log(rf"^\[sb{SUP}\] recovery: seq=\d+ sb{VICTIM} (\S+) .* -> (\S+) "
                        rf"\(policy policy v(\d+)\): (.*)$", TIMEOUT, start)
    assert (m.group(1), m.group(2), int(m.group(3)), m.group(4)) == \
        (kind, "restart", version, "done"), m.group(0)
    pyboot.wait_log(rf"sandbox {VICTIM}: command restart from the supervisor", TIMEOUT, start)
    pyboot.wait_log(rf"sandbox {VICTIM} restarted \(boot {boot + 1}\)", TIMEOUT, start)
    pyboot.wait_log(rf"sandbox {VICTIM} up: .*\(boot {boot + 1},", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] {SERVICE_LINE}", TIMEOUT, start)
    # The REPL of the new boot answers, and the service runs again.
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            state = _victim(pyboot)
            break
        except (TimeoutError, RawReplError, AssertionError):
            if time.monotonic() > deadline:
                raise
    assert state == (boot + 1, ["running"])
    lines = pyboot.log_lines()[start:]
    assert not [ln for ln in lines if "NOT contained" in ln], lines
    # Decided by the policy, not left to the monitor's timeout.
    assert not [ln for ln in lines if f"sandbox {VICTIM}: no command from the supervisor" in ln]
    return lines


# (what _inject does, the code, the record's kind)
FAULTS = [
    ("write into sb3", "import quest\nquest._inject('sandbox', 3)", "ept_violation"),
    ("write into the monitor", "import quest\nquest._inject('monitor')", "ept_violation"),
    ("write into its EPT", "import quest\nquest._inject('ept')", "ept_violation"),
    ("port of uart0 (sb0's)", "import quest\nquest._inject('io', 0)", "io"),
    ("PCI 00:01.0", "import quest\nquest._inject('pci', 0x08)", "pci"),
    ("triple fault", TRIPLE, "triple_fault"),
    ("hang, interrupts off", "import quest\nquest._inject('hang')", "hang"),
]


@pytest.mark.parametrize(("what", "code", "kind"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_contained_decided_and_recovered(pyboot, before, what, code, kind) -> None:
    lines = _fault_and_recover(pyboot, code, kind, 1)
    assert any("inject: " in ln and ln.startswith(f"[sb{VICTIM}]") for ln in lines), \
        f"{what}: the attempt was not logged"


def test_healthy_sandboxes_undisturbed(pyboot, before) -> None:
    """Across every fault above: the ticker's VCPU missed no deadline and
    kept running; the controller received more readings and lost none."""
    misses, fg = _ticker_misses(pyboot)
    assert misses == before["ticker"][0], (before["ticker"], misses)
    assert fg > before["ticker"][1]
    start = len(pyboot.log_lines())
    pyboot.wait_log(r"^\[sb3\] controller: \d+ readings", TIMEOUT, start)
    got = _controller(pyboot, start)
    assert got is not None and got[1] == 0, got
    assert before["controller"] is None or got[0] > before["controller"][0]


def test_recover_from_a_non_supervisor_is_refused(pyboot, before) -> None:
    boot, _ = _victim(pyboot)
    start = len(pyboot.log_lines())
    out, err = _exec(pyboot, 1, "import quest\ntry:\n    quest.recover('restart', 4)\n"
                                "except PermissionError as e:\n    print('refused:', e)\n")
    assert err == "" and out.strip() == "refused: the monitor refused command 1 for sandbox 4"
    pyboot.wait_log(r"\[mon 1\] REFUSED sb=1 command=1 target=4", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{SUP}\] recovery: seq=\d+ sb1 asked for command 1 on sb4 and was "
                    "refused", TIMEOUT, start)
    # The fault log itself is not there for sb1 either.
    out, err = _exec(pyboot, 1, "import quest\ntry:\n    quest.faults()\n"
                                "except PermissionError as e:\n    print('no log:', e)\n")
    assert "no log: no fault log here" in out, (out, err)
    assert _victim(pyboot)[0] == boot  # nothing happened to sb4


BROKEN = [
    ("syntax", "def on_fault(e)\n    return 'ignore'\n", "SyntaxError"),
    ("raises", "x = 1 // 0\n\ndef on_fault(e):\n    return 'ignore'\n", "ZeroDivisionError"),
    ("no_on_fault", "def decide(e):\n    return 'ignore'\n",
     "TypeError: policy policy has no callable on_fault"),
]


def test_broken_policy_swaps_refused_old_one_decides(pyboot, before) -> None:
    start = len(pyboot.log_lines())
    for name, source, error in BROKEN:
        out, err = _exec(pyboot, SUP, f"import quest\ntry:\n    quest.swap('policy', {source!r})\n"
                                      "except quest.SwapError as e:\n    print('refused:', e)\n")
        assert err == "" and out.startswith("refused: policy: ") and error in out, (name, out)
    refusals = [ln for ln in pyboot.log_lines()[start:]
                if ln.startswith(f"[sb{SUP}] recovery: policy swap refused: ")]
    assert len(refusals) == 3 and all(ln.endswith("v1 stays in force") for ln in refusals)
    _fault_and_recover(pyboot, "import quest\nquest._inject('monitor')", "ept_violation", 1)


GOOD = ("def on_fault(event):\n"
        "    print('policy v2 sees', event['kind'], 'in sb%d' % event['sandbox'])\n"
        "    return 'restart'\n")


def test_good_policy_swap_decides_the_next_fault(pyboot, before) -> None:
    start = len(pyboot.log_lines())
    assert _swap_policy(pyboot, GOOD) == 2
    pyboot.wait_log(rf"^\[sb{SUP}\] recovery: policy policy v2 in force \(swapped\)", TIMEOUT,
                    start)
    lines = _fault_and_recover(pyboot, TRIPLE, "triple_fault",
                               2)
    assert f"[sb{SUP}] policy v2 sees triple_fault in sb{VICTIM}" in lines


# A policy that answers restart_service once, then restart: sb4 comes back
# with hello4 running the alternate module svc_swap_v1 (in sb4's bundle, from
# tests/system/apps) for that boot only.
ALTERNATE = "svc_swap_v1"
RESTART_SERVICE = ("n = [0]\n"
                   "def on_fault(event):\n"
                   "    n[0] += 1\n"
                   "    if n[0] == 1:\n"
                   f"        return ('restart_service', 'hello4', {ALTERNATE!r})\n"
                   "    return 'restart'\n")


def _services(pyboot) -> dict[str, tuple[str, str]]:
    """sb4's services: name -> (module, state), through its REPL (retried
    while the new boot's REPL comes up)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            return dict(_value(pyboot, VICTIM, "{s.name: (s.module, s.state) for s in "
                                               "__import__('quest').services()}"))
        except (TimeoutError, RawReplError, AssertionError):
            if time.monotonic() > deadline:
                raise


def test_restart_service_starts_the_alternate_for_one_boot(pyboot, before) -> None:
    start = len(pyboot.log_lines())
    assert _swap_policy(pyboot, RESTART_SERVICE) == 3
    pyboot.wait_log(rf"^\[sb{SUP}\] recovery: policy policy v3 in force \(swapped\)", TIMEOUT,
                    start)
    declared = _services(pyboot)
    assert declared["hello4"] == ("svc_safe", "running"), declared
    boot, start = _fault(pyboot)
    decision = _decision(pyboot, start)
    assert decision == f"restart_service hello4 {ALTERNATE} (policy policy v3): done (note " \
        "passed)", decision
    pyboot.wait_log(rf"sandbox {VICTIM}: command restart_service from the supervisor$",
                    TIMEOUT, start)
    # The restarted line keeps its format (benchmarks/recovery parse it); the
    # note has a line of its own.
    pyboot.wait_log(rf"sandbox {VICTIM} restarted \(boot {boot + 1}\) tsc \d+-\d+$", TIMEOUT,
                    start)
    pyboot.wait_log(rf"sandbox {VICTIM} boot {boot + 1} recovery note \"hello4={ALTERNATE}\"",
                    TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] service hello4 starts {ALTERNATE} \(recovery note\)$",
                    TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] svc_swap v1: started", TIMEOUT, start)
    now = _services(pyboot)
    assert now["hello4"] == (ALTERNATE, "running"), now
    # The other services as declared.
    assert {k: v for k, v in now.items() if k != "hello4"} == \
        {k: v for k, v in declared.items() if k != "hello4"}
    assert _victim(pyboot)[0] == boot + 1
    lines = pyboot.log_lines()[start:]
    assert not [ln for ln in lines if f"sandbox {VICTIM}: no command from the supervisor" in ln]
    assert not [ln for ln in lines if f"[sb{VICTIM}] {SERVICE_LINE}" in ln]
    # The next fault is a plain restart (the policy's second answer): no
    # note, hello4 runs its declared module again.
    lines = _fault_and_recover(pyboot, TRIPLE, "triple_fault", 3)
    assert not [ln for ln in lines if "recovery note" in ln], lines
    assert _services(pyboot)["hello4"] == ("svc_safe", "running")


def test_bad_recovery_note_refused_nothing_restarted(pyboot, before) -> None:
    boot, _ = _victim(pyboot)
    start = len(pyboot.log_lines())
    out, err = _exec(pyboot, SUP, "import _quest\ntry:\n"
                                  "    _quest.recover(_quest.RECOVER_RESTART_SERVICE, 4, 'x')\n"
                                  "except ValueError as e:\n    print('refused:', e)\n")
    assert err == "" and out.strip() == (
        "refused: the monitor refused the recovery note for sandbox 4: not <service>=<module> "
        "with non-empty printable names, or not a sandbox it restarts"), (out, err)
    pyboot.wait_log(rf"\[mon {SUP}\] REFUSED sb={SUP} command=6 target={VICTIM}: note is not "
                    r"<service>=<module>", TIMEOUT, start)
    out, err = _exec(pyboot, SUP, "import quest\ntry:\n"
                                  "    quest.recover('restart_service', 4, 'hello4=svc safe')\n"
                                  "except ValueError as e:\n    print('refused:', e)\n")
    assert err == "" and out.startswith("refused: the monitor refused the recovery note"), out
    pyboot.wait_log(rf"\[mon {SUP}\] REFUSED sb={SUP} command=6 target={VICTIM}: note names "
                    "empty or not printable", TIMEOUT, start)
    time.sleep(2.0)
    lines = pyboot.log_lines()[start:]
    assert not [ln for ln in lines if f"sandbox {VICTIM}: command" in ln or
                f"sandbox {VICTIM} restarted" in ln], lines
    assert _victim(pyboot) == (boot, ["running"])



SLOW = ("import quest\n\n\ndef on_fault(event):\n"
        "    print('slow policy deciding seq', event['seq'])\n"
        "    t = quest.ticks_ms()\n"
        "    while quest.ticks_diff(quest.ticks_ms(), t) < 1500:\n"
        "        pass\n"
        "    return 'restart'\n")
AFTER = ("def on_fault(event):\n"
         "    print('policy after the race sees', event['kind'])\n"
         "    return 'restart'\n")


def test_swap_while_a_fault_is_decided_takes_effect_after_it(pyboot, before) -> None:
    slow = _swap_policy(pyboot, SLOW)
    misses = _ticker_misses(pyboot)[0]
    boot, start = _fault(pyboot)
    pyboot.wait_log(rf"^\[sb{SUP}\] slow policy deciding seq \d+", TIMEOUT, start)
    # The swap is asked while on_fault runs (1.5 s): the decision in progress
    # stays the old policy's, the new one is in force after it.
    assert _swap_policy(pyboot, AFTER) == slow + 1
    lines = pyboot.log_lines()[start:]
    decided = [i for i, ln in enumerate(lines)
               if re.match(rf"\[sb{SUP}\] recovery: seq=\d+ sb{VICTIM} triple_fault .* -> "
                           rf"restart \(policy policy v{slow}\): done$", ln)]
    swapped = [i for i, ln in enumerate(lines)
               if ln == f"[sb{SUP}] recovery: policy policy v{slow + 1} in force (swapped)"]
    assert len(decided) == 1 and len(swapped) == 1 and decided[0] < swapped[0], lines
    pyboot.wait_log(rf"sandbox {VICTIM} up: .*\(boot {boot + 1},", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] {SERVICE_LINE}", TIMEOUT, start)
    assert _services(pyboot)["hello4"] == ("svc_safe", "running")  # its REPL is up again
    # The next fault is the new policy's.
    lines = _fault_and_recover(pyboot, "import quest\nquest._inject('monitor')",
                               "ept_violation", slow + 1)
    assert f"[sb{SUP}] policy after the race sees ept_violation" in lines
    # sb0 busy deciding for 1.5 s holds up nobody else's deadlines
    assert _ticker_misses(pyboot)[0] == misses


LATE = ("import quest\n\n\ndef on_fault(event):\n"
        "    t = quest.ticks_ms()\n"
        "    while quest.ticks_diff(quest.ticks_ms(), t) < 4500:\n"
        "        pass\n"
        "    return 'restart'\n")


def test_a_decision_later_than_on_fault_does_not_restart_the_new_life(pyboot, before) -> None:
    # The policy answers after recovery_timeout_ms (3 s): sb4's on_fault has
    # restarted it by then, and the command, made for the fault's boot, is
    # refused as stale instead of restarting the new life a second time.
    late = _swap_policy(pyboot, LATE)
    boot, start = _fault(pyboot)
    pyboot.wait_log(rf"sandbox {VICTIM}: no command from the supervisor in 3000 ms, "
                    "on_fault=restart", TIMEOUT, start)
    decision = _decision(pyboot, start)
    assert decision == f"restart (policy policy v{late}): too late: on_fault=restart came " \
        "first", decision
    pyboot.wait_log(rf"sandbox {VICTIM}: command restart from the supervisor refused: it was "
                    rf"for boot {boot}, the sandbox is at boot {boot + 1}$", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] {SERVICE_LINE}", TIMEOUT, start)
    assert _services(pyboot)["hello4"] == ("svc_safe", "running")
    time.sleep(2.0)
    lines = pyboot.log_lines()[start:]
    assert [ln for ln in lines if f"sandbox {VICTIM} restarted" in ln] == \
        [ln for ln in lines if f"sandbox {VICTIM} restarted (boot {boot + 1})" in ln], lines
    assert _victim(pyboot) == (boot + 1, ["running"])

# A policy that moves sb4's clock service and its device, the RTC, to sb3
# (its standby sandbox in system-python.toml), then restarts as usual.
MOVE = ("n = [0]\n"
        "def on_fault(event):\n"
        "    n[0] += 1\n"
        "    if n[0] == 1:\n"
        "        return ('move_service', 'clock', 'rtc', 3)\n"
        "    return 'restart'\n")
RTC_PORT = 0x70
CLOCK_TICKS = r"^\[sb{sb}\] clock: sb{sb} ticks=(\d+)$"


def _clock(pyboot, sb: int) -> tuple[list[str], bool]:
    """The clock service's state in sandbox sb (those that are listed) and
    whether sb owns the RTC, through its REPL (retried while a new boot's
    REPL comes up)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            return tuple(_value(pyboot, sb, "([s.state for s in __import__('quest').services() "
                                            "if s.name == 'clock'], "
                                            "__import__('quest').Device('rtc').owned)"))
        except (TimeoutError, RawReplError, AssertionError):
            if time.monotonic() > deadline:
                raise


def test_move_service_takes_the_clock_and_the_rtc_to_sb3(pyboot, before) -> None:
    # At boot sb4 owns the RTC and runs the clock; sb3 keeps the clock ready
    # but does not start it, and may not touch the RTC.
    assert _clock(pyboot, VICTIM) == (["running"], True)
    assert _clock(pyboot, 3) == ([], False)
    pyboot.wait_log(r"^\[sb3\] service clock not started: device rtc is not in this sandbox$",
                    TIMEOUT)
    pyboot.wait_log(CLOCK_TICKS.format(sb=VICTIM), TIMEOUT)
    out, err = _exec(pyboot, 3, "import quest\ntry:\n    quest.Device('rtc').in8(0)\n"
                                "except PermissionError as e:\n    print('refused:', e)\n")
    assert err == "" and out.strip() == "refused: device rtc is not owned by this sandbox", \
        (out, err)
    version = _swap_policy(pyboot, MOVE)
    misses = _ticker_misses(pyboot)[0]
    boot, start = _fault(pyboot)
    decision = _decision(pyboot, start)
    assert decision == (f"move_service clock rtc sb3 (policy policy v{version}): done "
                        f"(device 1 moved to sb3; sb{VICTIM} restarted)"), decision
    # The monitor moves the ports and the interrupt routing, then restarts sb4.
    pyboot.wait_log(rf"device 1 'rtc' moved from sb {VICTIM} to sb 3 \(ports 0x70\+2, .*\); "
                    r"interrupt routing: irq 8 -> vector 0x41, sb 3", TIMEOUT, start)
    pyboot.wait_log(rf"sandbox {VICTIM}: command restart from the supervisor", TIMEOUT, start)
    # sb3's supervisor starts the clock there; its lines now come from sb3,
    # driven by interrupts that reach sb3's core.
    pyboot.wait_log(r"^\[sb3\] supervisor: clock starts: device rtc is here now$", TIMEOUT,
                    start)
    pyboot.wait_log(r"^\[sb3\] clock: sb3 drives rtc \(port 0x70, irq 8\)$", TIMEOUT, start)
    pyboot.wait_log(CLOCK_TICKS.format(sb=3), TIMEOUT, start)
    # sb4 is back with its other service, without the clock or the RTC.
    pyboot.wait_log(rf"sandbox {VICTIM} up: .*\(boot {boot + 1},", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] service clock not started: device rtc is not in this "
                    "sandbox$", TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{VICTIM}\] {SERVICE_LINE}", TIMEOUT, start)
    assert _clock(pyboot, VICTIM) == ([], False)
    assert _victim(pyboot) == (boot + 1, ["running"])
    assert _clock(pyboot, 3) == (["running"], True)
    # The clock keeps ticking in sb3 (more lines after a wait), and none
    # from sb4 since its restart.
    n = len(pyboot.log_lines())
    pyboot.wait_log(CLOCK_TICKS.format(sb=3), TIMEOUT, n)
    lines = pyboot.log_lines()[start:]
    restarted = next(i for i, ln in enumerate(lines) if f"sandbox {VICTIM} restarted" in ln)
    assert not [ln for ln in lines[restarted:] if ln.startswith(f"[sb{VICTIM}] clock:")], lines
    assert not [ln for ln in lines if "NOT contained" in ln], lines
    # The RTC's port is no longer sb4's: touching it is an io fault, which
    # the policy (its second answer) decides as a plain restart.
    lines = _fault_and_recover(pyboot, "import quest\nquest._inject('io', 1)", "io", version)
    assert any(f"FAULT sb={VICTIM} reason=io" in ln and f"addr=0x{RTC_PORT:x}" in ln
               for ln in lines), lines
    assert _clock(pyboot, 3) == (["running"], True)
    assert _ticker_misses(pyboot)[0] == misses


QUARANTINE = ("def on_fault(event):\n"
              "    print('policy quarantines sb%d' % event['sandbox'])\n"
              "    return 'quarantine'\n")


@pytest.mark.ends_pyboot_victim
def test_quarantine_keeps_the_victim_down_and_the_others_running(pyboot, before) -> None:
    # Quarantine is final: the monitor refuses every later command for the
    # sandbox, so this runs last on this boot (conftest.py orders it).
    version = _swap_policy(pyboot, QUARANTINE)
    assert _victim(pyboot)[1] == ["running"]
    misses = _ticker_misses(pyboot)[0]
    _, start = _fault(pyboot)
    decision = _decision(pyboot, start)
    assert decision == f"quarantine (policy policy v{version}): done", decision
    pyboot.wait_log(rf"\[mon \d+\] sandbox {VICTIM} quarantined$", TIMEOUT, start)
    # A restart asked afterwards is refused, and nothing brings sb4 back: not
    # the command, not on_fault after the recovery timeout (1 s here).
    out, err = _exec(pyboot, SUP, "import quest\ntry:\n    quest.recover('restart', 4)\n"
                                  "except PermissionError as e:\n    print('refused:', e)\n")
    assert err == "" and out.startswith("refused: "), (out, err)
    time.sleep(5.0)
    lines = pyboot.log_lines()[start:]
    assert f"[sb{SUP}] policy quarantines sb{VICTIM}" in lines
    assert not [ln for ln in lines if f"sandbox {VICTIM} restarted" in ln or
                ln.startswith(f"[sb{VICTIM}] sandbox {VICTIM} up")], lines
    assert not [ln for ln in lines if f"sandbox {VICTIM}: no command from the supervisor" in ln]
    assert not [ln for ln in lines if "NOT contained" in ln], lines
    # The others go on: the ticker misses nothing, the controller loses nothing.
    assert _ticker_misses(pyboot)[0] == misses
    n = len(pyboot.log_lines())
    pyboot.wait_log(r"^\[sb3\] controller: \d+ readings", TIMEOUT, n)
    got = _controller(pyboot, n)
    assert got is not None and got[1] == 0, got
