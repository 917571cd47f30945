"""Services on the board (tests/system/system-python.toml, `pyboot`): each in
its own interpreter on its own VCPU. A service spinning in `while True: pass`
on a low-priority VCPU does not make the higher-priority periodic ticker
(sb1, 2 ms every 20 ms) miss a period; a service that exhausts its heap gets
MemoryError and ends alone, the others and the REPL go on; a hot swap of
code that fails instead of stopping is refused as soon as it has failed; the
files a failed service left open are closed with its interpreter."""

from __future__ import annotations

import ast
import time

SB = 1
TIMEOUT = 120.0

def vcpu_stats(r, service: str) -> dict:
    """The running service's VCPU statistics, read through the REPL."""
    out = r.eval(f"__import__('quest').Service({service!r}).stats().vcpu.as_dict()")
    return ast.literal_eval(out)


def info(r, service: str) -> dict:
    """quest.services()' record of the service, its scalar fields."""
    out = r.eval("[{k: v for k, v in s.as_dict().items() if k != 'spec'} for s in "
                 f"__import__('quest').services() if s.name == {service!r}][0]")
    return ast.literal_eval(out)


def spawn_source(r, module: str, source: str, args: str = "") -> None:
    """Writes source to module.py in the RAM fs and spawns it as service
    `module` (quest.spawn's other arguments in args)."""
    _, err = r.exec(f"open('{module}.py', 'w').write({source!r})\nimport quest\n"
                    f"quest.spawn({module!r}, name={module!r}, {args})\n")
    assert err == "", err


def test_spinning_low_priority_service_leaves_the_periodic_one_its_periods(pyboot) -> None:
    r = pyboot.repl(SB)
    try:
        before = vcpu_stats(r, "ticker")
        spawn_source(r, "spin", "n = 0\nwhile True:\n    n += 1\n",
                     "vcpu=(1000, 200000), heap=64")
        t0 = time.monotonic()
        time.sleep(8.0)
        spin = vcpu_stats(r, "spin")
        after = vcpu_stats(r, "ticker")
        assert info(r, "spin")["state"] == "running"
        # the spinner used its budget and ran on in background
        assert spin["bg_us"] > spin["fg_us"] > 0, spin
        # the ticker ran every period meanwhile, and on time
        assert after["deadline_misses"] == before["deadline_misses"], (before, after)
        # (a VCPU whose budget is never replenished again would still show no
        # miss while it runs in background: its foreground time must grow)
        assert after["fg_us"] > before["fg_us"], f"ticker VCPU before {before}, after {after}"
        _, err = r.exec("import quest\nquest.Service('spin').stop(timeout_ms=5000)\n")
        assert err == ""
        assert info(r, "spin")["state"] == "stopped"
        assert time.monotonic() - t0 < TIMEOUT
    finally:
        r.close()


def test_heap_exhaustion_ends_only_that_service(pyboot) -> None:
    r = pyboot.repl(SB)
    try:
        start = len(pyboot.log_lines())
        spawn_source(r, "hog", "x = []\nwhile True:\n    x.append(bytearray(512))\n", "heap=64")
        pyboot.wait_log(r"^\[sb1\] service hog failed: MemoryError", timeout=TIMEOUT,
                        start=start)
        hog = info(r, "hog")
        assert hog["state"] == "failed" and "MemoryError" in hog["last_error"], hog
        assert hog["heap_peak"] > 32 * 1024, hog
        # the others still run, the REPL still computes
        for name in ("ticker", "hello1", "supervisor"):
            assert info(r, name)["state"] == "running", name
        assert r.eval("sum(range(1000))") == "499500"
        # and the ticker keeps ticking
        n = len(pyboot.log_lines())
        pyboot.wait_log(r"^\[sb1\] ticker: \d+ periods", timeout=TIMEOUT, start=n)
    finally:
        r.close()


