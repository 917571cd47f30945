"""The monitors' run-time channels (monitor/hc_chan.c) on the host: QV_HC_CHAN_CREATE
and QV_HC_DOORBELL called as the exit handler calls them, over real EPT tables
(monitor/ept.c) and stand-ins for the rest of the monitor
(tests/kernel/chan_rt_harness.c, build/chan/libqvchanrt.so). Each test loads a
fresh copy of the library, so each starts with an empty table and a full pool.

The same protocol runs in Bochs in tests/system/test_channels.py."""

from __future__ import annotations

import ctypes
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import chan_model as cm
import pytest

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "build/chan/libqvchanrt.so"

EINVAL, ENOSYS, EPERM, EBUSY, ENOMEM = -1, -2, -3, -4, -5
PRODUCER, CONSUMER = 0, 1
JOIN, WITHDRAW = 0, 1
PAGE = 4096
EPT_R, EPT_W, EPT_X = 1, 2, 4
EPT_NONE = (1 << 64) - 1
RT_INDEX = 0x100
RT_MAX = 32
POOL_PAGES = 256
WINDOW = (8 << 20) + (2 << 20)  # the harness's run-time window: 8 MiB RAM + 2 MiB
REQUEST_GPA = 0x8000
N_SANDBOXES = 4


class Entry(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 16), ("index", ctypes.c_uint32),
                ("role", ctypes.c_uint32), ("peer", ctypes.c_uint32),
                ("slot_size", ctypes.c_uint32), ("slot_count", ctypes.c_uint32),
                ("producer_pages", ctypes.c_uint32), ("prod_gpa", ctypes.c_uint64),
                ("cons_gpa", ctypes.c_uint64)]


class ChanInfo(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_uint32), ("version", ctypes.c_uint16),
                ("size", ctypes.c_uint16), ("n_channels", ctypes.c_uint32),
                ("generation", ctypes.c_uint32), ("window_gpa", ctypes.c_uint64),
                ("window_size", ctypes.c_uint64), ("uart_lock_gpa", ctypes.c_uint64),
                ("rt_window_gpa", ctypes.c_uint64), ("ch", Entry * 40),
                ("test_host_prod", ctypes.c_uint64 * 64),
                ("test_host_cons", ctypes.c_uint64 * 64),
                ("test_rt_host_prod", ctypes.c_uint64 * RT_MAX),
                ("test_rt_host_cons", ctypes.c_uint64 * RT_MAX)]


