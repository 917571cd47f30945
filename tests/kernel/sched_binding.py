"""ctypes binding of the scheduling core (build/sched/libqvsched.so).

The library is the core plus tests/kernel/sched_harness.c, which owns the
storage and names VCPUs and threads by index. `Sched` has the same methods
as the reference model in sched_model.py, so one driver runs both.
"""

from __future__ import annotations

import ctypes
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "build" / "sched" / "libqvsched.so"

OK, E_PARAM, E_ADMISSION, E_STATE = 0, 1, 2, 3
READY, BLOCKED, SLEEPING, PERIOD_WAIT, DETACHED = 0, 1, 2, 3, 4
NEVER = 2**64 - 1
U64 = ctypes.c_uint64
STAT_NAMES = ("fg", "bg", "replenishments", "overruns", "overrun_ns", "deadline_misses",
              "activations")


class AdmissionError(Exception):
    """A VCPU refused by admission control, with the numbers the core gave."""

    def __init__(self, message: str, util_ppm: int, bound_ppm: int, nvcpus: int) -> None:
        super().__init__(message)
        self.util_ppm = util_ppm
        self.bound_ppm = bound_ppm
        self.nvcpus = nvcpus


class SchedError(Exception):
    """A call the core rejected (bad parameters or state)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"scheduler status {status}")
        self.status = status


@dataclass(frozen=True)
class Decision:
    thread: int
    vcpu: int
    foreground: bool
    next_event: int


_lib: ctypes.CDLL | None = None


def load() -> ctypes.CDLL:
    """Builds the library if needed (make knows when) and loads it once."""
    global _lib
    if _lib is not None:
        return _lib
    subprocess.run(["make", "-s", "-C", str(ROOT), str(LIB.relative_to(ROOT))], check=True)
    lib = ctypes.CDLL(str(LIB))
    vp, i, u32 = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32
    sigs = {
        "qvsh_new": (vp, [i, i, U64]),
        "qvsh_free": (None, [vp]),
        "qvsh_set_slack": (None, [vp, U64]),
        "qvsh_set_dispatch": (None, [vp, U64]),
        "qvsh_add_main": (i, [vp, u32, U64, U64, u32, U64, ctypes.POINTER(u32),
                              ctypes.c_char_p, ctypes.c_size_t]),
        "qvsh_add_io": (i, [vp, u32, u32, U64, ctypes.POINTER(u32), ctypes.c_char_p,
                            ctypes.c_size_t]),
        "qvsh_add_thread": (i, [vp, i, U64]),
        "qvsh_set_main": (i, [vp, i, U64, U64, U64, ctypes.POINTER(u32), ctypes.c_char_p,
                              ctypes.c_size_t]),
        "qvsh_remove_vcpu": (i, [vp, i, U64]),
        "qvsh_thread_exit": (i, [vp, i, U64]),
        "qvsh_block": (i, [vp, i, U64]),
        "qvsh_wake": (i, [vp, i, U64]),
        "qvsh_io_wake": (i, [vp, i, i, U64]),
        "qvsh_io_inherit": (i, [vp, i, i, U64]),
        "qvsh_sleep_until": (i, [vp, i, U64, U64]),
        "qvsh_wait_period": (i, [vp, i, U64]),
        "qvsh_yield": (i, [vp, i, U64]),
        "qvsh_schedule": (i, [vp, U64, ctypes.POINTER(i), ctypes.POINTER(U64)]),
        "qvsh_stats": (None, [vp, i, ctypes.POINTER(U64)]),
        "qvsh_available": (U64, [vp, i, U64]),
        "qvsh_refill_total": (U64, [vp, i]),
        "qvsh_debt": (U64, [vp, i]),
        "qvsh_refills": (i, [vp, i, ctypes.POINTER(U64), i]),
        "qvsh_io_info": (None, [vp, i, ctypes.POINTER(U64)]),
        "qvsh_thread_misses": (U64, [vp, i]),
        "qvsh_thread_state": (i, [vp, i]),
        "qvsh_ll_bound_ppm": (u32, [u32]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    _lib = lib
    return lib


def ll_bound_ppm(n: int) -> int:
    return int(load().qvsh_ll_bound_ppm(n))


class Sched:
    """One core's scheduler, driven with simulated time in nanoseconds."""

    def __init__(self, now: int = 0, max_vcpus: int = 32, max_threads: int = 128) -> None:
        self.lib = load()
        self.h = self.lib.qvsh_new(max_vcpus, max_threads, now)
        if not self.h:
            raise MemoryError("qvsh_new")

    def __del__(self) -> None:
        if getattr(self, "h", None):
            self.lib.qvsh_free(self.h)
            self.h = None

    def set_slack(self, slack: int) -> None:
        """Interrupt latency to allow for (qvs_set_slack)."""
        self.lib.qvsh_set_slack(self.h, slack)

    def set_dispatch(self, dispatch: int) -> None:
        """What a decision costs before the timer is armed (qvs_set_dispatch)."""
        self.lib.qvsh_set_dispatch(self.h, dispatch)

    def _vcpu_result(self, r: int, info: ctypes.Array, msg: ctypes.Array) -> int:
        if r == -E_ADMISSION:
            raise AdmissionError(msg.value.decode(), info[0], info[1], info[2])
        if r < 0:
            raise SchedError(-r)
        return r

    def add_main(self, vid: int, budget: int, period: int, now: int, refills: int = 8) -> int:
        info = (ctypes.c_uint32 * 3)()
        msg = ctypes.create_string_buffer(160)
        r = self.lib.qvsh_add_main(self.h, vid, budget, period, refills, now, info, msg, 160)
        return self._vcpu_result(r, info, msg)

    def add_io(self, vid: int, util_ppm: int, now: int) -> int:
        info = (ctypes.c_uint32 * 3)()
        msg = ctypes.create_string_buffer(160)
        r = self.lib.qvsh_add_io(self.h, vid, util_ppm, now, info, msg, 160)
        return self._vcpu_result(r, info, msg)

    def set_main(self, v: int, budget: int, period: int, now: int) -> int:
        """Changes C and T; raises AdmissionError, returns the status otherwise."""
        info = (ctypes.c_uint32 * 3)()
        msg = ctypes.create_string_buffer(160)
        r = self.lib.qvsh_set_main(self.h, v, budget, period, now, info, msg, 160)
        if r == -E_ADMISSION:
            raise AdmissionError(msg.value.decode(), info[0], info[1], info[2])
        return -r

    def remove_vcpu(self, v: int, now: int) -> int:
        return self.lib.qvsh_remove_vcpu(self.h, v, now)

    def thread_exit(self, t: int, now: int) -> int:
        return self.lib.qvsh_thread_exit(self.h, t, now)

    def add_thread(self, vcpu: int, now: int) -> int:
        r = self.lib.qvsh_add_thread(self.h, vcpu, now)
        if r < 0:
            raise SchedError(-r)
        return r

    def block(self, t: int, now: int) -> int:
        return self.lib.qvsh_block(self.h, t, now)

    def wake(self, t: int, now: int) -> int:
        return self.lib.qvsh_wake(self.h, t, now)

    def io_wake(self, t: int, owner: int, now: int) -> int:
        return self.lib.qvsh_io_wake(self.h, t, owner, now)

    def io_inherit(self, v: int, owner: int, now: int) -> int:
        return self.lib.qvsh_io_inherit(self.h, v, owner, now)

    def sleep_until(self, t: int, until: int, now: int) -> int:
        return self.lib.qvsh_sleep_until(self.h, t, until, now)

    def wait_period(self, t: int, now: int) -> int:
        return self.lib.qvsh_wait_period(self.h, t, now)

    def yield_(self, t: int, now: int) -> int:
        return self.lib.qvsh_yield(self.h, t, now)

    def schedule(self, now: int) -> Decision:
        out = (ctypes.c_int * 2)()
        ev = U64()
        t = self.lib.qvsh_schedule(self.h, now, out, ctypes.byref(ev))
        return Decision(t, out[0], bool(out[1]), ev.value)

    def stats(self, v: int) -> dict[str, int]:
        out = (U64 * 7)()
        self.lib.qvsh_stats(self.h, v, out)
        return dict(zip(STAT_NAMES, out, strict=True))

    def available(self, v: int, now: int) -> int:
        return int(self.lib.qvsh_available(self.h, v, now))

    def refill_total(self, v: int) -> int:
        return int(self.lib.qvsh_refill_total(self.h, v))

    def debt(self, v: int) -> int:
        return int(self.lib.qvsh_debt(self.h, v))

    def refills(self, v: int) -> list[tuple[int, int]]:
        buf = (U64 * 128)()
        n = self.lib.qvsh_refills(self.h, v, buf, 64)
        return [(buf[2 * i], buf[2 * i + 1]) for i in range(min(n, 64))]

    def io_info(self, v: int) -> dict[str, int]:
        out = (U64 * 6)()
        self.lib.qvsh_io_info(self.h, v, out)
        owner = ctypes.c_int64(out[0]).value
        return {"owner": owner, "budget": out[1], "eligible": out[2], "active": out[3],
                "start": out[4], "used": out[5]}

    def thread_misses(self, t: int) -> int:
        return int(self.lib.qvsh_thread_misses(self.h, t))

    def thread_state(self, t: int) -> int:
        return int(self.lib.qvsh_thread_state(self.h, t))
