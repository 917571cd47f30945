"""The C console hub (kernel/console/hub.c): plain mode for a person on a raw
terminal, the handshake to framed mode and back, input routing, and the
bounded per-sandbox buffers."""

from __future__ import annotations

import re

import pytest
from console_binding import FRAMED, PLAIN, CHub
from questv.hub import frame as F


@pytest.fixture
def hub():
    h = CHub([1, 2, 3], hub_sb=1)
    yield h
    assert h.overflow == 0
    h.close()


def screen_lines(wire: bytes) -> list[bytes]:
    return [ln for ln in wire.replace(b"\r\n", b"\n").split(b"\n") if ln]


def test_plain_lines_are_prefixed_per_sandbox(hub):
    hub.output(2, b"hello\n")
    hub.output(3, b"a\nb\n")
    assert screen_lines(hub.wire()) == [b"[sb2] hello", b"[sb3] a", b"[sb3] b"]


def test_output_from_a_sandbox_without_console_is_refused(hub):
    assert hub.output(4, b"x\n") == 0
    assert hub.output(16, b"x\n") == 0
    assert hub.wire() == b""


def test_partial_lines_are_not_interleaved(hub):
    wire = b""
    for sb, text in ((2, b"part one "), (3, b"xyz\n"), (2, b"and two\n")):
        hub.output(sb, text)
        wire += hub.wire()
    lines = screen_lines(wire)
    assert lines == [b"[sb2] part one ", b"[sb3] xyz", b"[sb2] part one and two"]
    # Every screen line carries one sandbox's bytes only.
    for ln in lines:
        m = re.fullmatch(rb"\[sb(\d)\] (.*)", ln)
        assert m, ln
        if m[1] == b"3":
            assert m[2] == b"xyz"
        else:
            assert m[2] in (b"part one ", b"part one and two")
    assert lines[-1] == b"[sb2] part one and two"
    assert b"[sb3] xyz" in lines


def test_focused_prompt_is_redisplayed_after_other_output(hub):
    assert hub.focus == 1
    hub.output(1, b">>> ")
    assert hub.wire() == b"[sb1] >>> "
    hub.output(2, b"tick\n")
    assert hub.wire() == b"\r\n[sb2] tick\n[sb1] >>> "
    hub.output(1, b"1+1\r\n")
    assert hub.wire() == b"1+1\r\n"


def test_focus_switch_with_ctrl_bracket(hub):
    wire = b""
    for keys in (b"ab", b"\x1d2cd", b"\x1d3e\x1d\x1d"):
        hub.rx(keys)
        wire += hub.wire()
    assert hub.take_in(1) == b"ab"
    assert hub.take_in(2) == b"cd"
    assert hub.take_in(3) == b"e\x1d"
    assert hub.focus == 3
    assert b"[hub] input to sb2\r\n" in wire and b"[hub] input to sb3\r\n" in wire


def test_focus_to_missing_sandbox_is_refused_and_keys_not_lost(hub):
    hub.rx(b"\x1d7x")
    wire = hub.wire()
    hub.rx(b"\x1dqy")
    wire += hub.wire()
    assert hub.focus == 1
    assert hub.take_in(1) == b"xy"
    assert b"[hub] no console sb7" in wire and b"Ctrl-] then 0-9/a-f" in wire


def test_ctrl_c_is_a_break_for_the_focused_sandbox_only(hub):
    hub.rx(b"\x1d2\x03")
    assert hub.breaks(2) == 1 and hub.breaks(1) == 0 and hub.breaks(3) == 0
    assert hub.take_in(2) == b""


def test_handshake_switches_to_framed_and_bye_back(hub):
    hub.output(2, b"before\n")
    hub.rx(F.HANDSHAKE + F.encode(F.FrameType.SYNC, F.SB_HUB, b"n0nc", 0))
    assert hub.mode == FRAMED
    dec = F.Decoder(F.TO_HOST)
    frames = dec.feed(hub.wire())
    hello = [f for f in frames if f.type == F.FrameType.HELLO]
    assert len(hello) == 1
    info = F.Hello.parse(hello[0].payload)
    assert (info.nonce, info.version, info.hub_sb, info.sandboxes, info.focus) == \
        (b"n0nc", 1, 1, (1, 2, 3), 1)
    # Output held while the handshake went on comes out framed.
    assert [(f.sb, f.payload) for f in frames if f.type == F.FrameType.DATA] == \
        [(2, b"before\n")]
    hub.rx(F.encode(F.FrameType.BYE, F.SB_HUB, b"", 1) + b"k")
    assert hub.mode == PLAIN
    assert hub.take_in(1) == b"k"  # bytes after BYE are keys again
    wire = hub.wire()
    acks = dec.feed(wire)
    assert [(f.type, f.payload) for f in acks] == [(F.FrameType.ACK, bytes([F.FrameType.BYE]))]
    assert b"[hub] plain mode, input to sb1\r\n" in wire


def test_an_incomplete_handshake_is_typed_input(hub):
    hub.rx(F.HANDSHAKE[:5] + b"!")
    assert hub.mode == PLAIN
    assert hub.take_in(1) == F.HANDSHAKE[:5] + b"!"
    # The handshake restarting inside a near miss still counts.
    hub.rx(b"\x10" + F.HANDSHAKE)
    assert hub.mode == FRAMED
    assert hub.take_in(1) == b"\x10"


