"""Python in the sandboxes, in Bochs (one boot of benchmarks/python/system-bench.toml):
start-up to the REPL prompt, heap of an idle interpreter, the raw-REPL round trip
for `1+1`, and Python-level channel round trips against the C figures of the
`channels` benchmark.

Clocks. With Bochs' `clock: sync=none` and a fixed ips the TSC counts emulated
instructions (docs/monitor.md), so virtual time is instructions / ips and the
kernel's clock (`quest.ticks_us()`, `time.ticks_us()`: TSC since the kernel's
`clock_init`, docs/port.md) converts: 1 us = tsc_khz / 1000 instructions. Every
board figure here is read from that clock; the host's wall time is only a note.

1. Start-up. The kernel prints its entry TSC in its `up` line, then waits for its
   heartbeat slot (kernel/main.c `next_slot`: sandboxes start their schedulers
   staggered), then starts its clock, its threads, the services and the REPL.
   The slot is computed here from the `up` TSC, so "entry to clock origin" is
   exact. The prompt itself carries no time: the moment the host sees sb0's
   plain-mode `>>> ` it types `import time;time.ticks_us()` (T1, clock origin to
   that line running), then, the moment it sees the answer, the same again (T2).
   T2 - T1 is one host turnaround (board prints, the host reacts, the line comes
   back and runs), the same path as prompt to T1, so the prompt is at about
   T1 - (T2 - T1); T1 is also given as the upper bound.
2. Heap. The idle service pyb_idle reports gc.mem_alloc() after a collection and
   quest.stats()["heap_used"] once `import quest` is done. The REPL is soft-reset
   (a fresh interpreter) and asked the same before and after `import quest`.
3. `1+1`. In raw mode, per sandbox, `print(1+1)` N times, each the raw-REPL
   exchange mpremote makes (code, Ctrl-D, "OK", output, 0x04, 0x04, ">"),
   bracketed by two reads of quest.ticks_us() in the REPL's own interpreter:
   N + 1 host turnarounds lie between them. Through the framed hub, as
   `questv console` drives it. This is a board-clock figure that includes the
   host's reaction time in virtual time (Bochs runs on while the host thinks).
4. Channels. The REPL of sb0 spawns pyb_chan (a service on its own VCPU), which
   times 8-byte round trips to pyb_echo on sb1 (a service there) and a stream
   with 8 messages in flight, with quest.ticks_us(); the C figures of the same
   shape are the `channels` benchmark's "one-way 8 B" and "stream 8 B" rows
   (kernel/chantest.c, polled, no Python).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from questv.bench import BenchContext
from questv.rawrepl import RAW_BANNER, RawRepl

SYSTEM = "benchmarks/python/system-bench.toml"
BOOT_TIMEOUT = 600.0
STEP_TIMEOUT = 300.0
N_EVALS = 20
BATCH = (4, 20)        # exchanges sent at once: 20 x 12 bytes fits the REPL's 512-byte queue
SANDBOXES = 2          # system-bench.toml
HEARTBEAT_MS = 1000    # system-bench.toml, both sandboxes

UP_OF = r"\[sb{sb}\] sandbox {sb} up: [^\r\n]*\(boot 0, tsc (\d+)"
TSC_KHZ = re.compile(r"\[mon 0\] memory: [^\r\n]*tsc (\d+) kHz")
IDLE = re.compile(r"\[sb0\] pyb_idle: mem_alloc=(\d+) heap_used=(\d+) heap_total=(\d+)")


def _next_slot(now: int, period: int, sb: int, n: int) -> int:
    """kernel/main.c next_slot(): the TSC at which sandbox sb's clock starts."""
    base = now - now % period + period // n * (sb % n)
    return base if base > now else base + period