class Monitors:
    """N sandboxes' monitors sharing one run-time channel table."""

    def __init__(self, lib: ctypes.CDLL, n: int) -> None:
        self.lib = lib
        lib.h_create.restype = ctypes.c_int64
        lib.h_create.argtypes = [ctypes.c_uint32, ctypes.c_char_p] + [ctypes.c_uint32] * 4 + \
            [ctypes.c_uint64]
        lib.h_create_raw.restype = ctypes.c_int64
        lib.h_create_raw.argtypes = [ctypes.c_uint32, ctypes.c_uint64, ctypes.c_uint64,
                                     ctypes.c_uint64]
        lib.h_doorbell.restype = ctypes.c_int64
        lib.h_doorbell.argtypes = [ctypes.c_uint32, ctypes.c_uint64]
        lib.h_translate.restype = ctypes.c_uint64
        lib.h_translate.argtypes = [ctypes.c_uint32, ctypes.c_uint64,
                                    ctypes.POINTER(ctypes.c_uint64)]
        lib.h_info.restype = ctypes.POINTER(ChanInfo)
        lib.h_info.argtypes = [ctypes.c_uint32]
        lib.h_console.restype = ctypes.c_char_p
        lib.h_pool_base.restype = ctypes.c_uint64
        assert lib.h_info_size() == ctypes.sizeof(ChanInfo)
        assert lib.h_init(n, 1) == 0

    def create(self, sb: int, name: bytes | str, peer: int, slot_size: int = 64,
               slots: int = 16, role: int = PRODUCER, cmd: int = JOIN) -> int:
        raw = name.encode() if isinstance(name, str) else name
        return self.lib.h_create(sb, raw.ljust(16, b"\0")[:16], peer, slot_size, slots, role,
                                 cmd)

    def pair(self, name: str, producer: int, consumer: int, slot_size: int = 64,
             slots: int = 16) -> tuple[int, int]:
        """Producer asks first, then the consumer, then the producer again."""
        assert self.create(producer, name, consumer, slot_size, slots, PRODUCER) == EBUSY
        c = self.create(consumer, name, producer, slot_size, slots, CONSUMER)
        p = self.create(producer, name, consumer, slot_size, slots, PRODUCER)
        return p, c

    def info(self, sb: int) -> ChanInfo:
        return self.lib.h_info(sb).contents

    def entry(self, sb: int, pos: int) -> Entry:
        info = self.info(sb)
        assert 0 <= pos < info.n_channels
        return info.ch[pos]

    def translate(self, sb: int, gpa: int) -> tuple[int, int]:
        flags = ctypes.c_uint64(0)
        host = self.lib.h_translate(sb, gpa, ctypes.byref(flags))
        return host, flags.value & 7

    def mapped_pages(self, sb: int, start: int, pages: int) -> list[tuple[int, int]]:
        return [self.translate(sb, start + i * PAGE) for i in range(pages)]

    def console(self) -> str:
        return self.lib.h_console().decode()

    def agreed(self) -> list[dict[str, int | str]]:
        return [{"n": int(m[1]), "name": m[2], "producer": int(m[3]), "consumer": int(m[4]),
                 "host": int(m[5], 16), "end": int(m[6], 16)}
                for m in re.finditer(r"run-time channel (\d+) '(\w+)': sb(\d+) -> sb(\d+), "
                                     r"\d+ B x \d+ slots, \d+\+1 pages, host 0x([0-9a-f]+)-"
                                     r"0x([0-9a-f]+)", self.console())]


def make_lib(lib: Path) -> Path:
    subprocess.run(["make", "-s", str(lib.relative_to(ROOT))], cwd=ROOT, check=True)
    return lib


def fresh_copy(lib: Path, tmp_path: Path) -> ctypes.CDLL:
    """A private copy of the library: its statics (the table, the pool, the
    sandboxes) start afresh."""
    copy = tmp_path / lib.name
    shutil.copy(lib, copy)
    return ctypes.CDLL(str(copy))


@pytest.fixture(scope="session")
def built() -> Path:
    return make_lib(LIB)


@pytest.fixture
def mons(built: Path, tmp_path: Path) -> Iterator[Monitors]:
    yield Monitors(fresh_copy(built, tmp_path), N_SANDBOXES)


def test_first_caller_waits_then_both_ends_map_their_own_side(mons: Monitors) -> None:
    assert mons.create(2, "rt", 3, role=PRODUCER) == EBUSY
    assert mons.create(2, "rt", 3, role=PRODUCER) == EBUSY   # asking again keeps waiting
    assert mons.agreed() == []
    # nothing is mapped for either before both agreed
    assert mons.translate(2, WINDOW) == (EPT_NONE, 0)
    c = mons.create(3, "rt", 2, role=CONSUMER)
    assert c == 0
    # the consumer's monitor mapped the consumer's side only
    assert mons.lib.h_invepts(3) == 1 and mons.lib.h_invepts(2) == 0
    assert mons.translate(2, WINDOW) == (EPT_NONE, 0)
    p = mons.create(2, "rt", 3, role=PRODUCER)
    assert p == 0 and mons.lib.h_invepts(2) == 1
    [agreed] = mons.agreed()
    assert (agreed["name"], agreed["producer"], agreed["consumer"]) == ("rt", 2, 3)
    lay = cm.layout(64, 16)
    assert lay
    prod_pages, total = lay.producer_pages, lay.total_pages
    assert agreed["end"] - agreed["host"] == total * PAGE
    pool = mons.lib.h_pool_base()
    assert pool <= agreed["host"] and agreed["end"] <= pool + POOL_PAGES * PAGE
    host = agreed["host"]
    for sb, pos, role, peer in ((2, p, PRODUCER, 3), (3, c, CONSUMER, 2)):
        e = mons.entry(sb, pos)
        assert (e.name, e.role, e.peer, e.slot_size, e.slot_count, e.producer_pages) == \
            (b"rt", role, peer, 64, 16, prod_pages)
        assert e.index == RT_INDEX + agreed["n"]
        assert e.prod_gpa == mons.info(sb).rt_window_gpa == WINDOW
        assert e.cons_gpa == e.prod_gpa + prod_pages * PAGE
        assert mons.info(sb).generation == 1
        prod_rw = EPT_R | EPT_W if role == PRODUCER else EPT_R
        cons_rw = EPT_R if role == PRODUCER else EPT_R | EPT_W
        assert mons.mapped_pages(sb, e.prod_gpa, prod_pages) == \
            [(host + i * PAGE, prod_rw) for i in range(prod_pages)]
        assert mons.translate(sb, e.cons_gpa) == (host + prod_pages * PAGE, cons_rw)
        assert mons.translate(sb, e.cons_gpa + PAGE) == (EPT_NONE, 0)
    # asking again changes nothing: same place, no new mapping
    assert mons.create(3, "rt", 2, role=CONSUMER) == c
    assert mons.lib.h_invepts(3) == 1 and len(mons.agreed()) == 1


