"""The quest module on the board (tests/system/system-python.toml, `pyboot`),
driven through each sandbox's raw REPL: the sandbox's identity; admission
refusals as quest.AdmissionError; services started at run time from a
module and from a function; channel round trips between sb1 and sb2, on
the declared channels pyc/pyback and on channels made at run time, with
timeouts, a full ring, a garbled ring and idle waits that cost no budget;
a crashing service (the boot service "crasher", and one spawned at run
time) restarted with back-off by the supervisor, then replaced by its
alternate; hot swap, refused for a syntax error and for an exception at
start while the old version keeps counting, then done with the state
handed over. docs/quest.md."""

from __future__ import annotations

import ast
import itertools
import re
import time
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent / "apps"
TIMEOUT = 120.0


def run(r, code: str, timeout: float = 60.0) -> str:
    """Runs code on the board; its output. A traceback fails the test."""
    out, err = r.exec(code, timeout)
    assert err == "", f"the board raised:\n{err}\nfor:\n{code}"
    return out


def value(r, expr: str) -> object:
    return ast.literal_eval(r.eval(expr))


@pytest.fixture
def repl(pyboot):
    opened = []

    def get(sb: int):
        r = pyboot.repl(sb)
        opened.append(r)
        run(r, "import quest")
        return r

    yield get
    # Each REPL used here is soft-reset (friendly-mode Ctrl-D) before it is
    # handed to the next test: what these tests imported and left in its
    # heap must not change how the next one behaves.
    for r in opened:
        try:
            r.soft_reset(TIMEOUT)
        finally:
            r.close()


def test_sandbox_fields(pyboot, repl) -> None:
    system = pyboot.system
    for sb in (0, 2):
        r = repl(sb)
        # (heartbeat_ms renamed: test_python_repl checks that no kernel
        # heartbeat line reaches a pty by looking for the word.)
        run(r, "d = quest.sandbox().as_dict()\n"
               "for k in ('channels', 'devices', 'services'):\n"
               "    d[k] = [x.as_dict() for x in d[k]]\n"
               "d['hb_ms'] = d.pop('heart' + 'beat_ms')\n")
        d = value(r, "d")
        me = system.sandboxes[sb]
        assert d["id"] == sb and d["name"] == me.name
        assert d["cores"] == list(me.cores) and d["core"] == me.cores[0]
        assert d["memory_mib"] == me.memory_mib
        assert d["n_sandboxes"] == len(system.sandboxes)
        assert d["supervisor"] == 0 and d["boot_count"] == 0
        assert d["isolated"] is True and d["test_build"] is True  # quest._inject: --test
        assert d["hb_ms"] == me.heartbeat_ms
        names = {s["name"]: s["state"] for s in d["services"]}
        assert names.get("supervisor") == "running", names
        for svc in me.services:
            assert svc.name in names, (svc.name, names)
        # Every channel the manifest gives this sandbox, with its role.
        want = {(c.name, "producer" if c.producer == sb else "consumer", c.slot_size, c.slots)
                for c in system.channels if sb in (c.producer, c.consumer)}
        got = {(c["name"], c["role"], c["slot_size"], c["slot_count"]) for c in d["channels"]}
        # (plus any made at run time by another test)
        assert want <= got and want, (want, got)
        declared = {c.name for c in system.channels}
        assert all(g[0] not in declared for g in got - want), got
        assert all(c["attached"] for c in d["channels"])
        if sb == 0:
            (uart,) = d["devices"]
            assert (uart["kind"], uart["io_base"], uart["io_len"], uart["console"]) == \
                ("uart16550", 0x3F8, 8, True)
        else:
            assert d["devices"] == []
    r = repl(2)
    st = value(r, "quest.stats().as_dict()")
    assert 0 < st["heap_used"] <= st["heap_total"] and st["timer_irqs"] > 0


