"""Fuzz of the pages a faulty peer controls, against the reference model in
chan_model.py. Each example is run by build/chan/chan_fuzz_asan (the core
under AddressSanitizer and UBSan, each region a heap block of exactly its
size): the end must reach exactly the model's verdict on every call, count
the peer's errors, never write the peer's pages, and never touch memory
outside the channel (ASan would stop the program).

QV_CHAN_FUZZ_EXAMPLES=n runs more examples, with fresh randomness."""

from __future__ import annotations

import os
import random
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chan_model as cm

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "build" / "chan" / "chan_fuzz_asan"
EXTRA = int(os.environ.get("QV_CHAN_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=EXTRA or 250, deadline=None, derandomize=not EXTRA,
                    database=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.data_too_large])
PEER_ERRORS = {"E_SLOT_SEQ", "E_SLOT_CHECK", "E_SLOT_LEN", "E_CURSOR_BACK", "E_CURSOR_AHEAD"}


class Harness:
    def __init__(self) -> None:
        if not FUZZ.exists():
            raise FileNotFoundError(f"{FUZZ} is missing: run `make binaries` first")
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0",
                   UBSAN_OPTIONS="print_stacktrace=1")
        self.p = subprocess.Popen([str(FUZZ)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)

    def run(self, mode: int, lay: cm.Layout, prod: bytes, cons: bytes, ops: int) -> dict:
        assert len(prod) == lay.producer_bytes and len(cons) == cm.PAGE
        rec = struct.pack("<4I", mode, lay.slot_size, lay.slot_count, ops) + prod + cons
        assert self.p.stdin and self.p.stdout
        self.p.stdin.write(rec)
        self.p.stdin.flush()
        line = self.p.stdout.readline().decode()
        if not line:
            err = self.p.stderr.read().decode() if self.p.stderr else ""
            pytest.fail(f"chan_fuzz_asan died:\n{err[-4000:]}")
        tokens = line.split()
        kv = dict(t.split("=", 1) for t in tokens if "=" in t and ":" not in t)
        calls = [t for t in tokens if "=" not in t or ":" in t]
        return {"calls": calls, **{k: int(v) for k, v in kv.items()}}

    def close(self) -> None:
        assert self.p.stdin
        self.p.stdin.close()
        rc = self.p.wait(timeout=30)
        err = self.p.stderr.read().decode() if self.p.stderr else ""
        assert rc == 0, err


@pytest.fixture(scope="module")
def harness():
    h = Harness()
    yield h
    h.close()


geometry = st.tuples(st.sampled_from([8, 16, 24, 48, 64, 200, 4096]),
                     st.sampled_from([2, 4, 8, 16])).map(lambda g: cm.layout(*g))
cursor = st.one_of(st.integers(0, 64), st.integers(0, cm.M64), st.integers(cm.M64 - 40, cm.M64))


def mutation(lay_count: int) -> st.SearchStrategy:
    d = st.integers(-3 * lay_count, 3 * lay_count)
    return st.one_of(
        st.tuples(st.just("head_rel"), d),
        st.tuples(st.just("head_abs"), cursor),
        st.tuples(st.just("bytes"), st.integers(0, 2**31), st.binary(min_size=1, max_size=40)),
        st.tuples(st.just("len"), st.integers(0, 64), st.integers(0, 2**32 - 1), st.booleans()),
        st.tuples(st.just("len_near"), st.integers(0, 64), st.integers(-2, 9), st.booleans()),
        st.tuples(st.just("seq"), st.integers(0, 64), st.integers(-20, 20), st.booleans()),
        st.tuples(st.just("random"), st.integers(0, 2**32)),
    )


def valid_ring(lay: cm.Layout, tail: int, k: int, rng: random.Random) -> bytearray:
    region = bytearray(rng.randbytes(lay.producer_bytes))
    region[:cm.SLOTS_OFF] = cm.producer_header(lay, tail + k)
    for pos in range(tail, tail + k):
        cm.write_message(region, lay, pos & cm.M64, rng.randbytes(rng.randint(0, lay.slot_size)))
    return region


def mutate(region: bytearray, lay: cm.Layout, tail: int, k: int, m: tuple) -> None:
    kind = m[0]
    if kind == "head_rel":
        cm.set_head(region, tail + k + m[1])
    elif kind == "head_abs":
        cm.set_head(region, m[1])
    elif kind == "bytes":
        off = m[1] % (len(region) - len(m[2]) + 1)
        region[off:off + len(m[2])] = m[2]
    elif kind in ("len", "len_near", "seq"):
        off = lay.slot_off(tail + m[1])
        seq, length, check = struct.unpack_from("<QII", region, off)
        if kind == "len":
            length = m[2]
        elif kind == "len_near":
            length = lay.slot_size + m[2]
        else:
            seq = (seq + m[2]) & cm.M64
        # Half the time the header stays self-consistent: the lie is in
        # the field alone, not caught by the check word.
        region[off:off + 16] = cm.slot_header(seq, length, None if m[3] else check)
    elif kind == "random":
        region[:] = random.Random(m[1]).randbytes(len(region))


@SETTINGS
@given(lay=geometry, tail=cursor, data=st.data())
def test_consumer_verdicts_match_the_model_on_any_producer_pages(harness, lay, tail, data):
    k = data.draw(st.integers(0, lay.slot_count), label="messages")
    seed = data.draw(st.integers(0, 2**32), label="seed")
    region = valid_ring(lay, tail, k, random.Random(seed))
    for m in data.draw(st.lists(mutation(lay.slot_count), max_size=5), label="mutations"):
        mutate(region, lay, tail, k, m)
    ops = lay.slot_count + 3
    got = harness.run(0, lay, bytes(region), cm.consumer_page(lay, tail), ops)
    want = cm.consume(bytes(region), lay, tail, ops)
    assert got["calls"] == [f"OK:{p.hex()}" if s == "OK" else s for s, p in want]
    advanced = sum(1 for s, _ in want if s == "OK" or s.startswith("E_SLOT"))
    assert got["cursor"] == (tail + advanced) & cm.M64
    assert got["errors"] == sum(1 for s, _ in want if s in PEER_ERRORS)
    assert got["peer_same"] == 1 and got["own_same"] == 1


@SETTINGS
@given(lay=geometry, head=cursor, data=st.data())
def test_producer_verdicts_match_the_model_on_any_consumer_page(harness, lay, head, data):
    tail = data.draw(st.one_of(st.integers(max(0, head - 2 * lay.slot_count),
                                           min(cm.M64, head + 2)), cursor), label="tail")
    seed = data.draw(st.integers(0, 2**32), label="seed")
    rng = random.Random(seed)
    region = bytearray(rng.randbytes(lay.producer_bytes))
    region[:cm.SLOTS_OFF] = cm.producer_header(lay, head)
    cons = bytearray(rng.randbytes(cm.PAGE))
    cons[cm.TAIL_OFF:cm.TAIL_OFF + 8] = struct.pack("<Q", tail)
    ops = lay.slot_count + 3
    got = harness.run(1, lay, bytes(region), bytes(cons), ops)
    want, end = cm.produce(lay, head, tail, ops)
    assert got["calls"] == want
    assert got["cursor"] == end
    assert got["errors"] == sum(1 for s in want if s in PEER_ERRORS)
    assert got["peer_same"] == 1 and got["own_same"] == 1


def test_the_harness_reports_what_it_saw(harness):
    # A plain ring of three messages, so the comparison above is not vacuous.
    lay = cm.layout(16, 4)
    region = valid_ring(lay, 5, 3, random.Random(1))
    region[cm.SLOTS_OFF:] = bytes(len(region) - cm.SLOTS_OFF)
    region[:cm.SLOTS_OFF] = cm.producer_header(lay, 8)
    for pos, payload in ((5, b"ab"), (6, b""), (7, b"0123456789abcdef")):
        cm.write_message(region, lay, pos, payload)
    got = harness.run(0, lay, bytes(region), cm.consumer_page(lay, 5), 4)
    assert got["calls"] == ["OK:6162", "OK:", "OK:" + b"0123456789abcdef".hex(), "E_EMPTY"]
    assert got["cursor"] == 8 and got["errors"] == 0
