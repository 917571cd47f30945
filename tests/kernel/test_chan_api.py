"""The channel core's API on one thread: sizing, the bytes a send leaves in
the ring, and the three full-channel behaviours (fail, time out, block) and
two empty-channel ones (poll, time out, block), none of which overwrites."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chan_binding as cb
import chan_model as cm

ROOT = cb.ROOT


@pytest.fixture(scope="module")
def lib():
    return cb.load()


def msg(i: int, n: int) -> bytes:
    return bytes((i * 7 + k * 13 + (i >> 8)) & 0xFF for k in range(n))


# ---- sizing -------------------------------------------------------------------

def test_layout_matches_the_documented_formula_for_every_valid_geometry(lib):
    for count in (2**k for k in range(1, 13)):
        for size in range(8, 65537, 8):
            assert cb.layout_c(lib, size, count) == cm.layout(size, count), (size, count)


@pytest.mark.parametrize("size,count", [(0, 4), (4, 4), (12, 4), (65544, 4), (8, 0), (8, 1),
                                        (8, 3), (8, 6), (8, 8192), (2**31, 2)])
def test_layout_refuses_bad_geometry(lib, size, count):
    assert cb.layout_c(lib, size, count) is None
    assert cm.layout(size, count) is None


def test_layout_examples():
    # A 64-byte, 16-slot channel fits in one producer page; 4 KiB x 64 does not.
    assert cm.layout(64, 16).producer_pages == 1
    assert cm.layout(64, 16).total_pages == 2
    assert cm.layout(4096, 64).producer_pages == -(-(128 + 64 * 4112) // 4096) == 65


def test_attach_refuses_bad_geometry_and_pointers(lib):
    with cb.Channel(lib, 64, 4) as ch:
        assert lib.qv_chan_tx_attach(ch.tx, ch.prod, ch.cons, 60, 4) == cm.S["E_PARAM"]
        assert lib.qv_chan_rx_attach(ch.rx, ch.prod, ch.cons, 64, 5) == cm.S["E_PARAM"]
        assert lib.qv_chan_tx_attach(ch.tx, None, ch.cons, 64, 4) == cm.S["E_PARAM"]
        assert lib.qv_chan_rx_attach(ch.rx, ch.prod + 4, ch.cons, 64, 4) == cm.S["E_PARAM"]


def test_status_names_cover_every_status(lib):
    assert lib.chan_h_size(4) == len(cm.STATUS)
    for i, name in enumerate(cm.STATUS):
        assert lib.qv_chan_status_name(i).decode() == name
        assert lib.qv_chan_strerror(i)
    assert lib.qv_chan_status_name(len(cm.STATUS)) == b"E_UNKNOWN"


def test_private_structs_match_the_binding(lib):
    assert lib.chan_h_size(2) == struct.calcsize(f"<6Q{len(cm.STATUS)}Q")
    assert lib.chan_h_size(3) == 32


# ---- the bytes in the ring --------------------------------------------------------

def test_fresh_channel_formats_both_headers_as_documented(lib):
    with cb.Channel(lib, 24, 8) as ch:
        prod, cons = ch.read_prod(), ch.read_cons()
        assert prod[:cm.SLOTS_OFF] == cm.producer_header(ch.lay, 0)
        assert cons == cm.consumer_page(ch.lay, 0)


def test_send_writes_exactly_what_the_model_writes(lib):
    with cb.Channel(lib, 24, 4) as ch:
        expect = bytearray(ch.read_prod())
        for i, n in enumerate([0, 1, 7, 8, 9, 24, 23, 16, 5]):
            if i >= 4:
                assert ch.recv()[0] == "OK"
            assert ch.send(msg(i, n)) == "OK"
            cm.write_message(expect, ch.lay, i, msg(i, n))
            cm.set_head(expect, i + 1)
            got = ch.read_prod()
            # Bytes of a slot past the message are not specified (the last
            # word is written whole); compare header and payload only.
            off = ch.lay.slot_off(i)
            assert got[:cm.SLOTS_OFF] == expect[:cm.SLOTS_OFF]
            assert got[off:off + cm.SLOT_HDR + n] == expect[off:off + cm.SLOT_HDR + n]


def test_round_trip_of_every_length_and_the_counters(lib):
    with cb.Channel(lib, 40, 8) as ch:
        total = 0
        for n in range(41):
            assert ch.send(msg(n, n)) == "OK"
            assert ch.recv() == ("OK", msg(n, n))
            total += n
        assert ch.tail == ch.head == 41
        for st in (ch.tx_stats(), ch.rx_stats()):
            assert (st.messages, st.bytes, st.errors, st.waits) == (41, total, 0, 0)
        assert struct.unpack_from("<Q", ch.read_cons(), cm.TAIL_OFF)[0] == 41


def test_oversized_send_is_refused_and_writes_nothing(lib):
    with cb.Channel(lib, 16, 4) as ch:
        before = ch.read_prod()
        assert ch.send(b"x" * 17) == "E_TOO_BIG"
        assert ch.read_prod() == before
        assert ch.tx_stats().count("E_TOO_BIG") == 1
        assert ch.tx_stats().errors == 0


def test_short_buffer_leaves_the_message_and_reports_its_length(lib):
    with cb.Channel(lib, 64, 4) as ch:
        assert ch.send(msg(1, 50)) == "OK"
        assert ch.recv(cap=49) == ("E_BUF_SMALL", 50)
        assert ch.recv(cap=50) == ("OK", msg(1, 50))


# ---- full channel ---------------------------------------------------------------

def fill(ch: cb.Channel) -> list[bytes]:
    sent = [msg(i, 1 + i % ch.lay.slot_size) for i in range(ch.lay.slot_count)]
    for m in sent:
        assert ch.send(m) == "OK"
    return sent


def drain(ch: cb.Channel) -> list[bytes]:
    out = []
    while True:
        s, m = ch.recv()
        if s == "E_EMPTY":
            return out
        assert s == "OK"
        out.append(m)


def test_full_channel_fails_at_once_when_asked_and_overwrites_nothing(lib):
    with cb.Channel(lib, 32, 8) as ch:
        sent = fill(ch)
        before = ch.read_prod()
        hooks = cb.Hooks()
        assert ch.send(b"extra", 0, hooks) == "E_FULL"  # timeout 0: fail at once
        assert hooks.relaxes == 0 and hooks.t == 0
        assert ch.read_prod() == before
        assert ch.lib.qv_chan_tx_pending(ch.tx) == 8
        assert drain(ch) == sent
        st = ch.tx_stats()
        assert st.count("E_FULL") == 1 and st.waits == 0 and st.errors == 0


def test_full_channel_times_out_after_the_timeout_and_overwrites_nothing(lib):
    with cb.Channel(lib, 32, 4) as ch:
        sent = fill(ch)
        before = ch.read_prod()
        hooks = cb.Hooks(step=10)
        assert ch.send(b"extra", 1000, hooks) == "E_TIMEOUT"
        assert 1000 <= hooks.t <= 1010
        assert hooks.relaxes == hooks.t // 10
        assert ch.read_prod() == before
        assert drain(ch) == sent
        st = ch.tx_stats()
        assert (st.waits, st.timeouts, st.count("E_TIMEOUT")) == (1, 1, 1)


def test_full_channel_blocks_until_the_consumer_takes_one(lib):
    with cb.Channel(lib, 32, 4) as ch:
        sent = fill(ch)
        got: list[bytes] = []

        def consumer_acts(n: int) -> None:
            if n == 50:
                s, m = ch.recv()
                assert s == "OK"
                got.append(m)

        hooks = cb.Hooks(on_relax=consumer_acts)
        assert ch.send(b"the fifth", cb.FOREVER, hooks) == "OK"
        assert hooks.relaxes == 50
        assert got + drain(ch) == sent + [b"the fifth"]
        assert ch.tx_stats().waits == 1 and ch.tx_stats().timeouts == 0


def test_timeout_that_would_overflow_the_clock_still_waits(lib):
    with cb.Channel(lib, 8, 2) as ch:
        fill(ch)
        hooks = cb.Hooks(step=1)
        def consumer_acts(n: int) -> None:
            if n == 20:
                assert ch.recv()[0] == "OK"

        hooks.on_relax = consumer_acts
        hooks.t = 2**64 - 100
        assert ch.send(b"x", 2**64 - 2, hooks) == "OK"
        assert hooks.relaxes == 20


def test_waiting_without_hooks_is_a_parameter_error(lib):
    with cb.Channel(lib, 8, 2) as ch:
        assert ch.send(b"a", 10, None) == "E_PARAM"
        assert ch.recv(cb.FOREVER, None)[0] == "E_PARAM"
        # polling needs no hooks
        assert ch.send(b"a") == "OK"


# ---- empty channel --------------------------------------------------------------

def test_empty_channel_polls_times_out_and_blocks(lib):
    with cb.Channel(lib, 32, 4) as ch:
        assert ch.recv() == ("E_EMPTY", 0xDEADBEEF)
        hooks = cb.Hooks(step=7)
        assert ch.recv(100, hooks)[0] == "E_TIMEOUT"
        assert 100 <= hooks.t < 107

        def producer_acts(n: int) -> None:
            if n == 3:
                assert ch.send(b"late") == "OK"

        hooks = cb.Hooks(on_relax=producer_acts)
        assert ch.recv(cb.FOREVER, hooks) == ("OK", b"late")
        st = ch.rx_stats()
        assert (st.waits, st.timeouts, st.count("E_EMPTY"), st.messages) == (2, 1, 1, 1)


def test_wraps_the_ring_many_times(lib):
    with cb.Channel(lib, 16, 2) as ch:
        for i in range(1000):
            m = msg(i, i % 17)
            assert ch.send(m) == "OK"
            if i % 2:
                assert ch.recv() == ("OK", msg(i - 1, (i - 1) % 17))
                assert ch.recv() == ("OK", m)
        assert ch.head == ch.tail == 1000


# ---- doorbell ----------------------------------------------------------------------

def doorbell_word(ch: cb.Channel) -> int:
    return struct.unpack_from("<I", ch.read_cons(), cm.DOORBELL_OFF)[0]


def test_a_sleeping_consumer_is_armed_while_it_sleeps_and_rung_by_the_send(lib):
    with cb.Channel(lib, 32, 4) as ch:
        producer = cb.Hooks(ring=True)
        armed: list[int] = []

        def producer_acts(n: int) -> None:
            armed.append(doorbell_word(ch))
            if n == 3:
                assert ch.send(b"wake", 0, producer) == "OK"

        consumer = cb.Hooks(on_relax=producer_acts, sleeps=True)
        assert ch.recv(cb.FOREVER, consumer) == ("OK", b"wake")
        assert armed == [1, 1, 1]
        assert producer.rings == 1 and ch.tx_stats().doorbells == 1
        assert ch.rx_stats().doorbells == 3
        assert doorbell_word(ch) == 0


def test_no_ring_when_the_consumer_does_not_sleep(lib):
    with cb.Channel(lib, 32, 4) as ch:
        producer = cb.Hooks(ring=True)
        assert ch.send(b"a", 0, producer) == "OK"

        def producer_acts(n: int) -> None:
            if n == 2:
                assert ch.send(b"b", 0, producer) == "OK"

        assert ch.recv(cb.FOREVER, cb.Hooks()) == ("OK", b"a")
        assert ch.recv(cb.FOREVER, cb.Hooks(on_relax=producer_acts)) == ("OK", b"b")
        assert producer.rings == 0 and ch.tx_stats().doorbells == 0


def test_a_consumer_does_not_sleep_on_a_message_already_there(lib):
    # Arrives between the failed poll and the arming: the re-check sees it.
    with cb.Channel(lib, 32, 4) as ch:
        consumer = cb.Hooks(sleeps=True)
        assert ch.send(b"x") == "OK"
        assert ch.recv(cb.FOREVER, consumer) == ("OK", b"x")
        assert consumer.relaxes == 0 and ch.rx_stats().doorbells == 0


def test_a_doorbell_word_set_by_a_faulty_consumer_only_costs_rings(lib):
    with cb.Channel(lib, 32, 4) as ch:
        ch.write_cons(struct.pack("<I", 7), cm.DOORBELL_OFF)
        producer = cb.Hooks(ring=True)
        for i in range(3):
            assert ch.send(bytes([i]), 0, producer) == "OK"
        assert producer.rings == 3
        assert drain(ch) == [b"\0", b"\1", b"\2"]


# ---- restart of either end -------------------------------------------------------

def test_reattaching_either_end_resumes_where_it_was(lib):
    with cb.Channel(lib, 16, 4) as ch:
        for i in range(6):
            assert ch.send(msg(i, 9)) == "OK"
            if i < 3:
                assert ch.recv()[0] == "OK"
        assert ch.attach_tx() == "OK" and ch.head == 6
        assert ch.attach_rx() == "OK" and ch.tail == 3
        assert drain(ch) == [msg(i, 9) for i in range(3, 6)]


def test_a_consumer_page_lost_restarts_at_most_a_ring_behind(lib):
    with cb.Channel(lib, 16, 4) as ch:
        for i in range(10):
            assert ch.send(msg(i, 9)) == "OK"
            assert ch.recv()[0] == "OK"
        for i in range(10, 12):
            assert ch.send(msg(i, 9)) == "OK"
        ch.write_cons(bytes(cm.PAGE))
        assert ch.attach_rx() == "OK" and ch.tail == 12 - 4
        # The two pending messages are there, after two already consumed.
        assert drain(ch) == [msg(i, 9) for i in range(8, 12)]


def test_a_producer_region_lost_restarts_empty_at_the_consumer(lib):
    with cb.Channel(lib, 16, 4) as ch:
        for i in range(5):
            assert ch.send(msg(i, 9)) == "OK"
            assert ch.recv()[0] == "OK"
        ch.write_prod(bytes(ch.lay.producer_bytes))
        assert ch.attach_tx() == "OK" and ch.head == 5
        assert ch.recv()[0] == "E_EMPTY"
        assert ch.send(b"again") == "OK"
        assert ch.recv() == ("OK", b"again")


# ---- freestanding ------------------------------------------------------------------

def test_core_compiles_with_the_board_flags_and_needs_no_library():
    flags = subprocess.run(["make", "-s", "--no-print-directory", "chan-board-flags"],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    assert "-ffreestanding" in flags and "-Werror" in flags
    out = ROOT / "build" / "chan" / "test-freestanding.o"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(flags + ["-c", str(ROOT / "kernel/chan/chan.c"), "-o", str(out)],
                   cwd=ROOT, check=True)
    nm = shutil.which("nm")
    assert nm
    undefined = subprocess.run([nm, "-u", str(out)], check=True, capture_output=True,
                               text=True).stdout.split()
    # GCC may call these four even in freestanding code; the kernel has them.
    assert set(undefined) <= {"U", "memcpy", "memset", "memmove", "memcmp"}
    src = (ROOT / "kernel/chan/chan.c").read_text() + (ROOT / "kernel/chan/chan.h").read_text()
    includes = {line.split()[1] for line in src.splitlines() if line.startswith("#include")}
    assert includes <= {"<stdatomic.h>", '"chan.h"', "<questv/types.h>"}