def test_geometry_sizes_follow_the_ring_layout_and_pages_are_zeroed(mons: Monitors) -> None:
    for n, (size, slots) in enumerate([(8, 2), (4096, 64), (512, 256)]):
        p, c = mons.pair(f"g{n}", 0, 1, size, slots)
        assert p >= 0 and c >= 0
        lay = cm.layout(size, slots)
        assert lay
        prod_pages, total = lay.producer_pages, lay.total_pages
        agreed = mons.agreed()[n]
        assert agreed["end"] - agreed["host"] == total * PAGE
        e = mons.entry(1, c)
        assert e.producer_pages == prod_pages
        # the pool was filled with 0x5A; every page handed out reads zero
        buf = (ctypes.c_uint8 * (total * PAGE)).from_address(agreed["host"])
        assert not any(bytes(buf))
    # channels of one sandbox do not overlap in its window
    info = mons.info(0)
    spans = sorted((info.ch[i].prod_gpa, info.ch[i].cons_gpa + PAGE)
                   for i in range(info.n_channels) if info.ch[i].index >= RT_INDEX)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_declared_list_entries_come_first(mons: Monitors) -> None:
    # sb0 and sb1 have the declared channel "decl" at position 0
    p, c = mons.pair("x", 0, 1)
    assert (p, c) == (1, 1)
    assert mons.entry(0, 0).index == 0 and mons.entry(0, 1).index >= RT_INDEX


@pytest.mark.parametrize("case, args, want", [
    ("empty name", {"name": b"", "peer": 1}, EINVAL),
    ("space in name", {"name": b"a b", "peer": 1}, EINVAL),
    ("bytes after the NUL", {"name": b"ab\0c", "peer": 1}, EINVAL),
    ("control byte", {"name": b"a\x01", "peer": 1}, EINVAL),
    ("peer is the caller", {"name": b"x", "peer": 2}, EINVAL),
    ("peer does not exist", {"name": b"x", "peer": N_SANDBOXES}, EINVAL),
    ("huge peer", {"name": b"x", "peer": 0xFFFFFFFF}, EINVAL),
    ("bad role", {"name": b"x", "peer": 1, "role": 2}, EINVAL),
    ("slot size not a multiple of 8", {"name": b"x", "peer": 1, "slot_size": 60}, EINVAL),
    ("slot count not a power of two", {"name": b"x", "peer": 1, "slots": 12}, EINVAL),
    ("slot size too big", {"name": b"x", "peer": 1, "slot_size": 1 << 17}, EINVAL),
    ("name of a declared channel", {"name": b"decl", "peer": 1}, EPERM),
    ("unknown command", {"name": b"x", "peer": 1, "cmd": 2}, EINVAL),
])
def test_bad_requests_are_refused_and_reported(mons: Monitors, case: str,
                                               args: dict, want: int) -> None:
    assert mons.create(2, **args) == want, case
    assert re.search(rf"sandbox 2: run-time channel '[^']*' refused \({want}\): ", mons.console())
    # nothing pending was left behind: the peer asking now only waits
    assert mons.create(1, "x", 2, role=CONSUMER) == EBUSY


