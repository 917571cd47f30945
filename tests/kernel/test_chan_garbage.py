"""A faulty peer writes garbage into its own pages: every kind makes the
other end return an error (counted by kind) and go on, never read or write
outside the channel (the regions sit between inaccessible guard pages, and
the peer's pages are read-only while an end runs)."""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chan_binding as cb
import chan_model as cm

PEER_ERRORS = {"E_SLOT_SEQ", "E_SLOT_CHECK", "E_SLOT_LEN", "E_CURSOR_BACK", "E_CURSOR_AHEAD"}


@pytest.fixture(scope="module")
def lib():
    return cb.load()


@pytest.fixture
def ch(lib):
    with cb.Channel(lib, 48, 8) as c:
        yield c


def msg(i: int, n: int = 20) -> bytes:
    return bytes((i * 31 + k) & 0xFF for k in range(n))


def slot_fields(ch: cb.Channel, pos: int) -> tuple[int, int, int]:
    return struct.unpack_from("<QII", ch.read_prod(), ch.lay.slot_off(pos))


def put_header(ch: cb.Channel, pos: int, seq: int, length: int, check: int | None = None) -> None:
    ch.write_prod(cm.slot_header(seq, length, check), ch.lay.slot_off(pos))


def put_head(ch: cb.Channel, head: int) -> None:
    ch.write_prod(struct.pack("<Q", head & cm.M64), cm.HEAD_OFF)


def put_tail(ch: cb.Channel, tail: int) -> None:
    ch.write_cons(struct.pack("<Q", tail & cm.M64), cm.TAIL_OFF)


def sends(ch: cb.Channel, first: int, n: int) -> None:
    for i in range(first, first + n):
        assert ch.send(msg(i)) == "OK"


# ---- slot headers (the consumer skips the slot and goes on) ------------------------

@pytest.mark.parametrize("length", [49, 56, 4096, 2**31, 2**32 - 1])
def test_length_beyond_the_slot_is_an_error_and_the_next_message_arrives(ch, length):
    sends(ch, 0, 2)
    put_header(ch, 0, 0, length)  # a consistent header that lies about the length
    assert ch.recv() == ("E_SLOT_LEN", 0xDEADBEEF)
    assert ch.recv() == ("OK", msg(1))
    st = ch.rx_stats()
    assert (st.errors, st.count("E_SLOT_LEN"), st.messages) == (1, 1, 1)


def test_length_at_the_slot_size_is_accepted(ch):
    sends(ch, 0, 1)
    put_header(ch, 0, 0, 48)
    s, m = ch.recv()
    assert s == "OK" and len(m) == 48 and m[:20] == msg(0)


def test_garbled_check_word_is_an_error(ch):
    sends(ch, 0, 2)
    seq, length, check = slot_fields(ch, 0)
    put_header(ch, 0, seq, length, check ^ 0x100)
    assert ch.recv()[0] == "E_SLOT_CHECK"
    assert ch.recv() == ("OK", msg(1))


def test_torn_header_new_seq_with_old_length_is_an_error(ch):
    # Slot 0 held message 0 (20 bytes); the producer starts message 8 there,
    # writes its seq, and publishes before writing len and check.
    sends(ch, 0, 8)
    for _ in range(8):
        assert ch.recv()[0] == "OK"
    _seq, length, check = slot_fields(ch, 0)
    put_header(ch, 0, 8, length, check)
    put_head(ch, 9)
    assert ch.recv()[0] == "E_SLOT_CHECK"
    assert ch.tail == 9


def test_published_before_written_is_a_stale_slot(ch):
    # The slot still holds the message of one lap ago, intact.
    sends(ch, 0, 8)
    for _ in range(8):
        assert ch.recv()[0] == "OK"
    put_head(ch, 9)
    assert ch.recv()[0] == "E_SLOT_SEQ"
    assert ch.rx_stats().count("E_SLOT_SEQ") == 1


def test_published_slot_never_written_is_an_error(ch):
    put_head(ch, 1)
    assert ch.recv()[0] == "E_SLOT_CHECK"  # all-zero header


def test_a_header_copied_from_another_slot_is_an_error(ch):
    sends(ch, 0, 3)
    ch.write_prod(ch.read_prod()[ch.lay.slot_off(2):ch.lay.slot_off(2) + 16], ch.lay.slot_off(0))
    assert ch.recv()[0] == "E_SLOT_SEQ"
    assert [ch.recv()[1] for _ in range(2)] == [msg(1), msg(2)]


# ---- the producer's cursor (nothing is consumed until it is sane again) -----------

@pytest.mark.parametrize("delta", [-1, -3, -8, -(2**40), -(2**62)])
def test_cursor_running_backwards_is_an_error_until_it_recovers(ch, delta):
    sends(ch, 0, 3)
    for _ in range(3):
        assert ch.recv()[0] == "OK"
    # Cursors compare modulo 2^64: below zero is still behind.
    put_head(ch, 3 + delta)
    for _ in range(3):
        assert ch.recv()[0] == "E_CURSOR_BACK"
    assert ch.tail == 3
    put_head(ch, 3)
    sends(ch, 3, 1)
    assert ch.recv() == ("OK", msg(3))