def test_vcpu_admission_and_stats(repl) -> None:
    r = repl(3)
    out = run(r, "try:\n    quest.VCPU(950000, 1000000)\n"
                 "except quest.AdmissionError as e:\n    print('refused:', e)\n")
    m = re.search(r"refused: VCPU 950ms/1000ms refused: utilization (\d\.\d+) > bound "
                  r"(\d\.\d+) \(Liu-Layland, (\d+) VCPUs\)", out)
    assert m, out
    assert float(m[1]) > float(m[2]) and int(m[3]) >= 2
    # One that fits, its statistics, and a change of parameters admission refuses.
    d = value(r, "(lambda v: (v.id, v.stats().as_dict()))(quest.VCPU(100, 100000))")
    vid, st = d
    assert (st["budget_us"], st["period_us"], st["kind"]) == (100, 100000, "main")
    assert st["fg_us"] == 0 and st["util_ppm"] == 1000
    out = run(r, "v = quest.VCPU(100, 100000)\ntry:\n    v.set(99000, 100000)\n"
                 "except quest.AdmissionError as e:\n    print('refused:', e)\n"
                 "print(v.stats().budget_us)\n")
    assert "refused: VCPU 99ms/100ms refused: utilization" in out and out.strip().endswith("100")
    out = run(r, "try:\n    quest.VCPU(2000, 1000)\nexcept ValueError as e:\n    print('VE', e)\n")
    assert "VE budget_us must not exceed period_us" in out
    assert vid != value(r, "quest.VCPU.current().id")
    # An I/O VCPU counts in admission with Quest's (2 - U) U term.
    io = value(r, "quest.IOVCPU(0.01, quest.VCPU.current()).stats().as_dict()")
    assert (io["kind"], io["util_ppm"]) == ("io", 10000)
    out = run(r, "try:\n    quest.IOVCPU(0.9)\nexcept quest.AdmissionError as e:\n"
                 "    print('refused:', e)\n")
    assert re.search(r"refused: I/O VCPU U=0\.900 refused: utilization \d\.\d+ > bound", out), out


def test_spawn_module_and_function(pyboot, repl) -> None:
    r = repl(3)
    start = len(pyboot.log_lines())
    run(r, "s = quest.spawn('svc_safe', vcpu=(1000, 50000), heap=128, name='safe_rt')\n"
           "quest.sleep_ms(300)\nprint(s.state)\n")
    pyboot.wait_log(r"^\[sb3\] svc_safe: running in place of svc_crash", TIMEOUT, start)
    info = value(r, "{k: v for k, v in quest.Service('safe_rt').info().as_dict().items() "
                    "if k in ('state', 'module', 'starts', 'spec')}")
    assert info["state"] == "running" and info["module"] == "svc_safe" and info["starts"] == 1
    assert (info["spec"]["budget_us"], info["spec"]["period_us"],
            info["spec"]["heap_kib"]) == (1000, 50000, 128)
    run(r, "quest.Service('safe_rt').stop(timeout_ms=5000)\n")
    assert value(r, "quest.Service('safe_rt').state") == "stopped"
    # A function of a module the RAM fs holds: its module is imported in the
    # new interpreter and the function called there.
    run(r, "open('fnmod.py', 'w').write(\"import quest\\ndef work():\\n"
           "    print('fnmod.work ran in', quest.sandbox().name)\\n\")\n"
           "import fnmod\ns = quest.spawn(fnmod.work, name='fnw')\n")
    pyboot.wait_log(r"^\[sb3\] fnmod\.work ran in sb3$", TIMEOUT, start)
    deadline = time.monotonic() + 30
    while value(r, "quest.Service('fnw').state") != "exited":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    # What cannot be spawned says why.
    out = run(r, "for t in (lambda: 0, print, 42):\n    try:\n        quest.spawn(t)\n"
                 "    except (ValueError, TypeError) as e:\n        print(type(e).__name__)\n"
                 "try:\n    quest.spawn('svc_safe', vcpu=(990000, 1000000))\n"
                 "except quest.AdmissionError as e:\n    print('AE', e)\n"
                 "try:\n    quest.spawn('no_such_module_here', name='nomod')\n"
                 "    quest.sleep_ms(500)\n"
                 "    print(quest.Service('nomod').info().last_error)\n"
                 "except quest.ServiceError as e:\n    print('SE', e)\n")
    lines = out.strip().splitlines()
    assert lines[:3] == ["ValueError", "ValueError", "TypeError"], out
    assert lines[3].startswith("AE VCPU 990ms/1000ms refused: utilization"), out
    assert "no_such_module_here" in lines[4], out


