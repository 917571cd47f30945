"""The console hub on the board (tests/system/system-test.toml, --test, Bochs).

sb0 owns the UART and runs the hub (kernel/console over kernel/conlink.c); the
others' consoles are the channels conN.out / conN.in that `questv build` adds.
Plain mode: "[sbN] " lines, Ctrl-] N moves the input focus. Framed mode after
the host's handshake: every chunk in a checksummed frame tagged with its
sandbox; BYE goes back to plain. Kernels echo a typed line as "console input:".
"""

from __future__ import annotations

import os
import re
import time

from questv.hub import frame as F

TIMEOUT = 150.0
EXITS = r"\[mon \d+\] exits sb={sb} boot=(\d+) total=(\d+)[^\r\n]*\r?\n"
HEARTBEAT = re.compile(rb"sandbox (\d+) heartbeat \d+ canary=ok")


def test_console_lines_cost_no_vm_exits(booted) -> None:
    # Between two exit reports sb1 prints four heartbeat lines; through its
    # channel they cost nothing, so the only exit is the report hypercall.
    booted.wait_for(r"\[sb1\] sandbox 1 heartbeat \d+ ", timeout=TIMEOUT)
    first = booted.wait_for(EXITS.format(sb=1), timeout=TIMEOUT)
    second = booted.wait_for(EXITS.format(sb=1), timeout=TIMEOUT, start=first.end())
    between = booted.output[first.end():second.start()]
    assert len(re.findall(r"\[sb1\] sandbox 1 heartbeat", between)) >= 3
    assert first[1] == second[1] and int(second[2]) - int(first[2]) == 1


def type_in(booted, keys: bytes) -> None:
    """As a person types: a key at a time (a 16550 holds 16 bytes)."""
    for k in keys:
        booted.emulator.write(bytes((k,)))
        time.sleep(0.02)


def test_input_reaches_only_the_focused_sandbox_in_plain_mode(booted) -> None:
    booted.wait_for(r"\[sb1\] sandbox 1 heartbeat \d+ ", timeout=TIMEOUT)
    start = len(booted.output)
    type_in(booted, b"\x1d1")                 # Ctrl-] 1: focus on sb1
    type_in(booted, b"typed-for-one\r")
    m = booted.wait_for(r"\[sb(\d+)\] console input: typed-for-one\r?\n", timeout=TIMEOUT,
                        start=start)
    assert m[1] == "1"
    type_in(booted, b"\x1d0typed-for-zero\r")
    m = booted.wait_for(r"\[sb(\d+)\] console input: typed-for-zero\r?\n", timeout=TIMEOUT,
                        start=start)
    assert m[1] == "0"
    # a few heartbeats later, still nobody else saw either line
    hb = booted.wait_for(r"\[sb1\] sandbox 1 heartbeat \d+ ", timeout=TIMEOUT, start=m.end())
    booted.wait_for(r"\[sb1\] sandbox 1 heartbeat \d+ ", timeout=TIMEOUT, start=hb.end())
    inputs = re.findall(r"\[sb(\d+)\] console input: (typed-for-\w+)", booted.output[start:])
    assert sorted(inputs) == [("0", "typed-for-zero"), ("1", "typed-for-one")]


class _Framed:
    """The host's end of framed mode, over the test boot's serial socket."""

    def __init__(self, booted) -> None:
        self.emu = booted.emulator
        self.enc = F.Encoder(F.TO_BOARD)
        self.dec = F.Decoder(F.TO_HOST)
        self.at = len(self.emu.output_bytes)
        self.frames: list[F.Frame] = []

    def send(self, data: bytes) -> None:
        self.emu.write(data)

    def until(self, cond, timeout: float = TIMEOUT, again=None) -> None:
        """Waits for cond(); calls again() every 2 s meanwhile (a request to repeat
        if the board missed it, as questv.hub.link does with its SYNC)."""
        deadline = time.monotonic() + timeout
        retry = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if again is not None and time.monotonic() > retry:
                again()
                retry = time.monotonic() + 2.0
            data = self.emu.output_bytes[self.at:]
            self.at += len(data)
            self.frames += self.dec.feed(data)
            if cond():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; frames: {self.frames[-10:]}")

    def stream(self, sb: int) -> bytes:
        """sb's console: its kernel's log lines (LOG frames, one line each; the
        line echo of these boots is one) and its console bytes (DATA)."""
        return b"".join(f.payload + b"\n" if f.type == F.FrameType.LOG else f.payload
                        for f in self.frames
                        if f.type in (F.FrameType.DATA, F.FrameType.LOG) and f.sb == sb)


def test_framed_mode_tags_every_sandbox_and_returns_to_plain(booted) -> None:
    # Not before the other tests' plain-mode lines are out.
    booted.wait_for(r"\[sb3\] sched done lines=\d+", timeout=TIMEOUT)
    booted.wait_for(r"\[sb1\] chantest recv junk: done", timeout=TIMEOUT)
    link = _Framed(booted)
    nonce = os.urandom(4)

    def sync() -> None:
        link.send(F.HANDSHAKE + link.enc.frame(F.FrameType.SYNC, payload=nonce))

    sync()
    link.until(lambda: any(f.type == F.FrameType.HELLO and f.payload[:4] == nonce
                           for f in link.frames), again=sync)
    sandboxes = [sb.id for sb in booted.system.sandboxes]
    link.until(lambda: all(HEARTBEAT.search(link.stream(sb)) for sb in sandboxes))
    # the monitors' own lines arrive between the frames, whole
    link.until(lambda: any(re.fullmatch(rb"\[mon \d\] exits sb=\d [^\r\n]*\r\n", t)
                           for t in link.dec.text))
    def typed() -> None:
        link.send(link.enc.data(1, b"framed-for-one\r"))

    typed()
    link.until(lambda: b"console input: framed-for-one" in link.stream(1), again=typed)
    for sb in sandboxes:
        told = {int(n) for n in HEARTBEAT.findall(link.stream(sb))}
        assert told == {sb}, f"sb{sb}'s stream carries heartbeats of {told}"
        assert (b"framed-for-one" in link.stream(sb)) == (sb == 1)
    assert not any(re.search(rb"\[sb\d\] ", f.payload) for f in link.frames), \
        "plain-mode prefixes inside frames"
    def bye() -> None:
        link.send(link.enc.frame(F.FrameType.BYE))

    bye()
    link.until(lambda: any(f.type == F.FrameType.ACK for f in link.frames), again=bye)
    back = len(booted.output)
    for sb in sandboxes:
        booted.wait_for(rf"\[sb{sb}\] sandbox {sb} heartbeat \d+ canary=ok", timeout=TIMEOUT,
                        start=back)
