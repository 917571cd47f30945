"""Fuzz of the console protocol in both directions (hypothesis, derandomized,
bounded): random traffic, then random corruption of the wire. Nothing
crashes or hangs, no sandbox ever receives another's bytes, what is
delivered is whole frames in order, and what is lost is counted."""

from __future__ import annotations

import pytest
from console_binding import FRAMED, CDecoder, CHub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from questv.hub import frame as F

SANDBOXES = (0, 2, 5, 15)
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def tagged(sb: int, raw: bytes) -> bytes:
    """Bytes whose low nibble names their sandbox: a leak is visible in any byte."""
    return bytes((b & 0xF0) | sb for b in raw)


traffic = st.lists(st.tuples(st.sampled_from(SANDBOXES), st.binary(min_size=1, max_size=600)),
                   max_size=12)
# Corruption a serial line can cause: changed, lost and extra bytes. (It does
# not replay whole frames; test_replayed_frame_is_seen_as_a_gap covers that.)
edit = st.tuples(st.sampled_from(("flip", "drop", "insert", "cut")),
                 st.integers(min_value=0), st.integers(min_value=0, max_value=255))
edits = st.lists(edit, max_size=6)


def corrupt(wire: bytes, changes: list[tuple[str, int, int]]) -> bytes:
    w = bytearray(wire)
    for kind, pos, val in changes:
        if not w:
            break
        i = pos % len(w)
        if kind == "flip":
            w[i] ^= val or 1
        elif kind == "drop":
            del w[i]
        elif kind == "insert":
            w.insert(i, val)
        else:
            del w[i:i + 1 + val]
    return bytes(w)


def in_order_whole(sent: list[bytes], got: list[bytes]) -> bool:
    """got is a subsequence of sent (whole chunks, in order)."""
    it = iter(sent)
    return all(any(g == s for s in it) for g in got)


@FUZZ
@given(traffic, edits, st.integers(min_value=1, max_value=64))
def test_board_to_host(ops, changes, chunk):
    with CHub(SANDBOXES) as hub:
        hub.rx(F.HANDSHAKE)
        assert hub.mode == FRAMED
        for sb, raw in ops:
            hub.output(sb, tagged(sb, raw))
        clean = hub.wire()
        assert hub.overflow == 0
        next_seq = hub.stats()["frames_sent"] & 0xFF
    sent = {sb: [f.payload for f in F.Decoder(F.TO_HOST).feed(clean)
                 if f.type == F.FrameType.DATA and f.sb == sb] for sb in SANDBOXES}
    # A good frame after the damage: a frame lost without trace at the very
    # end of a stream cannot be noticed by anybody, one before a good frame can.
    sentinel_data = tagged(SANDBOXES[0], b"sentinel")
    sent[SANDBOXES[0]].append(sentinel_data)
    sentinel = F.encode(F.FrameType.DATA, SANDBOXES[0], sentinel_data, next_seq)
    wire = corrupt(clean, changes) + sentinel
    py, c = F.Decoder(F.TO_HOST), CDecoder(F.TO_HOST)
    pyframes = []
    for i in range(0, len(wire), chunk):
        pyframes += py.feed(wire[i:i + chunk])
    cframes = c.feed(wire)
    ccounts = c.counts()
    c.close()
    assert [(f.type, f.sb, f.seq, f.payload) for f in pyframes] == cframes
    assert ccounts == vars(py.counts)
    for sb in SANDBOXES:
        got = [f.payload for f in pyframes if f.type == F.FrameType.DATA and f.sb == sb]
        assert all(b & 0xF == sb for p in got for b in p), "bytes leaked between sandboxes"
        assert in_order_whole(sent[sb], got)
    assert pyframes and pyframes[-1].payload == sentinel_data
    lost = sum(map(len, sent.values())) - sum(
        1 for f in pyframes if f.type == F.FrameType.DATA)
    if wire[:-len(sentinel)] == clean:
        assert lost == 0 and py.counts.corrupt == 0
    elif lost > 0:
        # A frame whose opening flag was hit before any other flag is noise.
        assert py.counts.corrupt + py.counts.seq_gaps + py.counts.noise_bytes > 0, \
            "a lost frame went uncounted"


host_ops = st.lists(st.one_of(
    st.tuples(st.just("data"), st.sampled_from(SANDBOXES), st.binary(min_size=1, max_size=300)),
    st.tuples(st.just("break"), st.sampled_from(SANDBOXES), st.just(b"")),
    st.tuples(st.just("focus"), st.sampled_from(SANDBOXES), st.just(b"")),
    st.tuples(st.just("stats"), st.just(0), st.just(b"")),
    st.tuples(st.just("sync"), st.just(0), st.binary(min_size=4, max_size=4)),
), max_size=15)


