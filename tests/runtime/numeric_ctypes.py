"""ctypes bindings to build/numeric/libqvnum.so for the numeric tests.

Every buffer handed to the library is sized exactly by the library's own
`*_cap()` / `*_scratch()` answer and followed by guard limbs, so a test
fails when a function writes past what it promised to need.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB_PATH = ROOT / "build" / "numeric" / "libqvnum.so"
GUARD = 0xA5C3F00D
GUARD_LIMBS = 4

Limb = ctypes.c_uint32


class Mpz(ctypes.Structure):
    _fields_ = [("d", ctypes.POINTER(Limb)), ("n", ctypes.c_size_t), ("neg", ctypes.c_bool)]


MpzP = ctypes.POINTER(Mpz)


def load() -> ctypes.CDLL:
    """The library `make` builds, or $QVNUM_LIB (e.g. a sanitizer build)."""
    override = os.environ.get("QVNUM_LIB")
    if override:
        return ctypes.CDLL(override)
    subprocess.run(["make", "-s", str(LIB_PATH.relative_to(ROOT))], cwd=ROOT, check=True)
    return ctypes.CDLL(str(LIB_PATH))


class Guarded:
    """A limb array of `cap` usable limbs followed by guard limbs."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.buf = (Limb * (cap + GUARD_LIMBS))()
        for i in range(cap + GUARD_LIMBS):
            self.buf[i] = GUARD

    def check(self) -> None:
        for i in range(self.cap, self.cap + GUARD_LIMBS):
            assert self.buf[i] == GUARD, f"overran a buffer of {self.cap} limbs"


def mpz_in(v: int) -> Mpz:
    """An Mpz holding v (it keeps its limb array alive)."""
    mag = abs(v)
    n = (mag.bit_length() + 31) // 32
    buf = (Limb * max(n, 1))()
    for i in range(n):
        buf[i] = (mag >> (32 * i)) & 0xFFFFFFFF
    z = Mpz(buf, n, v < 0)
    z.keep = buf
    return z


def mpz_out(cap: int) -> tuple[Mpz, Guarded]:
    g = Guarded(cap)
    return Mpz(g.buf, 0, False), g


def mpz_value(z: Mpz) -> int:
    mag = 0
    for i in range(z.n):
        mag |= z.d[i] << (32 * i)
    if z.n:
        assert z.d[z.n - 1] != 0, "result not normalized"
    else:
        assert not z.neg, "negative zero"
    return -mag if z.neg else mag


def declare(lib: ctypes.CDLL, name: str, restype: object, *argtypes: object) -> None:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