class _Framed:
    """The hub in framed mode over the emulator's serial line: per-sandbox input
    and output streams, as `questv console` has them (no ptys: fewer hops)."""

    def __init__(self, emu: Any) -> None:
        from questv.emulator import SerialPipe
        from questv.hub.link import HubLink, SocketTransport

        self.pipe = SerialPipe(emu)
        self.link = HubLink(SocketTransport(self.pipe.host_end))
        self.streams: dict[int, bytearray] = {}
        self.log: list[str] = []
        _, early = self.link.handshake(timeout=60.0)
        self._take(early)

    def _take(self, frames: list[Any]) -> None:
        from questv.hub import frame as F

        for f in frames:
            if f.type == F.FrameType.DATA:
                self.streams.setdefault(f.sb, bytearray()).extend(f.payload)
            elif f.type == F.FrameType.LOG:
                self.log.append(f"[sb{f.sb}] " + f.payload.decode("utf-8", "replace"))

    def reader(self, sb: int) -> Callable[[float], bytes]:
        def read(timeout: float) -> bytes:
            deadline = time.monotonic() + timeout
            buf = self.streams.setdefault(sb, bytearray())
            while not buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._take(self.link.poll(min(left, 0.2)))
            out = bytes(buf)
            buf.clear()
            return out
        return read

    def writer(self, sb: int) -> Callable[[bytes], None]:
        return lambda data: self.link.send_keys(sb, data)

    def close(self) -> None:
        self.link.bye()
        self.pipe.close()


def _exec(repl: Any, code: str, timeout: float = STEP_TIMEOUT) -> str:
    out, err = repl.exec(code, timeout=timeout)
    if err:
        raise RuntimeError(f"the board raised on {code[:60]!r}: {err.decode(errors='replace')}")
    return out.decode(errors="replace")


def _exchange(repl: Any, what: str) -> None:
    """The board's side of one raw-REPL exchange of print(1+1) already written:
    "OK", then "2" on stdout and nothing on stderr, up to the next prompt."""
    if repl.read_until(b"OK", STEP_TIMEOUT) != b"OK":
        raise RuntimeError(f"{what}: no OK")
    out, err = repl.result(STEP_TIMEOUT)
    if out.strip() != b"2" or err:
        raise RuntimeError(f"{what}: 1+1 gave {out!r} {err!r}")


def _round_trips(repl: Any, n: int) -> tuple[int, float]:
    """(board us, host s) for n raw-REPL exchanges of print(1+1), N + 1 turnarounds."""
    _exec(repl, "import quest\n_t0 = quest.ticks_us()")
    started = time.monotonic()
    for i in range(n):
        # The exchange mpremote makes, without the tool's pauses between writes.
        repl._write(b"print(1+1)\x04")
        _exchange(repl, f"round trip {i}")
    board = int(_exec(repl, "print(quest.ticks_us() - _t0)"))
    return board, time.monotonic() - started


def _batch(repl: Any, k: int) -> int:
    """Board us from a clock read to the next, with k exchanges of print(1+1) sent
    at once between them (the REPL queues input typed ahead): k board-side
    exchanges and two host turnarounds."""
    _exec(repl, "_t0 = quest.ticks_us()")
    repl._write(b"print(1+1)\x04" * k)
    for i in range(k):
        _exchange(repl, f"batched exchange {i}")
    return int(_exec(repl, "print(quest.ticks_us() - _t0)"))