def test_a_request_outside_the_callers_memory_is_refused(mons: Monitors) -> None:
    region = 64 * 1024
    for gpa, size in ((region - 16, 32), (region, 32), (1 << 63, 32), (REQUEST_GPA, 31),
                      (REQUEST_GPA, 33), (REQUEST_GPA, 0)):
        assert mons.lib.h_create_raw(2, gpa, size, JOIN) == EINVAL, (hex(gpa), size)


def test_mismatched_peers_do_not_agree(mons: Monitors) -> None:
    assert mons.create(0, "m", 1, 64, 16, PRODUCER) == EBUSY
    assert mons.create(1, "m", 0, 64, 32, CONSUMER) == EINVAL    # other slot count
    assert mons.create(1, "m", 0, 128, 16, CONSUMER) == EINVAL   # other slot size
    assert mons.create(1, "m", 0, 64, 16, PRODUCER) == EINVAL    # both producers
    assert mons.agreed() == []
    assert mons.create(1, "m", 0, 64, 16, CONSUMER) == 1         # the right one still can


def test_an_outsider_is_refused_and_never_mapped(mons: Monitors) -> None:
    # sb3 asks first, naming sb0: it cannot squat the name sb0 and sb1 agree on
    assert mons.create(3, "rt", 0, role=CONSUMER) == EBUSY
    p, c = mons.pair("rt", 0, 1)
    assert p >= 0 and c >= 0
    assert mons.create(3, "rt", 0, role=CONSUMER) == EPERM
    assert mons.create(3, "rt", 1, role=PRODUCER) == EPERM
    assert mons.create(2, "rt", 1, role=PRODUCER) == EPERM
    assert "sandbox 3: run-time channel 'rt' refused (-3): not an end of that channel" \
        in mons.console()
    for sb in (2, 3):
        assert mons.info(sb).n_channels == 0
        assert mons.lib.h_invepts(sb) == 0
        assert all(h == EPT_NONE for h, _ in mons.mapped_pages(sb, WINDOW, 8))
    # the refusal left nothing pending: the name is no use to the outsider later either
    assert mons.create(3, "rt", 0, role=CONSUMER) == EPERM
    # in test builds the outsider's list tells where the pages are (for the
    # EPT attack in the system test), and only that
    [agreed] = mons.agreed()
    info = mons.info(3)
    assert info.test_rt_host_prod[agreed["n"]] == agreed["host"]
    assert info.test_rt_host_cons[agreed["n"]] == agreed["host"] + PAGE


def test_a_squatter_cannot_take_a_name_that_a_pair_then_agrees_on(mons: Monitors) -> None:
    assert mons.create(3, "sq", 0, role=PRODUCER) == EBUSY
    # sb0 is asked by the squatter, but asks sb1: no match with the squatter
    assert mons.create(0, "sq", 1, role=CONSUMER) == EBUSY
    assert mons.create(1, "sq", 0, role=PRODUCER) >= 0
    assert mons.create(3, "sq", 0, role=PRODUCER) == EPERM
    assert [a["producer"] for a in mons.agreed()] == [1]


def test_pending_requests_are_bounded_and_can_be_withdrawn(mons: Monitors) -> None:
    for n in range(4):
        assert mons.create(2, f"p{n}", 3) == EBUSY
    assert mons.create(2, "p4", 3) == ENOMEM
    assert mons.create(2, "p0", 3, cmd=WITHDRAW) == 0
    assert mons.create(2, "p4", 3) == EBUSY
    # the withdrawn one is gone: its peer now waits instead of agreeing
    assert mons.create(3, "p0", 2, role=CONSUMER) == EBUSY
    assert mons.create(3, "p4", 2, role=CONSUMER) >= 0


def test_the_pool_runs_out_cleanly(mons: Monitors) -> None:
    # 4096 B x 16: 17 + 1 pages; 256 pool pages hold 14 (with table pages, fewer)
    made = 0
    for n in range(20):
        p, c = mons.pair(f"big{n}", n % 2, 1 - n % 2, 4096, 16)
        if p < 0:
            assert c == ENOMEM or p == ENOMEM
            break
        made += 1
    assert 8 <= made < 14
    assert "pool exhausted" in mons.console() or "no room" in mons.console()
    # what was agreed still works; a small channel may still fit
    for sb in (0, 1):
        info = mons.info(sb)
        for i in range(info.n_channels):
            e = info.ch[i]
            if e.index >= RT_INDEX:
                assert mons.translate(sb, e.cons_gpa)[0] != EPT_NONE