@pytest.mark.parametrize("head", [9, 12, 2**40, 2**63 - 1])
def test_cursor_jumping_ahead_is_an_error_until_it_recovers(ch, head):
    sends(ch, 0, 1)
    put_head(ch, head)
    assert ch.recv()[0] == "E_CURSOR_AHEAD"
    assert ch.tail == 0
    put_head(ch, 1)
    assert ch.recv() == ("OK", msg(0))
    assert ch.rx_stats().count("E_CURSOR_AHEAD") == 1


def test_a_full_ring_of_garbage_is_skipped_slot_by_slot(ch):
    rng = random.Random(5)
    region = bytearray(ch.read_prod())
    region[cm.SLOTS_OFF:] = rng.randbytes(len(region) - cm.SLOTS_OFF)
    ch.write_prod(bytes(region))
    put_head(ch, 8)
    results = [ch.recv()[0] for _ in range(8)]
    assert set(results) <= PEER_ERRORS - {"E_CURSOR_BACK", "E_CURSOR_AHEAD"}
    assert ch.tail == 8 and ch.rx_stats().errors == 8
    assert ch.recv()[0] == "E_EMPTY"
    # The faulty producer restarts: its header is intact, so it resumes at 8.
    assert ch.attach_tx() == "OK" and ch.head == 8
    sends(ch, 8, 2)
    assert [ch.recv()[1] for _ in range(2)] == [msg(8), msg(9)]


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_over_the_whole_region_are_errors_then_the_producer_restarts(ch, seed):
    rng = random.Random(seed)
    sends(ch, 0, 3)
    assert ch.recv()[0] == "OK"
    ch.write_prod(rng.randbytes(ch.lay.producer_bytes))
    for _ in range(10):
        s = ch.recv()[0]
        assert s in PEER_ERRORS | {"E_EMPTY"}, s
    # A restart of the producer formats its garbled header afresh at the
    # consumer's cursor; the channel works again.
    assert ch.attach_tx() == "OK"
    assert ch.head == ch.tail
    sends(ch, 100, 8)
    assert [ch.recv()[1] for _ in range(8)] == [msg(i) for i in range(100, 108)]


def test_a_waiting_consumer_reports_a_cursor_error_at_once(ch):
    put_head(ch, 100)
    hooks = cb.Hooks()
    assert ch.recv(cb.FOREVER, hooks)[0] == "E_CURSOR_AHEAD"
    assert hooks.relaxes == 0


def test_payload_garbage_is_delivered_as_is_and_bounded_by_the_length(ch):
    # The payload carries no checksum: a producer that spoils its own bytes
    # spoils only its own message, and the consumer reads no further.
    sends(ch, 0, 1)
    off = ch.lay.slot_off(0) + cm.SLOT_HDR
    ch.write_prod(b"\xee" * 48, off)
    assert ch.recv() == ("OK", b"\xee" * 20)


# ---- the consumer's cursor, seen by the producer --------------------------------------

@pytest.mark.parametrize("tail", [4, 100, 2**62, 2**63 - 5])
def test_consumer_cursor_ahead_of_the_producer_makes_send_fail_writing_nothing(ch, tail):
    status = "E_CURSOR_AHEAD"
    sends(ch, 0, 3)
    put_tail(ch, tail)
    before = ch.read_prod()
    assert ch.send(b"x", cb.FOREVER, cb.Hooks()) == status
    assert ch.read_prod() == before
    assert ch.tx_stats().count(status) == 1 and ch.tx_stats().errors == 1


def test_consumer_cursor_too_far_behind_makes_send_fail_writing_nothing(lib):
    with cb.Channel(lib, 48, 8) as ch:
        sends(ch, 0, 8)
        for _ in range(4):
            assert ch.recv()[0] == "OK"
        sends(ch, 8, 4)
        put_tail(ch, 3)  # 12 - 3 > 8 slots
        before = ch.read_prod()
        assert ch.send(b"x") == "E_CURSOR_BACK"
        assert ch.read_prod() == before
        put_tail(ch, 4)  # sane again: full
        assert ch.send(b"x") == "E_FULL"
        assert ch.recv() == ("OK", msg(4))
        assert ch.send(b"x") == "OK"


def test_consumer_cursor_moved_back_within_the_ring_only_shrinks_the_room(ch):
    sends(ch, 0, 6)
    for _ in range(6):
        assert ch.recv()[0] == "OK"
    put_tail(ch, 1)  # a lie the producer cannot detect: 5 slots look taken
    before = ch.read_prod()
    sends(ch, 6, 3)
    assert ch.send(b"x") == "E_FULL"
    # The slots it refused to fill still hold messages 1..5, untouched.
    after = ch.read_prod()
    for pos in range(1, 6):
        off = ch.lay.slot_off(pos)
        assert after[off:off + ch.lay.slot_stride] == before[off:off + ch.lay.slot_stride]