def _soft_reset(repl: Any) -> None:
    repl._write(b"\x04")  # raw mode, nothing gathered: a soft reset
    repl.read_until(b"soft reboot", STEP_TIMEOUT)
    repl.read_until(RAW_BANNER + b">", STEP_TIMEOUT)


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    with ctx.boot(SYSTEM) as emu:
        khz = int(emu.wait_for(TSC_KHZ, timeout=BOOT_TIMEOUT)[1])
        up = {sb: int(emu.wait_for(UP_OF.format(sb=sb), timeout=BOOT_TIMEOUT)[1])
              for sb in range(SANDBOXES)}
        # 1. sb0 has the focus in plain mode: type as soon as its prompt shows.
        prompt = emu.wait_for(r"\[sb0\] >>> ", timeout=BOOT_TIMEOUT)
        emu.write(b"import time;time.ticks_us()\r")
        first = emu.wait_for(r"\[sb0\] (\d+)\r?\n", timeout=STEP_TIMEOUT, start=prompt.end())
        emu.write(b"time.ticks_us()\r")
        second = emu.wait_for(r"\[sb0\] (\d+)\r?\n", timeout=STEP_TIMEOUT, start=first.end())
        t1, t2 = int(first[1]), int(second[1])
        emu.wait_for(r"\[sb1\] >>> ", timeout=BOOT_TIMEOUT)
        emu.wait_for(r"\[sb1\] pyb_echo: ready", timeout=BOOT_TIMEOUT)
        idle = emu.wait_for(IDLE, timeout=BOOT_TIMEOUT)
        framed = _Framed(emu)
        try:
            repls = {sb: RawRepl(framed.reader(sb), framed.writer(sb), timeout=STEP_TIMEOUT,
                                 raw_paste=False) for sb in range(SANDBOXES)}
            for r in repls.values():
                r.enter()
            # 2. A fresh REPL interpreter, before and after `import quest`.
            _soft_reset(repls[0])
            bare = _exec(repls[0], "import gc\ngc.collect()\nprint(gc.mem_alloc(), "
                                   "gc.mem_alloc() + gc.mem_free())").split()
            with_quest = _exec(repls[0], "import quest\ngc.collect()\ns = quest.stats()\n"
                                         "print(gc.mem_alloc(), s['heap_used'])").split()
            # 3. 1+1 round trips on each sandbox.
            trips = {sb: _round_trips(repls[sb], N_EVALS) for sb in range(SANDBOXES)}
            # The host's turnaround cancels out between two batch sizes.
            batches = {sb: (_batch(repls[sb], BATCH[0]), _batch(repls[sb], BATCH[1]))
                       for sb in range(SANDBOXES)}
            # The board's own part of it: compiling and running 1+1, no console.
            local = int(_exec(repls[0], f"t = quest.ticks_us()\nfor _ in range({N_EVALS}):\n"
                                        "    eval('1+1')\nprint(quest.ticks_us() - t)"))
            # 4. Python channel figures from a service spawned by sb0's REPL.
            chan_text = _exec(repls[0], (
                "import os\n"
                "try:\n    os.remove('/pyb_chan.txt')\nexcept OSError:\n    pass\n"
                "s = quest.spawn('pyb_chan', vcpu=(2500, 10000), heap=192, name='chanbench')\n"
                "t = ''\n"
                "for _ in range(1200):\n"
                "    try:\n        t = open('/pyb_chan.txt').read()\n"
                "    except OSError:\n        t = ''\n"
                "    if 'done=' in t or s.state in ('failed', 'exited'):\n        break\n"
                "    quest.sleep_ms(50)\n"
                "print(t)\n"
                "print('service=' + s.state, s.info()['last_error'])\n"), timeout=BOOT_TIMEOUT)
        finally:
            framed.close()

    period = khz * HEARTBEAT_MS
    wait0 = _next_slot(up[0], period, 0, SANDBOXES) - up[0]
    per_us = khz / 1000.0
    turnaround = t2 - t1
    prompt_us = t1 - turnaround
    results: list[dict[str, Any]] = [
        {"name": "sb0 entry to clock origin", "value": wait0, "unit": "instructions",
         "note": "the 'up' TSC to the heartbeat slot the kernel waits for (kernel policy: "
                 "staggered starts, up to a heartbeat period)"},
        {"name": "sb0 clock origin to REPL prompt", "value": round(prompt_us * per_us),
         "unit": "instructions",
         "note": f"about: first typed line ran at {t1} us, less one host turnaround "
                 f"({turnaround} us); kernel threads, 1 service, supervisor, REPL start"},
        {"name": "sb0 entry to REPL prompt", "value": wait0 + round(prompt_us * per_us),
         "unit": "instructions",
         "note": f"the two above; upper bound {wait0 + round(t1 * per_us)} "
                 f"(first line run), {khz} kHz"},
    ]
    mem_alloc, heap_used, heap_total = (int(idle[i]) for i in (1, 2, 3))
    results += [
        {"name": "idle service heap", "value": mem_alloc, "unit": "bytes",
         "note": f"pyb_idle after import quest, gc.collect(): gc.mem_alloc(); "
                 f"quest.stats heap_used {heap_used} of {heap_total}"},
        {"name": "fresh REPL heap", "value": int(bare[0]), "unit": "bytes",
         "note": f"after a soft reset, gc.collect(): gc.mem_alloc() of {int(bare[1])}"},
        {"name": "fresh REPL heap + import quest", "value": int(with_quest[0]),
         "unit": "bytes", "note": f"gc.mem_alloc(); quest.stats heap_used {with_quest[1]}"},
    ]
    for sb, (board_us, host_s) in trips.items():
        via = "UART through the hub" if sb == 0 else "con1 channels + hub in sb0"
        results.append({
            "name": f"raw REPL 1+1 round trip sb{sb}",
            "value": round(board_us * per_us / (N_EVALS + 1)), "unit": "instructions",
            "note": f"board clock over {N_EVALS}+1 exchanges, host reaction included "
                    f"({via}); host {host_s / N_EVALS * 1000:.0f} ms wall each"})
    for sb, (few, many) in batches.items():
        results.append({
            "name": f"raw REPL 1+1 board side sb{sb}",
            "value": round((many - few) * per_us / (BATCH[1] - BATCH[0])),
            "unit": "instructions",
            "note": f"batches of {BATCH[1]} and {BATCH[0]} exchanges sent at once, "
                    "difference per exchange: the host's turnaround cancels"})
    results.append({"name": "eval('1+1') in the REPL interpreter",
                    "value": round(local * per_us / N_EVALS), "unit": "instructions",
                    "note": f"sb0, compile + run, no console: {N_EVALS} in a loop, board clock"})
    results += _channel_results(chan_text, per_us)
    return results