def test_hot_swap_hands_state_over_and_refuses_broken_code(pyboot) -> None:
    from pathlib import Path

    v2 = (Path(__file__).parent / "apps/svc_swap_v2.py").read_text()
    r = pyboot.repl(3)
    try:
        start = len(pyboot.log_lines())
        _, err = r.exec("import quest\nquest.spawn('svc_swap_v1', heap=192, name='swapper')\n")
        assert err == ""
        pyboot.wait_log(r"^\[sb3\] svc_swap v1: started", timeout=TIMEOUT, start=start)
        time.sleep(2.0)
        v1 = r.eval("open('swap_status').read()")
        assert v1.startswith("'v1 "), v1
        _, err = r.exec(f"import quest\nquest.swap('swapper', {v2!r})\n")
        assert err == ""
        m = pyboot.wait_log(r"^\[sb3\] svc_swap v2: restored count (\d+) from v1",
                            timeout=TIMEOUT, start=start)
        assert int(m[1]) >= int(v1.strip("'").split()[1])
        time.sleep(1.0)
        status = r.eval("open('swap_status').read()")
        assert status.startswith("'v2 ") and status.endswith("from 1'"), status
        assert info(r, "swapper")["starts"] == 2
        # broken new versions are refused; version 2 goes on
        _, err = r.exec("import quest\nquest.swap('swapper', 'def main(:\\n')\n")
        assert "SwapError" in err and "SyntaxError" in err, err
        _, err = r.exec("import quest\nquest.swap('swapper', 'raise ValueError(7)\\n')\n")
        assert "SwapError" in err and "ValueError" in err, err
        before = r.eval("open('swap_status').read()")
        time.sleep(1.0)
        after = r.eval("open('swap_status').read()")
        assert after.startswith("'v2 ") and after != before, (before, after)
        assert info(r, "swapper")["state"] == "running"
        assert info(r, "swapper")["starts"] == 2
    finally:
        r.close()


BALK = ("import quest\n\n\ndef main():\n    print('balk: started')\n    try:\n"
        "        while True:\n            quest.sleep_ms(50)\n    except SystemExit:\n"
        "        raise RuntimeError('balk: no stopping')\n")


def test_swap_of_code_that_fails_at_the_stop_is_refused_at_once(pyboot) -> None:
    # Code that turns the stop request into an error never reaches the
    # swap's safe point: the commit says so when the code ends (not after
    # its 5 s wait for the safe point), and the prepared version goes.
    r = pyboot.repl(SB)
    try:
        start = len(pyboot.log_lines())
        spawn_source(r, "balk", BALK, "heap=64")
        pyboot.wait_log(r"^\[sb1\] balk: started", timeout=TIMEOUT, start=start)
        out, err = r.exec("import quest\nt = quest.ticks_ms()\ntry:\n"
                          "    quest.swap('balk', 'def main():\\n    pass\\n')\n"
                          "except quest.SwapError as e:\n    print(quest.ticks_ms() - t, e)\n")
        assert err == ""
        took, _, why = out.strip().partition(" ")
        assert why == "balk: service balk failed before its safe point", out
        assert int(took) < 5000, out
        balk = info(r, "balk")
        assert balk["state"] == "failed", balk
        assert "RuntimeError: balk: no stopping" in balk["last_error"], balk
    finally:
        r.close()


LEAKY = ("def main():\n    f = open('leaky.txt', 'a')\n    f.write('x')\n"
         "    raise RuntimeError('leaky: left its file open')\n")


def test_files_a_failed_service_left_open_are_closed_with_its_interpreter(pyboot) -> None:
    # The sandbox's RAM fs has 16 handles and outlives every interpreter: a
    # service that fails with a file open, started 21 times (restart always,
    # limit 20, then the supervisor gives up), would exhaust them (its 17th
    # start would fail with EMFILE, and so would the REPL's next open) unless
    # each interpreter's files are closed when it goes.
    r = pyboot.repl(SB)
    try:
        start = len(pyboot.log_lines())
        spawn_source(r, "leaky", LEAKY, "heap=64, restart='always', restart_limit=20")
        pyboot.wait_log(r"^\[sb1\] supervisor: leaky \(leaky\) failed: .*giving up", timeout=TIMEOUT,
                        start=start)
        leaky = info(r, "leaky")
        assert leaky["starts"] == 21 and leaky["state"] == "failed", leaky
        assert "RuntimeError: leaky: left its file open" in leaky["last_error"], leaky
        # every start's write reached the file, and the REPL can still open files
        assert r.eval("len(open('leaky.txt').read())") == "21"
        assert r.eval("open('after_leaky', 'w').write('ok')") == "2"
    finally:
        r.close()
