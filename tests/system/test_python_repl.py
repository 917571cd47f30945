"""Python on the board (tests/system/system-python.toml in Bochs): every
sandbox runs its boot services and a REPL on its console, reached through the
framed console hub's ptys like `questv console` gives them (the `pyboot`
fixture in conftest.py). Kernel lines and the services' output travel in the
sandbox's log (LOG frames): a pty carries only the REPL's bytes."""

from __future__ import annotations

import re
import time

import pytest

TIMEOUT = 120.0


@pytest.fixture(scope="module")
def sandboxes(pyboot) -> list[int]:
    return [sb.id for sb in pyboot.system.sandboxes]


def test_every_sandbox_repl_evaluates_expressions(pyboot, sandboxes) -> None:
    for sb in sandboxes:
        r = pyboot.repl(sb)
        try:
            assert r.eval("6 * 7") == "42"
            # big ints, floats and strings go through the board's runtime
            assert r.eval("2 ** 100") == str(2 ** 100)
            assert r.eval("1 / 3") == repr(1 / 3)
            assert r.eval("sorted({'b': 1, 'a': 2}.items())") == "[('a', 2), ('b', 1)]"
            # the REPL runs in this sandbox, not in another one
            assert r.eval("__import__('quest').sandbox().id") == str(sb)
            out, err = r.exec("1 / 0")
            assert out == "" and "ZeroDivisionError" in err
        finally:
            r.close()


def test_boot_services_ran_on_every_sandbox(pyboot, sandboxes) -> None:
    # svc_safe printed its line at start, in its own sandbox's log (plain mode
    # before the host switched the hub, LOG frames after)
    plain = pyboot.emulator.output_bytes[:pyboot.switched_at].decode(errors="replace")
    for sb in sandboxes:
        line = rf"\[sb{sb}\] svc_safe: running in place of svc_crash"
        if not re.search(line, plain):
            pyboot.wait_log("^" + line, timeout=TIMEOUT)
    # the ticker's lines: sb1's log only
    m = pyboot.wait_log(r"^\[sb(\d)\] ticker: \d+ periods", timeout=TIMEOUT)
    assert m[1] == "1"
    for sb in sandboxes:
        r = pyboot.repl(sb)
        try:
            names = r.eval("sorted(s['name'] for s in __import__('quest').services() "
                           "if s['state'] == 'running')")
        finally:
            r.close()
        assert f"'hello{sb}'" in names, names
        assert "'supervisor'" in names, names
        assert ("'ticker'" in names) == (sb == 1), names


def test_kernel_lines_stay_out_of_the_pty(pyboot) -> None:
    r = pyboot.repl(2)
    try:
        before = len(pyboot.log_lines())
        out, err = r.exec("import quest\nfor i in range(3):\n    quest.sleep_ms(400)\n"
                          "    print('tick', i)\n")
        assert (out.split(), err) == (["tick", "0", "tick", "1", "tick", "2"], "")
        # keep the pty open across a heartbeat of sb2: it goes to the log only
        pyboot.wait_log(r"^\[sb2\] sandbox 2 heartbeat \d+ canary=ok$", timeout=TIMEOUT,
                        start=before)
        seen = r.drain(1.0)
    finally:
        r.close()
    assert b"heartbeat" not in seen
    # neither kernel lines nor the services' output ever reach a pty
    for sb in (1, 2):
        stream = bytes(pyboot.data[sb])
        assert b"heartbeat" not in stream and b"ticker:" not in stream, stream[-300:]
    assert not any(">>>" in line or "raw REPL" in line
                   for line in pyboot.log_lines(framed_only=True))


def test_ctrl_c_interrupts_a_busy_loop_and_the_repl_goes_on(pyboot) -> None:
    r = pyboot.repl(3)
    try:
        r.write(b"\r\x03")
        r.drain(0.5)
        r.write(b"n = 0\r")
        r.read_until(b">>> ", TIMEOUT)
        r.write(b"while True: n += 1\r\r")
        time.sleep(3.0)  # it spins, beyond its VCPU's budget
        t0 = time.monotonic()
        r.write(b"\x03")
        text = r.read_until(b">>> ", TIMEOUT).decode(errors="replace")
        latency = time.monotonic() - t0
        assert "KeyboardInterrupt" in text
        r.write(b"n > 0\r")
        assert "True" in r.read_until(b">>> ", TIMEOUT).decode(errors="replace")
    finally:
        r.close()
    assert latency < 30.0


def test_deep_recursion_is_a_recursion_error_not_a_crash(pyboot) -> None:
    r = pyboot.repl(0)
    try:
        out, err = r.exec("def f(n):\n    return f(n + 1) + 1\nf(0)\n")
        assert out == "" and "RecursionError" in err, err
        # a deep but finite recursion still works
        assert r.eval("(lambda g: g(g, 300))(lambda g, n: n and 1 + g(g, n - 1))") == "300"
    finally:
        r.close()


def test_repl_soft_reset_keeps_services(pyboot) -> None:
    r = pyboot.repl(1)
    try:
        r.exec("x_survives = 1")
        r.write(b"\r\x04")  # friendly mode Ctrl-D: soft reset
        text = r.read_until(b">>> ", TIMEOUT).decode(errors="replace")
        assert "soft reboot" in text.lower() or "questv Python" in text
        _, err = r.exec("print(x_survives)")
        assert "NameError" in err
        names = r.eval("sorted(s['name'] for s in __import__('quest').services() "
                       "if s['state'] == 'running')")
        assert "'ticker'" in names and "'hello1'" in names
    finally:
        r.close()


def test_log_carries_every_sandbox_heartbeat(pyboot, sandboxes) -> None:
    for sb in sandboxes:
        pyboot.wait_log(rf"^\[sb{sb}\] sandbox {sb} heartbeat \d+ canary=ok$", timeout=TIMEOUT)
    assert not any(re.search(r"\x1b|\x04", line) for line in pyboot.log_lines(framed_only=True))
