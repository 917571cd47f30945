"""In-process binding to the runtime (build/host/libqpy.so) through ctypes.

Each Interpreter is one runtime context with its own fixed-size heap; its
console output is captured in memory.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIBQPY = REPO / "build" / "host" / "libqpy.so"

QV_OK, QV_EXC, QV_EXIT = 0, 1, 2


def load() -> ctypes.CDLL:
    lib = ctypes.CDLL(str(LIBQPY))
    lib.qpy_new.argtypes = [ctypes.c_size_t]
    lib.qpy_new.restype = ctypes.c_void_p
    lib.qpy_run.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.qpy_run.restype = ctypes.c_int
    lib.qpy_output.argtypes = [ctypes.c_void_p]
    lib.qpy_output.restype = ctypes.c_char_p
    lib.qpy_clear_output.argtypes = [ctypes.c_void_p]
    lib.qpy_free.argtypes = [ctypes.c_void_p]
    lib.qpy_heap_used.argtypes = [ctypes.c_void_p]
    lib.qpy_heap_used.restype = ctypes.c_size_t
    lib.qpy_gc_max_pause_us.argtypes = [ctypes.c_void_p]
    lib.qpy_gc_max_pause_us.restype = ctypes.c_uint64
    return lib


class Interpreter:
    """One runtime context; run() executes source and returns (status, output)."""

    def __init__(self, lib: ctypes.CDLL, heap_size: int) -> None:
        self._lib = lib
        self._h = lib.qpy_new(heap_size)
        if not self._h:
            raise MemoryError(f"cannot create a context with a {heap_size}-byte heap")

    def run(self, source: str) -> tuple[int, str]:
        self._lib.qpy_clear_output(self._h)
        status = self._lib.qpy_run(self._h, source.encode())
        return status, self._lib.qpy_output(self._h).decode("utf-8", "replace")

    def heap_used(self) -> int:
        return self._lib.qpy_heap_used(self._h)

    def gc_max_pause_us(self) -> int:
        return self._lib.qpy_gc_max_pause_us(self._h)

    def close(self) -> None:
        if self._h:
            self._lib.qpy_free(self._h)
            self._h = None