def _round_trip(ra, rb, fwd: str, back: str) -> None:
    """Messages from ra's sandbox to rb's on channel fwd and back on back."""
    run(ra, f"from quest import msg\nout = quest.Channel({fwd!r})\n"
            f"back = quest.Channel({back!r})\n"
            "msg.send(out, {'n': 1, 's': 'h\\u00e9llo', 'b': b'\\x00\\xff', 'l': [1.5, None]})\n")
    got = run(rb, f"from quest import msg\ninp = quest.Channel({fwd!r})\n"
                  f"ret = quest.Channel({back!r})\n"
                  "v = msg.recv(inp, 5000)\nprint(repr(v))\nv['n'] += 1\nmsg.send(ret, v)\n")
    assert ast.literal_eval(got.strip()) == {"n": 1, "s": "h\u00e9llo", "b": b"\x00\xff",
                                             "l": [1.5, None]}
    answer = run(ra, "print(repr(msg.recv(back, 5000)))\n")
    assert ast.literal_eval(answer.strip())["n"] == 2
    # A recv that times out returns None after the time asked; a poll too.
    out = run(ra, "t = quest.ticks_ms()\nprint(back.recv(300), back.recv(0), "
                  "quest.ticks_ms() - t)\n")
    none1, none2, waited = out.split()
    assert (none1, none2) == ("None", "None") and 300 <= int(waited) < 2000
    # A full ring: slot_count sends fit, the next one polls into ChannelFull.
    slots = value(ra, "out.slot_count")
    out = run(ra, f"for i in range({slots}):\n    out.send(str(i).encode(), 0)\n"
                  "try:\n    out.send(b'one too many', 0)\nexcept quest.ChannelFull as e:\n"
                  "    print('full:', e)\nprint(out.poll())\n")
    assert f"full: {fwd}: channel full" in out and out.strip().endswith(str(slots))
    out = run(rb, f"print([inp.recv(1000) for i in range({slots})], inp.recv(0))\n")
    assert out.strip() == repr([b"%d" % i for i in range(slots)]) + " None"
    st = value(rb, "inp.stats().as_dict()")
    assert st["messages"] == slots + 1 and st["errors"] == 0
    # The wrong end and an unknown name are refused with a clear error.
    out = run(rb, "for f in (lambda: inp.send(b'x'), lambda: quest.Channel('nope')):\n"
                  "    try:\n        f()\n    except (OSError, ValueError) as e:\n"
                  "        print(type(e).__name__, e)\n")
    assert f"OSError {fwd}: this sandbox is the consumer" in out
    assert "ValueError no channel 'nope' in this sandbox (it has: " in out


def test_runtime_channel_round_trip(repl) -> None:
    """Channels made at run time (quest.Channel.create, both ends asking)."""
    import threading

    a, b = 1, 2
    ra, rb = repl(a), repl(b)
    outs: dict[str, str] = {}

    def side(r, key: str, code: str) -> None:
        outs[key] = r.exec(code, 90)[1]

    t = threading.Thread(target=side, args=(ra, "a", (
        f"quest.Channel.create('rt_fwd', {b}, 64, 8, True, 60000)\n"
        f"quest.Channel.create('rt_back', {b}, 64, 8, False, 60000)\n")))
    t.start()
    time.sleep(2.0)
    side(rb, "b", f"quest.Channel.create('rt_fwd', {a}, 64, 8, False, 60000)\n"
                  f"quest.Channel.create('rt_back', {a}, 64, 8, True, 60000)\n")
    t.join(120)
    assert outs == {"a": "", "b": ""}, outs
    # Asking again with another geometry, or alone, is refused with the reason.
    out = run(ra, "for f in (lambda: quest.Channel.create('rt_fwd', 2, 128, 8),\n"
                  "          lambda: quest.Channel.create('rt_alone', 3, 64, 8, True, 300)):\n"
                  "    try:\n        f()\n    except OSError as e:\n"
                  "        print(type(e).__name__, e)\n")
    assert "OSError channel rt_fwd: refused" in out, out
    assert "TimeoutError channel rt_alone: timeout" in out, out
    _round_trip(ra, rb, "rt_fwd", "rt_back")
    # Waiting for a message sleeps between polls: the VCPU barely runs; and
    # Ctrl-C ends a wait with no timeout.
    took, ran = _ran_us(rb, "assert inp.recv(1500) is None")
    assert took >= 1500 and ran < 300_000, (took, ran)
    assert "KeyboardInterrupt" in _ctrl_c(rb, "inp.recv()\n")
    # The producer garbles its own ring (the slot header of one message it
    # sent): the consumer gets ChannelError with the kernel's reason for
    # that message, and the next one intact.
    out = run(ra, "n = out.stats().messages\nout.send(b'good1', 0)\nout.send(b'bad', 0)\n"
                  "slot = out.prod_addr + 128 + (n + 1) % out.slot_count * (16 + out.slot_size)\n"
                  "quest.mem.u32[slot + 12] = quest.mem.u32[slot + 12] ^ 0x5A5A5A5A\n"
                  "out.send(b'good2', 0)\nprint(n)\n")
    assert int(out) > 0
    out = run(rb, "print(inp.recv(1000))\ntry:\n    inp.recv(1000)\n"
                  "except quest.ChannelError as e:\n    print('garbled:', e)\n"
                  "print(inp.recv(1000), inp.stats().errors)\n")
    assert out.splitlines() == [
        "b'good1'",
        "garbled: rt_fwd: slot header check word wrong (garbled or torn) (E_SLOT_CHECK)",
        "b'good2' 1"], out
    # The consumer reads the producer's region (its magic) but may not
    # write it: refused before the monitor would have to stop the sandbox.
    out = run(rb, "print(quest.mem.read(inp.prod_addr, 4))\n"
                  "try:\n    quest.mem.write(inp.prod_addr + 128, b'x')\n"
                  "except ValueError as e:\n    print('VE', e)\n")
    assert out.splitlines() == ["b'QVCP'", "VE the producer region is the peer's: read-only here"]