def test_the_table_of_run_time_channels_is_bounded(mons: Monitors) -> None:
    # 32 channels of 2 pages each fit the pool; sb0 and sb1 have room in their lists
    for n in range(RT_MAX):
        p, c = mons.pair(f"t{n}", n % 2, 1 - n % 2, 8, 2)
        assert p >= 0 and c >= 0, n
    assert mons.create(2, "one-more", 3) == ENOMEM
    assert "too many channels or requests" in mons.console()


def test_doorbells_go_only_from_the_producer_to_the_consumers_core(mons: Monitors) -> None:
    p, _c = mons.pair("bell", 2, 3)
    index = mons.entry(2, p).index
    assert mons.lib.h_doorbell(2, index) == 0
    assert (mons.lib.h_ipis(), mons.lib.h_last_ipi_core()) == (1, 3)
    assert mons.lib.h_doorbell(3, index) == EPERM            # the consumer
    assert mons.lib.h_doorbell(1, index) == EPERM            # an outsider
    assert mons.lib.h_doorbell(2, index + 1) == EINVAL       # no such channel
    assert mons.lib.h_doorbell(2, RT_INDEX + RT_MAX) == EINVAL
    assert mons.lib.h_doorbell(2, 64) == EINVAL               # past the manifest's
    assert mons.lib.h_doorbell(2, (1 << 64) - 1) == EINVAL
    # a declared channel: its producer (sb0) may ring sb1, sb1 may not ring sb0
    assert mons.lib.h_doorbell(0, 0) == 0 and mons.lib.h_last_ipi_core() == 1
    assert mons.lib.h_doorbell(1, 0) == EPERM
    # a consumer that is stopped is not interrupted
    mons.lib.h_stop(3, 1)
    assert mons.lib.h_doorbell(2, index) == EBUSY
    assert mons.lib.h_ipis() == 2


def test_a_pending_channel_cannot_be_rung(mons: Monitors) -> None:
    assert mons.create(2, "pend", 3) == EBUSY
    for n in range(RT_MAX):
        assert mons.lib.h_doorbell(2, RT_INDEX + n) == EINVAL
    assert mons.lib.h_ipis() == 0


def test_a_restarted_end_finds_its_channel_again_and_its_requests_dropped(mons: Monitors) -> None:
    p, _c = mons.pair("keep", 2, 3)
    before = mons.entry(2, p)
    before = (before.index, before.prod_gpa, before.cons_gpa)
    assert mons.create(2, "lost", 3) == EBUSY
    # the restart rewrites the whole list; the kernel may have spoilt it
    mons.info(2).n_channels = 1000
    mons.lib.h_restart(2)
    info = mons.info(2)
    assert info.n_channels == 1 and info.rt_window_gpa == WINDOW
    e = info.ch[0]
    assert (e.index, e.prod_gpa, e.cons_gpa) == before
    assert mons.translate(2, e.prod_gpa)[1] == EPT_R | EPT_W
    # asking again gives the same channel without a new mapping
    invepts = mons.lib.h_invepts(2)
    assert mons.create(2, "keep", 3) == 0 and mons.lib.h_invepts(2) == invepts
    assert len(mons.agreed()) == 1
    # "lost" was dropped: its peer now waits instead of agreeing
    assert mons.create(3, "lost", 2, role=CONSUMER) == EBUSY


def test_a_kernel_that_spoils_its_list_does_not_steer_the_monitor(mons: Monitors) -> None:
    assert mons.pair("a", 2, 3) == (0, 0)
    mons.info(2).n_channels = 39       # the guest's page lies
    mons.info(2).ch[0].index = 7
    p, _ = mons.pair("b", 2, 3)
    assert p == 1                      # the monitor's own count
    assert mons.info(2).ch[1].name == b"b" and mons.info(2).n_channels == 2