@FUZZ
@given(host_ops, edits, st.integers(min_value=1, max_value=64))
def test_host_to_board(ops, changes, chunk):
    enc = F.Encoder(F.TO_BOARD)
    sent: dict[int, list[bytes]] = {sb: [] for sb in SANDBOXES}
    breaks = dict.fromkeys(SANDBOXES, 0)
    wire = bytearray()
    for kind, sb, payload in ops:
        if kind == "data":
            chunk_bytes = tagged(sb, payload)
            sent[sb].append(chunk_bytes)
            wire += enc.frame(F.FrameType.DATA, sb, chunk_bytes)
        elif kind == "break":
            breaks[sb] += 1
            wire += enc.frame(F.FrameType.BREAK, sb)
        elif kind == "focus":
            wire += enc.frame(F.FrameType.FOCUS, sb)
        elif kind == "stats":
            wire += enc.frame(F.FrameType.STATS_REQ)
        else:
            wire += enc.frame(F.FrameType.SYNC, payload=payload)
    sentinel = F.encode(F.FrameType.STATS_REQ, F.SB_HUB, b"", enc.seq)
    bad = corrupt(bytes(wire), changes) + sentinel
    with CHub(SANDBOXES) as hub:
        hub.rx(F.HANDSHAKE)
        for i in range(0, len(bad), chunk):
            hub.rx(bad[i:i + chunk])
            hub.wire()
        assert hub.mode == FRAMED
        stats = hub.stats()
        delivered = 0
        for sb in SANDBOXES:
            got = hub.take_in(sb)
            assert all(b & 0xF == sb for b in got), "bytes leaked between sandboxes"
            # Whole frames in order: the delivered bytes split into sent chunks.
            rest, it = got, iter(sent[sb])
            for s in it:
                if rest.startswith(s):
                    rest = rest[len(s):]
                    delivered += 1
            assert rest == b""
            assert hub.breaks(sb) <= breaks[sb]
        assert hub.overflow == 0
    lost = sum(map(len, sent.values())) - delivered
    corrupt_total = sum(stats[k] for k in ("crc_errors", "length_errors", "escape_errors",
                                           "invalid", "seq_gaps", "noise_bytes"))
    assert stats["frames_ok"] >= 1  # the sentinel at least
    if bad[:-len(sentinel)] == bytes(wire):
        assert lost == 0 and corrupt_total == 0
    elif lost > 0:
        assert corrupt_total > 0, "a lost frame went uncounted"


@FUZZ
@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=300))
def test_random_bytes_into_the_hub_in_either_mode(noise, chunk):
    for framed in (False, True):
        with CHub(SANDBOXES) as hub:
            if framed:
                hub.rx(F.HANDSHAKE)
            for i in range(0, len(noise), chunk):
                hub.rx(noise[i:i + chunk])
                hub.output(SANDBOXES[i % 4], noise[i:i + chunk])
                hub.wire()
            assert hub.pump() is False  # everything went out: no hang, no leftovers
            assert hub.overflow == 0


def test_replayed_frame_is_seen_as_a_gap():
    a = F.encode(F.FrameType.DATA, 2, b"\x02", 0)
    dec = F.Decoder(F.TO_HOST)
    frames = dec.feed(a + a + F.encode(F.FrameType.DATA, 2, b"\x12", 1))
    # Delivered to the same sandbox (no leak); the sequence shows it.
    assert [f.payload for f in frames] == [b"\x02", b"\x02", b"\x12"]
    assert dec.counts.seq_gaps == 255  # seq 0 again where 1 was due


@pytest.mark.parametrize("sb", SANDBOXES)
def test_plain_mode_output_never_mixes_sandboxes_on_a_line(sb):
    # Deterministic interleaving of partial lines from every sandbox.
    import random
    rnd = random.Random(sb)
    with CHub(SANDBOXES) as hub:
        hub.rx(b"\x1d%x" % sb)
        wire = bytearray()
        for _ in range(400):
            s = rnd.choice(SANDBOXES)
            text = bytes(rnd.choice(b"abc \n") for _ in range(rnd.randint(1, 12)))
            hub.output(s, tagged_text(s, text))
            wire += hub.wire()
        for line in bytes(wire).replace(b"\r\n", b"\n").split(b"\n"):
            if not line or line.startswith(b"[hub]"):
                continue
            assert line.startswith(b"[sb"), line
            owner = int(line[3:line.index(b"]")])
            body = line[line.index(b"] ") + 2:]
            assert set(body) <= set(tagged_text(owner, b"abc ")), line


def tagged_text(sb: int, text: bytes) -> bytes:
    # Printable and sandbox-specific: 'a'..'c' become letters owned by sb.
    table = {ord("a"): 65 + sb, ord("b"): 97 + sb, ord("c"): 48 + (sb % 10) if sb < 10
             else 33 + sb, ord(" "): ord(" "), ord("\n"): ord("\n")}
    return bytes(table[b] for b in text)