def test_declared_channel_round_trip(pyboot, repl) -> None:
    chans = {c.name: c for c in pyboot.system.channels}
    if "pyc" not in chans or "pyback" not in chans:
        pytest.fail("tests/system/system-python.toml declares no channels pyc and pyback "
                    "(sb1 -> sb2 and back)")
    _round_trip(repl(chans["pyc"].producer), repl(chans["pyc"].consumer), "pyc", "pyback")


def _ran_us(r, code: str) -> tuple[int, int]:
    """(ms the code took, us the REPL's VCPU ran meanwhile)."""
    out = run(r, "v = quest.VCPU.current()\ns0 = v.stats()\nt = quest.ticks_ms()\n"
                 f"{code}\ns1 = v.stats()\n"
                 "print(quest.ticks_ms() - t, (s1.fg_us + s1.bg_us) - (s0.fg_us + s0.bg_us))\n")
    took, ran = (int(x) for x in out.split())
    return took, ran


def _ctrl_c(r, code: str) -> str:
    """Runs code in raw mode, Ctrl-C after 2 s: the error text."""
    r.enter()
    r.write(code.encode() + b"\x04")
    r.read_until(b"OK")
    time.sleep(2.0)
    r.write(b"\x03")
    r.read_until(b"\x04", 60)
    err = r.read_until(b"\x04", 60)
    r.read_until(b">", 60)
    r.write(b"\x02")
    return err.decode(errors="replace")


def test_sleep_costs_no_budget_and_ctrl_c_ends_it(repl) -> None:
    r = repl(2)
    took, ran = _ran_us(r, "quest.sleep_ms(1500)")
    assert took >= 1500 and ran < 150_000, (took, ran)
    assert "KeyboardInterrupt" in _ctrl_c(r, "quest.sleep_ms(600000)\n")


def _crash_log(pyboot, sb: int, name: str, module: str, start: int) -> None:
    prefix = rf"^\[sb{sb}\] supervisor: {name} \({module}\) failed: RuntimeError: svc_crash: " \
             r"planned failure; "
    for n, delay in ((1, 50), (2, 100), (3, 200)):
        pyboot.wait_log(prefix + rf"restart {n}/3 in {delay} ms \(backoff\)$", TIMEOUT, start)
    pyboot.wait_log(prefix + r"restart limit 3 reached: starting alternate svc_safe$",
                    TIMEOUT, start)
    pyboot.wait_log(rf"^\[sb{sb}\] svc_safe: running in place of svc_crash$", TIMEOUT, start)


def test_crashing_service_backs_off_then_alternate(pyboot, repl) -> None:
    sb = 3
    r = repl(sb)
    start = len(pyboot.log_lines())
    run(r, "quest.spawn('svc_crash', name='crash_rt', restart='backoff', restart_limit=3, "
           "backoff_ms=50, alternate='svc_safe')\n")
    _crash_log(pyboot, sb, "crash_rt", "svc_crash", start)
    info = value(r, "{k: v for k, v in quest.Service('crash_rt').info().as_dict().items() "
                    "if k != 'spec'}")
    assert info["state"] == "running" and info["module"] == "svc_safe"
    assert info["starts"] == 5  # the first start, 3 restarts, the alternate
    # The restarts came no sooner than the back-off: each start's clock
    # reading is logged by svc_crash.
    times = [int(m) for m in re.findall(rf"\[sb{sb}\] svc_crash: start at (\d+) ms",
                                        "\n".join(pyboot.log_lines()[start:]))]
    assert len(times) == 4, times
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(g >= d for g, d in zip(gaps, (50, 100, 200), strict=True)), gaps
    run(r, "quest.Service('crash_rt').stop(timeout_ms=5000)\n")


