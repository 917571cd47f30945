"""The monitor's channel code as a whole on the host: monitor/chan.c (placing the
channel region, mapping declared channels, the channel list, the UART lock) with
monitor/hc_chan.c (run-time channels), built with -DQUESTV_HOST_UNIT over
tests/kernel/chan_mon_harness.c (build/chan/libqvchanmon.so). The system: sb0
owns the UART, "decl" runs sb0 -> sb1, sb2 has no declared channel.

test_chan_runtime.py drives hc_chan.c alone over stand-ins; this file checks
what the two files do together, above all at a restart."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from pathlib import Path

import chan_model as cm
import pytest
from test_chan_runtime import PAGE, RT_INDEX, ChanInfo, fresh_copy, make_lib

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "build/chan/libqvchanmon.so"
EBUSY = -4
PRODUCER, CONSUMER = 0, 1
LOCK_FREE, LOCK_GUEST, LOCK_MONITOR = 0, 1, 2
RAM = 8 << 20
TWO_MIB = 2 << 20
POOL_PAGES = 256
EPT_NONE = (1 << 64) - 1


def align_up(x: int, a: int) -> int:
    return (x + a - 1) // a * a


class Monitor:
    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        lib.m_create.restype = ctypes.c_int64
        lib.m_create.argtypes = [ctypes.c_uint32, ctypes.c_char_p] + [ctypes.c_uint32] * 4
        lib.m_info.restype = ctypes.POINTER(ChanInfo)
        lib.m_info.argtypes = [ctypes.c_uint32]
        lib.m_translate.restype = ctypes.c_uint64
        lib.m_translate.argtypes = [ctypes.c_uint32, ctypes.c_uint64,
                                    ctypes.POINTER(ctypes.c_uint64)]
        lib.m_region_base.restype = ctypes.c_uint64
        lib.m_region_bytes.restype = ctypes.c_uint64
        lib.m_lock_get.restype = ctypes.c_uint32
        assert lib.m_init() == 0

    def info(self, sb: int) -> ChanInfo:
        return self.lib.m_info(sb).contents

    def create(self, sb: int, name: str, peer: int, role: int) -> int:
        return self.lib.m_create(sb, name.encode(), peer, 64, 16, role)

    def translate(self, sb: int, gpa: int) -> tuple[int, int]:
        flags = ctypes.c_uint64(0)
        host = self.lib.m_translate(sb, gpa, ctypes.byref(flags))
        return host, flags.value & 7


@pytest.fixture(scope="session")
def built() -> Path:
    return make_lib(LIB)


@pytest.fixture
def mon(built: Path, tmp_path: Path) -> Iterator[Monitor]:
    yield Monitor(fresh_copy(built, tmp_path))   # fresh statics for each test


def test_the_hubs_restart_frees_a_uart_lock_its_last_life_held(mon: Monitor) -> None:
    assert mon.info(0).uart_lock_gpa and not mon.info(1).uart_lock_gpa
    assert mon.lib.m_lock_get() == LOCK_FREE
    mon.lib.m_lock_set(LOCK_GUEST)          # the hub faulted in the middle of a line
    mon.lib.m_restart(1)                    # another sandbox's restart: not its lock
    assert mon.lib.m_lock_get() == LOCK_GUEST
    mon.lib.m_restart(0)
    assert mon.lib.m_lock_get() == LOCK_FREE
    mon.lib.m_lock_set(LOCK_MONITOR)        # a monitor printing: left alone
    mon.lib.m_restart(0)
    assert mon.lib.m_lock_get() == LOCK_MONITOR


def test_the_pool_follows_the_declared_channels_in_the_channel_region(mon: Monitor) -> None:
    base, size = mon.lib.m_region_base(), mon.lib.m_region_bytes()
    lay = cm.layout(64, 16)
    assert lay
    assert size == (lay.total_pages + POOL_PAGES) * PAGE
    assert mon.info(0).test_host_prod[0] == base
    assert mon.create(0, "rt", 2, PRODUCER) == EBUSY
    assert mon.create(2, "rt", 0, CONSUMER) == 0
    host = mon.info(2).test_rt_host_prod[1] or mon.info(2).test_rt_host_prod[0]
    assert base + lay.total_pages * PAGE <= host < base + size
    # the region was filled with 0x5A: the declared channel and the pool pages
    # handed out read zero
    assert not any(bytes((ctypes.c_uint8 * (2 * PAGE)).from_address(host)))
    assert not any(bytes((ctypes.c_uint8 * (lay.total_pages * PAGE)).from_address(base)))


def test_run_time_channels_are_listed_after_the_declared_ones_and_survive_a_restart(
        mon: Monitor) -> None:
    assert mon.create(0, "rt", 2, PRODUCER) == EBUSY
    assert mon.create(2, "rt", 0, CONSUMER) == 0      # sb2 has no declared channel
    assert mon.create(0, "rt", 2, PRODUCER) == 1      # after sb0's "decl"
    info = mon.info(0)
    decl, rt = info.ch[0], info.ch[1]
    assert (decl.name, decl.index) == (b"decl", 0)
    assert rt.name == b"rt" and rt.index >= RT_INDEX
    # windows: declared channels from the end of RAM, then the UART lock
    # page, then the run-time window at the next 2 MiB boundary
    assert decl.prod_gpa == RAM and decl.cons_gpa + PAGE == info.uart_lock_gpa
    assert info.rt_window_gpa == align_up(info.uart_lock_gpa + PAGE, TWO_MIB)
    assert rt.prod_gpa == info.rt_window_gpa
    assert mon.info(2).rt_window_gpa == align_up(RAM + PAGE, TWO_MIB)
    before = (rt.index, rt.prod_gpa, rt.cons_gpa, rt.role, rt.peer)
    host = mon.translate(0, rt.prod_gpa)
    invepts = mon.lib.m_invepts(0)
    # the kernel scribbles over its list, then restarts
    ctypes.memset(ctypes.addressof(info), 0xEE, ctypes.sizeof(ChanInfo))
    mon.lib.m_restart(0)
    info = mon.info(0)
    assert info.n_channels == 2 and info.ch[0].name == b"decl"
    again = info.ch[1]
    assert (again.index, again.prod_gpa, again.cons_gpa, again.role, again.peer) == before
    assert mon.translate(0, again.prod_gpa) == host
    # asking again after the restart: the same place, no new mapping
    assert mon.create(0, "rt", 2, PRODUCER) == 1
    assert mon.lib.m_invepts(0) == invepts
    # and sb1, no end of "rt", has nothing in its run-time window
    assert mon.translate(1, mon.info(1).rt_window_gpa)[0] == EPT_NONE
