"""The frame codec: C (kernel/console/frame.c) against Python
(tools/questv/hub/frame.py) on the same bytes, and the decoder's handling of
corrupt, truncated and invalid frames."""

from __future__ import annotations

import zlib

import pytest
from console_binding import CDecoder, c_crc32, c_encode, type_row
from questv.hub import frame as F


@pytest.fixture
def cdec_host():
    d = CDecoder(F.TO_HOST)
    yield d
    d.close()


@pytest.fixture
def cdec_board():
    d = CDecoder(F.TO_BOARD)
    yield d
    d.close()


def test_crc32_is_ieee_and_matches_zlib():
    assert c_crc32(b"123456789") == 0xCBF43926
    for data in (b"", b"\x00", bytes(range(256)), b"\x7e\x7d" * 300):
        assert c_crc32(data) == zlib.crc32(data)
    # Chaining, as the encoder uses it.
    assert c_crc32(b"6789", c_crc32(b"12345")) == 0xCBF43926


def test_type_tables_agree():
    for code in range(256):
        row = type_row(code)
        if code in F.FrameType._value2member_map_:
            info = F.TYPES[F.FrameType(code)]
            assert row == (info.dirs, info.to_sandbox, info.min_len, info.max_len), code
        else:
            assert row is None, code


@pytest.mark.parametrize("payload", [b"", b"x", b"hello\r\n", b"~}~}", bytes(range(256)),
                                     b"\x7e" * 256])
def test_c_and_python_encoders_give_the_same_bytes(payload):
    for ftype, sb, seq in ((1, 0, 0), (1, 15, 255), (0x7E, 0x7D, 0x7E), (0x11, 0xFF, 9)):
        assert c_encode(ftype, sb, payload, seq) == F.encode(ftype, sb, payload, seq)


def test_stuffing_keeps_flags_out_of_the_frame():
    wire = F.encode(1, 2, b"\x7e\x7d\x7e", seq=0x7E)
    assert wire[0] == F.FLAG and wire[-1] == F.FLAG
    assert F.FLAG not in wire[1:-1]


def test_encode_refuses_oversize_payload():
    with pytest.raises(F.FrameError, match="at most 256"):
        F.encode(1, 0, bytes(257))
    assert c_encode(1, 0, bytes(257)) == b""


def test_python_to_c_round_trip(cdec_board):
    enc = F.Encoder(F.TO_BOARD)
    wire = enc.data(3, bytes(range(256)) * 3) + enc.frame(F.FrameType.BREAK, 5) \
        + enc.frame(F.FrameType.SYNC, payload=b"abcd")
    frames = cdec_board.feed(wire)
    assert [f[0] for f in frames] == [1, 1, 1, 2, 0x10]
    assert b"".join(f[3] for f in frames[:3]) == bytes(range(256)) * 3
    assert [f[2] for f in frames] == [0, 1, 2, 3, 4]
    assert frames[3][1] == 5 and frames[4][3] == b"abcd"
    assert cdec_board.counts()["frames_ok"] == 5
    assert sum(v for k, v in cdec_board.counts().items() if k != "frames_ok") == 0


def test_c_to_python_round_trip():
    wire = b"".join(c_encode(1, sb, bytes([sb]) * 100, seq) for seq, sb in enumerate(range(16)))
    dec = F.Decoder(F.TO_HOST)
    frames = dec.feed(wire)
    assert [(f.sb, f.payload) for f in frames] == [(sb, bytes([sb]) * 100) for sb in range(16)]
    assert dec.counts == F.Counts(frames_ok=16)


def both(direction: int, wire: bytes) -> tuple[list, dict]:
    """Decode with both decoders; they must agree frame for frame and count for count."""
    py = F.Decoder(direction)
    pyframes = [(f.type, f.sb, f.seq, f.payload) for f in py.feed(wire)]
    c = CDecoder(direction)
    try:
        cframes, ccounts = c.feed(wire), c.counts()
    finally:
        c.close()
    assert cframes == pyframes
    assert ccounts == vars(py.counts)
    return pyframes, ccounts


def test_flipped_bit_is_a_crc_error_and_the_next_frame_survives():
    a, b = F.encode(1, 1, b"first", 0), F.encode(1, 2, b"second", 1)
    bad = bytearray(a)
    bad[8] ^= 0x04
    frames, counts = both(F.TO_HOST, bytes(bad) + b)
    assert frames == [(1, 2, 1, b"second")]
    assert counts["crc_errors"] == 1 and counts["frames_ok"] == 1


def test_truncated_frame_is_counted_and_dropped():
    a, b = F.encode(1, 1, b"truncated frame", 0), F.encode(1, 2, b"ok", 1)
    frames, counts = both(F.TO_HOST, a[:-6] + b)
    assert frames == [(1, 2, 1, b"ok")]
    assert counts["length_errors"] + counts["crc_errors"] == 1