def test_boot_crasher_replaced_by_alternate(pyboot, repl) -> None:
    crasher = [(sb.id, s) for sb in pyboot.system.sandboxes for s in sb.services
               if s.name == "crasher"]
    if not crasher:
        pytest.fail("tests/system/system-python.toml declares no service 'crasher' "
                    "(svc_crash, backoff, limit 3, 50 ms, alternate svc_safe)")
    ((sb, svc),) = crasher
    assert (svc.module, svc.restart, svc.restart_limit, svc.backoff_ms, svc.alternate) == \
        ("svc_crash", "backoff", 3, 50, "svc_safe")
    _crash_log(pyboot, sb, "crasher", "svc_crash", 0)
    r = repl(sb)
    info = value(r, "{k: v for k, v in quest.Service('crasher').info().as_dict().items() "
                    "if k != 'spec'}")
    assert info["state"] == "running" and info["module"] == "svc_safe" and info["starts"] == 5


def _status(r) -> tuple[str, int]:
    text = value(r, "open('swap_status').read()")
    version, count = str(text).split()[:2]
    return version, int(count)


def test_hot_swap(pyboot, repl) -> None:
    sb = 1
    r = repl(sb)
    start = len(pyboot.log_lines())
    run(r, "quest.spawn('svc_swap_v1', name='swapper', heap=192)\n")
    pyboot.wait_log(rf"^\[sb{sb}\] svc_swap v1: started$", TIMEOUT, start)
    time.sleep(1.0)
    v, n0 = _status(r)
    assert v == "v1" and n0 > 0
    # Refused: a syntax error, then an exception while the module starts.
    for bad, why in (("def main(:\n    pass\n", "SyntaxError"),
                     ("import quest\nraise ValueError('no start')\n", "ValueError: no start")):
        out = run(r, f"try:\n    quest.swap('swapper', {bad!r})\nexcept quest.SwapError as e:\n"
                     "    print('refused:', e)\n")
        assert out.startswith("refused: swapper: ") and why in out, out
    # The old version kept running and counting, never restarted.
    time.sleep(1.0)
    v, n1 = _status(r)
    assert v == "v1" and n1 > n0
    info = value(r, "{k: v for k, v in quest.Service('swapper').info().as_dict().items() "
                    "if k != 'spec'}")
    assert info["state"] == "running" and info["starts"] == 1 and info["module"] == "svc_swap_v1"
    # The real one: v2 takes the count over through save_state/restore_state.
    src = (APPS / "svc_swap_v2.py").read_text()
    out = run(r, f"print(quest.swap('swapper', {src!r}))\n")
    assert out.strip() == "Service('swapper')"
    m = pyboot.wait_log(rf"^\[sb{sb}\] svc_swap v2: restored count (\d+) from v1$", TIMEOUT,
                        start)
    handed = int(m[1])
    assert handed >= n1
    pyboot.wait_log(rf"^\[sb{sb}\] svc_swap v2: started at count {handed}$", TIMEOUT, start)
    time.sleep(1.0)
    text = str(value(r, "open('swap_status').read()"))
    v, n2, _, origin = text.split()
    assert v == "v2" and int(n2) > handed and origin == "1"
    info = value(r, "{k: v for k, v in quest.Service('swapper').info().as_dict().items() "
                    "if k != 'spec'}")
    assert info["state"] == "running" and info["starts"] == 2
    # hook=False hands nothing over: the new version starts from its own 0.
    n = len(pyboot.log_lines())
    run(r, f"quest.swap('swapper', {src!r}, hook=False)\n")
    pyboot.wait_log(rf"^\[sb{sb}\] svc_swap v2: started at count 0$", TIMEOUT, n)
    assert not any("restored" in line for line in pyboot.log_lines()[n:])
    run(r, "quest.Service('swapper').stop(timeout_ms=5000)\n")
