"""The hub's second stream per sandbox (kernel/console/hub.c, qv_hub_log):
kernel log lines travel apart from the console bytes: LOG frames in framed
mode, whole lines between the console's lines in plain mode, a bounded ring
that drops the oldest whole lines."""

from __future__ import annotations

import ctypes

import pytest
from console_binding import CHub
from questv.hub import frame as F


@pytest.fixture
def hub():
    h = CHub([1, 2, 3], hub_sb=1)
    lib = h.lib
    lib.qv_hub_log.restype = ctypes.c_bool
    lib.qv_hub_log.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_char_p, ctypes.c_size_t]
    lib.qv_hub_log_pending.restype = ctypes.c_uint32
    lib.qv_hub_log_pending.argtypes = [ctypes.c_void_p, ctypes.c_uint8]
    yield h
    assert h.overflow == 0
    h.close()


def log(hub: CHub, sb: int, line: bytes) -> bool:
    return bool(hub.lib.qv_hub_log(hub.hub, sb, line, len(line)))


def test_framed_log_lines_are_log_frames_never_data(hub):
    hub.rx(F.HANDSHAKE)
    hub.output(2, b">>> ")
    assert log(hub, 2, b"sandbox 2 heartbeat 1 canary=ok")
    hub.output(2, b"1+1\r\n2\r\n>>> ")
    frames = F.Decoder(F.TO_HOST).feed(hub.wire())
    logs = [(f.sb, f.payload) for f in frames if f.type == F.FrameType.LOG]
    data = b"".join(f.payload for f in frames if f.type == F.FrameType.DATA and f.sb == 2)
    assert logs == [(2, b"sandbox 2 heartbeat 1 canary=ok")]
    assert data == b">>> 1+1\r\n2\r\n>>> "  # the stream exactly, nothing inserted


def test_plain_log_line_goes_between_lines_and_the_prompt_comes_back(hub):
    hub.output(1, b">>> ")
    assert hub.wire() == b"[sb1] >>> "
    log(hub, 1, b"sandbox 1 heartbeat 3 canary=ok")
    log(hub, 3, b"sandbox 3 up")
    wire = hub.wire()
    # the prompt's line is ended, each log line is a whole line of its own
    # (sandboxes in round-robin order), then the prompt is written again
    assert wire.startswith(b"\r\n") and wire.endswith(b"\n[sb1] >>> ")
    assert sorted(wire[2:-len(b"[sb1] >>> ")].split(b"\n")[:-1]) == \
        [b"[sb1] sandbox 1 heartbeat 3 canary=ok", b"[sb3] sandbox 3 up"]


def test_log_of_a_sandbox_without_console_is_refused(hub):
    assert not log(hub, 5, b"x")
    assert not log(hub, 16, b"x")
    assert hub.wire() == b""


def test_full_log_ring_drops_oldest_whole_lines(hub):
    hub.set_listening(False)
    for i in range(200):
        log(hub, 2, b"line %03d " % i + b"x" * 20)
    pending = hub.lib.qv_hub_log_pending(hub.hub, 2)
    assert 0 < pending <= 2048
    hub.set_listening(True)
    hub.rx(F.HANDSHAKE)
    frames = F.Decoder(F.TO_HOST).feed(hub.wire())
    lines = [f.payload for f in frames if f.type == F.FrameType.LOG]
    # whole lines only, the newest kept, in order
    nums = [int(ln[5:8]) for ln in lines]
    assert nums == list(range(200 - len(nums), 200))
    assert all(ln.endswith(b"x" * 20) for ln in lines)


def test_long_log_line_is_cut_to_one_frame_and_newlines_do_not_split_it(hub):
    hub.rx(F.HANDSHAKE)
    log(hub, 3, b"a\nb" + b"y" * 400)
    frames = [f for f in F.Decoder(F.TO_HOST).feed(hub.wire()) if f.type == F.FrameType.LOG]
    assert len(frames) == 1
    assert frames[0].payload.startswith(b"a b") and len(frames[0].payload) == 255