def framed(hub: CHub) -> F.Encoder:
    hub.rx(F.HANDSHAKE)
    assert hub.mode == FRAMED
    return F.Encoder(F.TO_BOARD)


def test_framed_input_reaches_only_its_sandbox(hub):
    enc = framed(hub)
    hub.rx(enc.data(2, b"to two") + enc.data(3, b"to three" * 100) +
           enc.frame(F.FrameType.BREAK, 3))
    assert hub.take_in(2) == b"to two"
    assert hub.take_in(3) == b"to three" * 100
    assert hub.take_in(1) == b""
    assert hub.breaks(3) == 1 and hub.breaks(2) == 0


def test_framed_input_for_a_sandbox_without_console_is_dropped(hub):
    enc = framed(hub)
    hub.rx(enc.data(5, b"nobody"))
    assert all(hub.take_in(sb) == b"" for sb in range(16))
    assert hub.stats()["invalid"] == 1


def test_focus_frame_and_stats(hub):
    enc = framed(hub)
    hub.rx(enc.frame(F.FrameType.FOCUS, 3) + b"\x7eJUNK\x7e" + enc.frame(F.FrameType.STATS_REQ))
    assert hub.focus == 3
    frames = F.Decoder(F.TO_HOST).feed(hub.wire())
    assert [f.type for f in frames] == [F.FrameType.ACK, F.FrameType.STATS]
    stats = F.parse_stats(frames[1].payload)
    assert stats["frames_ok"] == 2 and stats["length_errors"] == 1
    assert stats["frames_sent"] == 1  # the ACK before it


def test_framed_output_is_tagged_and_round_robin(hub):
    framed(hub)
    hub.output(1, b"1" * 600)
    hub.output(2, b"2" * 10)
    hub.output(3, b"3" * 10)
    frames = F.Decoder(F.TO_HOST).feed(hub.wire())
    assert [f.sb for f in frames] == [1, 2, 3, 1, 1]
    for f in frames:
        assert set(f.payload) == {ord(str(f.sb))}
    assert sum(len(f.payload) for f in frames if f.sb == 1) == 600


def test_buffer_keeps_newest_output_while_nobody_listens(hub):
    framed(hub)
    hub.set_budget(0)  # the UART takes nothing
    data = bytes(i % 251 for i in range(5000))
    for i in range(0, 5000, 100):
        hub.output(2, data[i:i + 100])
    assert hub.pump() is True
    assert hub.pending(2) == 2048 and hub.dropped(2) == 5000 - 2048
    hub.set_budget(None)
    frames = F.Decoder(F.TO_HOST).feed(hub.wire())
    assert frames[0].type == F.FrameType.DROPPED
    assert int.from_bytes(frames[0].payload, "little") == 5000 - 2048
    assert b"".join(f.payload for f in frames[1:]) == data[-2048:]
    assert hub.stats()["dropped_bytes"] == 5000 - 2048


def test_one_huge_write_keeps_its_tail(hub):
    hub.output(3, bytes(range(256)) * 40)
    assert hub.pending(3) == 2048 and hub.dropped(3) == 256 * 40 - 2048


def test_plain_mode_reports_drops(hub):
    hub.set_budget(0)
    hub.output(2, b"x" * 3000 + b"\n")
    hub.set_budget(None)
    lines = screen_lines(hub.wire())
    assert lines[0] == b"[sb2] [hub: 953 bytes dropped]"
    assert all(ln.startswith(b"[sb2] ") for ln in lines)


def test_partial_writes_lose_nothing(hub):
    framed(hub)
    data = {sb: bytes([0x7E, 0x7D, sb]) * 400 for sb in (1, 2, 3)}
    for sb, d in data.items():
        hub.output(sb, d)
    wire = bytearray()
    for step in range(1, 10_000):
        hub.set_budget(step % 7)
        more = hub.pump()
        wire += hub.take_out()
        if not more:
            break
    frames = F.Decoder(F.TO_HOST).feed(bytes(wire))
    got = {sb: b"".join(f.payload for f in frames if f.sb == sb) for sb in (1, 2, 3)}
    assert got == data


def test_nothing_is_written_while_nobody_listens_and_a_key_resumes(hub):
    hub.set_listening(False)
    hub.output(2, b"while away\n")
    assert hub.pump() is True  # output waits
    assert hub.take_out() == b""
    assert hub.pending(2) == 11
    hub.rx(b"\r")  # somebody pressed Enter
    assert screen_lines(hub.wire()) == [b"[sb2] while away"]
    assert hub.take_in(1) == b"\r"


def test_hub_without_consoles_does_not_fail():
    with CHub([]) as h:
        h.rx(b"abc\x03\x1d1")
        assert h.wire() == b"[hub] no console sb1\r\n"
        h.rx(F.HANDSHAKE + F.encode(F.FrameType.DATA, 1, b"x", 0))
        assert h.output(0, b"x") == 0
        assert h.wire() == b""
        assert h.overflow == 0
        assert all(h.take_in(sb) == b"" and h.breaks(sb) == 0 for sb in range(16))
        assert h.stats()["invalid"] == 1 and h.stats()["breaks"] == 0