def test_length_field_must_match():
    body = bytes((1, 1, 0, 9, 0)) + b"short"
    body += zlib.crc32(body).to_bytes(4, "little")
    frames, counts = both(F.TO_HOST, b"\x7e" + body + b"\x7e")
    assert frames == [] and counts["length_errors"] == 1


def test_bad_escape_and_escape_before_flag():
    good = F.encode(1, 3, b"x", 0)
    frames, counts = both(F.TO_HOST, b"\x7e\x01\x7d\x41\x02" + good + b"\x7e\x01\x7d\x7e"
                          + F.encode(1, 4, b"y", 1))
    assert [f[1] for f in frames] == [3, 4]
    assert counts["escape_errors"] == 2


def test_oversize_frame_is_dropped_without_overrun():
    frames, counts = both(F.TO_HOST, b"\x7e" + b"A" * 5000 + F.encode(1, 0, b"after", 0))
    assert frames == [(1, 0, 0, b"after")]
    # The byte that overflows ends the frame; the rest up to the flag is noise.
    assert counts["length_errors"] == 1 and counts["noise_bytes"] == 5000 - F.MAX_BODY - 1


@pytest.mark.parametrize("ftype,sb,payload,direction", [
    (0x01, 16, b"x", F.TO_HOST),          # no such sandbox
    (0x01, 0xFF, b"x", F.TO_HOST),        # data for the hub
    (0x01, 1, b"", F.TO_HOST),            # empty data
    (0x02, 1, b"", F.TO_HOST),            # BREAK only goes to the board
    (0x11, 0xFF, bytes(10), F.TO_BOARD),  # HELLO only goes to the host
    (0x10, 0xFF, b"abc", F.TO_BOARD),     # SYNC carries 4 bytes
    (0x10, 3, b"abcd", F.TO_BOARD),       # SYNC addresses the hub
    (0x42, 1, b"x", F.TO_HOST),           # unknown type
])
def test_invalid_frames_with_good_crc_are_counted(ftype, sb, payload, direction):
    frames, counts = both(direction, F.encode(ftype, sb, payload, 0))
    assert frames == [] and counts["invalid"] == 1


def test_seq_gaps_are_counted():
    wire = F.encode(1, 0, b"a", 0) + F.encode(1, 0, b"b", 3) + F.encode(1, 0, b"c", 4)
    frames, counts = both(F.TO_HOST, wire)
    assert len(frames) == 3 and counts["seq_gaps"] == 2


def test_noise_before_the_first_flag_is_counted():
    frames, counts = both(F.TO_HOST, b"[sb1] boot text\r\n" + F.encode(1, 1, b"z", 0))
    assert frames == [(1, 1, 0, b"z")] and counts["noise_bytes"] == 17


def test_monitor_text_between_frames_is_kept_however_long():
    # Monitor lines land on the line between two frames: one line, and a
    # burst longer than a frame (a fault, a device move and a restart print
    # five in a row), are both kept as text; the counts stay the C decoder's.
    short = b"[mon 4] FAULT sb=4 reason=triple_fault\r\n"
    burst = b"".join(b"[mon 0] line %d " % i + b"x" * 90 + b"\r\n" for i in range(6))
    assert len(burst) > F.MAX_BODY
    for text in (short, burst):
        wire = F.encode(1, 4, b"a", 0) + text + F.encode(1, 4, b"b", 1)
        frames, _ = both(F.TO_HOST, wire)
        assert [f[3] for f in frames] == [b"a", b"b"]
        py = F.Decoder(F.TO_HOST)
        py.feed(wire)
        assert b"".join(py.text) == text
    # the link hands them on one line each
    import socket

    from questv.hub.link import HubLink, SocketTransport
    a, b = socket.socketpair()
    try:
        link = HubLink(SocketTransport(a))
        link.dec.feed(F.encode(1, 4, b"a", 0) + burst + F.encode(1, 4, b"b", 1))
        assert link.take_text() == [ln.decode() for ln in burst.split(b"\r\n")[:-1]]
    finally:
        a.close()
        b.close()
    # binary garbage of that length is not text
    py = F.Decoder(F.TO_HOST)
    py.feed(F.encode(1, 4, b"a", 0) + burst[:300] + b"\x00" + burst[300:] + F.encode(1, 4, b"b", 1))
    assert py.text == []


def test_encoder_checks_the_table():
    enc = F.Encoder(F.TO_BOARD)
    with pytest.raises(F.FrameError, match="do not travel"):
        enc.frame(F.FrameType.HELLO, payload=bytes(10))
    with pytest.raises(F.FrameError, match="sandbox 16"):
        enc.frame(F.FrameType.DATA, 16, b"x")
    with pytest.raises(F.FrameError, match="carries 4..4"):
        enc.frame(F.FrameType.SYNC, payload=b"x")