def _channel_results(text: str, per_us: float) -> list[dict[str, Any]]:
    fields = dict(re.findall(r"(\w+)=([^\r\n]*)", text))
    if fields.get("done") != "ok":
        raise RuntimeError(f"pyb_chan did not finish: {text.strip()[-400:]!r}")
    rounds, stream, polls = (int(fields[k]) for k in ("rounds", "stream", "polls"))

    def per(key: str, n: int) -> int:
        return round(int(fields[key]) * per_us / n)

    return [
        {"name": "python one-way 8 B", "value": per("rt_us", 2 * rounds),
         "unit": "instructions/message",
         "note": f"half a round trip, {rounds} rounds, service to service (sb0 <-> sb1), "
                 "elapsed; C: channels 'one-way 8 B'"},
        {"name": "python round trip 8 B, sender CPU", "value": per("rt_cpu_us", rounds),
         "unit": "instructions/round",
         "note": "what the sender's thread ran per round trip (its VCPU's fg+bg run time): "
                 "send + recv in Python, naps excluded"},
        {"name": "python stream 8 B", "value": per("stream_us", stream),
         "unit": "instructions/message",
         "note": f"{stream} messages, {fields['window']} in flight, echoed back, elapsed; "
                 "C: channels 'stream 8 B'"},
        {"name": "python stream 8 B, sender CPU", "value": per("stream_cpu_us", stream),
         "unit": "instructions/message", "note": "the sender's run time per message sent "
                                                 "and received back"},
        {"name": "python recv(0) on empty, CPU", "value": per("poll_cpu_us", polls),
         "unit": "instructions/call",
         "note": f"{polls} polls of an empty channel, run time; elapsed "
                 f"{per('poll_us', polls)} (the VCPU's budget runs out: waits for periods)"},
        {"name": "python empty loop iteration, CPU", "value": per("loop_cpu_us", polls),
         "unit": "instructions", "note": f"for scale: {polls} iterations of `pass` (and one "
                                          "VCPU stats read, as each run-time figure)"},
        {"name": "python quest.ticks_us() call, CPU", "value": per("ticks_cpu_us", polls),
         "unit": "instructions/call", "note": "for scale: a native call reading the clock, "
                                              "loop included"},
    ]
