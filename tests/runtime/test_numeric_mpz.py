"""runtime/mpz.c against CPython's int, through ctypes (see numeric_ctypes.py)."""

from __future__ import annotations

import ctypes
import math
import random
import struct
import sys
from collections.abc import Callable

import pytest
from numeric_ctypes import Guarded, Limb, MpzP, declare, load, mpz_in, mpz_out, mpz_value

SZ = ctypes.c_size_t
LP = ctypes.POINTER(Limb)
OK, EZERODIV, EVALUE, EOVERFLOW, ENOTINV, ENEGUNSIGNED = 0, -1, -2, -3, -4, -5
KARATSUBA = 32
sys.set_int_max_str_digits(0)


@pytest.fixture(scope="module")
def lib() -> ctypes.CDLL:
    lib = load()
    declare(lib, "qv_mpz_add_cap", SZ, MpzP, MpzP)
    for name in ("qv_mpz_add", "qv_mpz_sub", "qv_mpz_and", "qv_mpz_or", "qv_mpz_xor"):
        declare(lib, name, None, MpzP, MpzP, MpzP)
    declare(lib, "qv_mpz_bitop_cap", SZ, MpzP, MpzP)
    declare(lib, "qv_mpz_mul_cap", SZ, MpzP, MpzP)
    declare(lib, "qv_mpz_mul_scratch", SZ, MpzP, MpzP)
    declare(lib, "qv_mpz_mul", None, MpzP, MpzP, MpzP, LP)
    for name in ("qcap", "mcap", "scratch"):
        declare(lib, f"qv_mpz_divmod_{name}", SZ, MpzP, MpzP)
    declare(lib, "qv_mpz_divmod", ctypes.c_int, MpzP, MpzP, MpzP, MpzP, LP)
    declare(lib, "qv_mpz_pow_cap", SZ, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_pow_scratch", SZ, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_pow", None, MpzP, MpzP, ctypes.c_uint64, LP)
    declare(lib, "qv_mpz_powmod_cap", SZ, MpzP)
    declare(lib, "qv_mpz_powmod_scratch", SZ, MpzP, MpzP, MpzP)
    declare(lib, "qv_mpz_powmod", ctypes.c_int, MpzP, MpzP, MpzP, MpzP, LP)
    declare(lib, "qv_mpz_invert", None, MpzP, MpzP)
    declare(lib, "qv_mpz_invert_cap", SZ, MpzP)
    declare(lib, "qv_mpz_neg_cap", SZ, MpzP)
    declare(lib, "qv_mpz_neg", None, MpzP, MpzP)
    declare(lib, "qv_mpz_lshift_cap", SZ, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_rshift_cap", SZ, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_lshift", None, MpzP, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_rshift", None, MpzP, MpzP, ctypes.c_uint64)
    declare(lib, "qv_mpz_cmp", ctypes.c_int, MpzP, MpzP)
    declare(lib, "qv_mpz_cmp_i64", ctypes.c_int, MpzP, ctypes.c_int64)
    declare(lib, "qv_mpz_from_i64", None, MpzP, ctypes.c_int64)
    declare(lib, "qv_mpz_to_i64", ctypes.c_bool, MpzP, ctypes.POINTER(ctypes.c_int64))
    declare(lib, "qv_mpz_to_u64", ctypes.c_bool, MpzP, ctypes.POINTER(ctypes.c_uint64))
    declare(lib, "qv_mpz_bit_length", ctypes.c_uint64, MpzP)
    declare(lib, "qv_mpz_parse_cap", SZ, SZ, ctypes.c_int)
    declare(lib, "qv_mpz_parse", ctypes.c_int, MpzP, ctypes.c_char_p, SZ, ctypes.c_int)
    declare(lib, "qv_mpz_format_cap", SZ, MpzP, ctypes.c_int, ctypes.c_uint)
    declare(lib, "qv_mpz_format_scratch", SZ, MpzP)
    declare(lib, "qv_mpz_format", SZ, MpzP, ctypes.c_int, ctypes.c_uint, ctypes.c_char_p, LP)
    declare(lib, "qv_mpz_to_double", ctypes.c_int, MpzP, ctypes.POINTER(ctypes.c_double))
    declare(lib, "qv_mpz_from_double_cap", SZ, ctypes.c_double)
    declare(lib, "qv_mpz_from_double", ctypes.c_int, MpzP, ctypes.c_double)
    declare(lib, "qv_mpz_truediv_scratch", SZ, MpzP, MpzP)
    declare(
        lib, "qv_mpz_truediv", ctypes.c_int, MpzP, MpzP, ctypes.POINTER(ctypes.c_double), LP
    )
    declare(
        lib, "qv_mpz_to_bytes", ctypes.c_int, MpzP, ctypes.c_char_p, SZ, ctypes.c_bool,
        ctypes.c_bool,
    )
    declare(lib, "qv_mpz_from_bytes_cap", SZ, SZ)
    declare(
        lib, "qv_mpz_from_bytes", None, MpzP, ctypes.c_char_p, SZ, ctypes.c_bool, ctypes.c_bool
    )
    declare(lib, "qv_mpz_hash", ctypes.c_int64, MpzP)
    return lib


def rand_int(rng: random.Random, limbs: int) -> int:
    """Random signed values, biased towards the shapes that break carries."""
    if limbs == 0:
        return 0
    kind = rng.randrange(6)
    bits = 32 * limbs - rng.randrange(32)
    if kind == 0:
        v = (1 << bits) - 1
    elif kind == 1:
        v = 1 << (bits - 1)
    elif kind == 2:
        v = (1 << bits) - (1 << rng.randrange(bits))
    else:
        v = rng.getrandbits(bits) | (1 << (bits - 1))
    return -v if rng.random() < 0.5 else v


def binop(lib: ctypes.CDLL, name: str, cap_fn: str, a: int, b: int) -> int:
    za = mpz_in(a)
    zb = mpz_in(b)
    r, g = mpz_out(getattr(lib, cap_fn)(za, zb))
    getattr(lib, name)(ctypes.byref(r), za, zb)
    g.check()
    return mpz_value(r)


def mul(lib: ctypes.CDLL, a: int, b: int) -> int:
    za = mpz_in(a)
    zb = mpz_in(b)
    r, g = mpz_out(lib.qv_mpz_mul_cap(za, zb))
    s = Guarded(lib.qv_mpz_mul_scratch(za, zb))
    lib.qv_mpz_mul(ctypes.byref(r), za, zb, s.buf)
    g.check()
    s.check()
    return mpz_value(r)


def divmod_c(lib: ctypes.CDLL, a: int, b: int) -> tuple[int, int] | int:
    za = mpz_in(a)
    zb = mpz_in(b)
    q, gq = mpz_out(lib.qv_mpz_divmod_qcap(za, zb))
    m, gm = mpz_out(lib.qv_mpz_divmod_mcap(za, zb))
    s = Guarded(lib.qv_mpz_divmod_scratch(za, zb))
    err = lib.qv_mpz_divmod(ctypes.byref(q), ctypes.byref(m), za, zb, s.buf)
    gq.check()
    gm.check()
    s.check()
    if err:
        return err
    return mpz_value(q), mpz_value(m)


SIZES = [0, 1, 2, 3, 5, 31, 32, 33, 40, 64, 65, 100, 257]


def size_pairs(rng: random.Random, count: int) -> list[tuple[int, int]]:
    pairs = [(x, y) for x in SIZES for y in SIZES]
    pairs += [(rng.randrange(0, 400), rng.randrange(0, 400)) for _ in range(count)]
    return pairs


def test_add_sub_match_python(lib: ctypes.CDLL) -> None:
    rng = random.Random(1)
    for x, y in size_pairs(rng, 300):
        a, b = rand_int(rng, x), rand_int(rng, y)
        assert binop(lib, "qv_mpz_add", "qv_mpz_add_cap", a, b) == a + b
        assert binop(lib, "qv_mpz_sub", "qv_mpz_add_cap", a, b) == a - b


def test_mul_matches_python_across_karatsuba_sizes(lib: ctypes.CDLL) -> None:
    rng = random.Random(2)
    for x, y in size_pairs(rng, 150):
        a, b = rand_int(rng, x), rand_int(rng, y)
        assert mul(lib, a, b) == a * b
    # Large balanced and unbalanced operands: several Karatsuba levels.
    for x, y in [(2000, 2000), (3000, 1700), (4000, 90), (1025, 1024), (KARATSUBA, 5000)]:
        a, b = rand_int(rng, x), rand_int(rng, y)
        assert mul(lib, a, b) == a * b
    a = (1 << (32 * 1500)) - 1
    assert mul(lib, a, a) == a * a


def test_divmod_is_floor_division(lib: ctypes.CDLL) -> None:
    rng = random.Random(3)
    for x, y in size_pairs(rng, 400):
        a, b = rand_int(rng, x), rand_int(rng, y)
        if b == 0:
            assert divmod_c(lib, a, b) == EZERODIV
            continue
        assert divmod_c(lib, a, b) == divmod(a, b), (a, b)
    for a, b in [(7, -2), (-7, 2), (-7, -2), (6, -3), (-1, 1 << 100), (1 << 100, -1)]:
        assert divmod_c(lib, a, b) == divmod(a, b)
    # Divisors whose top limb forces Knuth D's correction steps.
    for top in (0x80000000, 0xFFFFFFFF, 0x80000001, 1):
        for _ in range(40):
            b = (top << (32 * 3)) | rng.getrandbits(96)
            a = b * rng.getrandbits(200) + rng.randrange(b)
            assert divmod_c(lib, a, b) == divmod(a, b)
            assert divmod_c(lib, -a, b) == divmod(-a, b)
    a, b = rand_int(rng, 3000), rand_int(rng, 1200)
    assert divmod_c(lib, a, b) == divmod(a, b)


def test_pow_matches_python(lib: ctypes.CDLL) -> None:
    rng = random.Random(4)
    cases = [(0, 0), (0, 5), (1, 10**6), (-1, 7), (-1, 8), (2, 1000), (-3, 333), (10, 0)]
    cases += [(rand_int(rng, rng.randrange(1, 6)), rng.randrange(0, 300)) for _ in range(60)]
    for a, e in cases:
        za = mpz_in(a)
        cap = lib.qv_mpz_pow_cap(za, e)
        r, g = mpz_out(cap)
        s = Guarded(lib.qv_mpz_pow_scratch(za, e))
        lib.qv_mpz_pow(ctypes.byref(r), za, e, s.buf)
        g.check()
        s.check()
        assert mpz_value(r) == a**e, (a, e)
    za = mpz_in(3)
    assert lib.qv_mpz_pow_cap(za, 1 << 62) == ctypes.c_size_t(-1).value


def powmod(lib: ctypes.CDLL, a: int, e: int, m: int) -> int:
    za = mpz_in(a)
    ze = mpz_in(e)
    zm = mpz_in(m)
    r, g = mpz_out(lib.qv_mpz_powmod_cap(zm))
    s = Guarded(lib.qv_mpz_powmod_scratch(za, ze, zm))
    err = lib.qv_mpz_powmod(ctypes.byref(r), za, ze, zm, s.buf)
    g.check()
    s.check()
    return err if err else mpz_value(r)


def python_powmod(a: int, e: int, m: int) -> int:
    if m == 0:
        return EVALUE
    try:
        return pow(a, e, m)
    except ValueError:
        return ENOTINV


def test_powmod_matches_python_including_negative_modulus_and_inverse(lib: ctypes.CDLL) -> None:
    rng = random.Random(5)
    fixed = [(0, 0, 1), (0, 0, -1), (5, 0, 7), (3, -1, 7), (2, -1, 4), (2, -3, 1),
             (-2, 5, 13), (2, 5, -13), (-7, -2, -11), (4, 3, 0), (10**30, 10**20, 97)]
    for a, e, m in fixed:
        assert powmod(lib, a, e, m) == python_powmod(a, e, m), (a, e, m)
    for _ in range(150):
        a = rand_int(rng, rng.randrange(0, 12))
        e = rand_int(rng, rng.randrange(0, 3))
        m = rand_int(rng, rng.randrange(1, 8))
        assert powmod(lib, a, e, m) == python_powmod(a, e, m), (a, e, m)


def test_bitwise_ops_use_infinite_twos_complement(lib: ctypes.CDLL) -> None:
    rng = random.Random(6)
    ops: list[tuple[str, Callable[[int, int], int]]] = [
        ("qv_mpz_and", lambda a, b: a & b),
        ("qv_mpz_or", lambda a, b: a | b),
        ("qv_mpz_xor", lambda a, b: a ^ b),
    ]
    for x, y in size_pairs(rng, 200):
        a, b = rand_int(rng, x), rand_int(rng, y)
        for name, ref in ops:
            assert binop(lib, name, "qv_mpz_bitop_cap", a, b) == ref(a, b), (name, a, b)
        za = mpz_in(a)
        r, g = mpz_out(lib.qv_mpz_invert_cap(za))
        lib.qv_mpz_invert(ctypes.byref(r), za)
        g.check()
        assert mpz_value(r) == ~a
        r, g = mpz_out(lib.qv_mpz_neg_cap(za))
        lib.qv_mpz_neg(ctypes.byref(r), za)
        g.check()
        assert mpz_value(r) == -a


def test_shifts_floor_like_python(lib: ctypes.CDLL) -> None:
    rng = random.Random(7)
    for _ in range(600):
        a = rand_int(rng, rng.randrange(0, 40))
        s = rng.choice([0, 1, 31, 32, 33, 64, rng.randrange(0, 1400)])
        za = mpz_in(a)
        r, g = mpz_out(lib.qv_mpz_lshift_cap(za, s))
        lib.qv_mpz_lshift(ctypes.byref(r), za, s)
        g.check()
        assert mpz_value(r) == a << s
        r, g = mpz_out(lib.qv_mpz_rshift_cap(za, s))
        lib.qv_mpz_rshift(ctypes.byref(r), za, s)
        g.check()
        assert mpz_value(r) == a >> s, (a, s)
    for a in (-1, -(1 << 64), -(1 << 64) + 1, -((1 << 96) - 1)):
        for s in (0, 1, 32, 63, 64, 65, 96, 200):
            za = mpz_in(a)
            r, g = mpz_out(lib.qv_mpz_rshift_cap(za, s))
            lib.qv_mpz_rshift(ctypes.byref(r), za, s)
            g.check()
            assert mpz_value(r) == a >> s, (a, s)


def test_compare_and_int64_conversions(lib: ctypes.CDLL) -> None:
    rng = random.Random(8)
    vals = [0, 1, -1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64 - 1, 2**64, 2**32]
    vals += [rand_int(rng, rng.randrange(0, 4)) for _ in range(200)]
    for a in vals:
        za = mpz_in(a)
        out = ctypes.c_int64()
        fits = -(2**63) <= a < 2**63
        assert lib.qv_mpz_to_i64(za, ctypes.byref(out)) == fits
        if fits:
            assert out.value == a
            r, g = mpz_out(2)
            lib.qv_mpz_from_i64(ctypes.byref(r), a)
            g.check()
            assert mpz_value(r) == a
        uout = ctypes.c_uint64()
        ufits = 0 <= a < 2**64
        assert lib.qv_mpz_to_u64(za, ctypes.byref(uout)) == ufits
        if ufits:
            assert uout.value == a
        assert lib.qv_mpz_bit_length(za) == a.bit_length()
        for b in rng.sample(vals, 5):
            zb = mpz_in(b)
            assert lib.qv_mpz_cmp(za, zb) == (a > b) - (a < b)
            if -(2**63) <= b < 2**63:
                assert lib.qv_mpz_cmp_i64(za, b) == (a > b) - (a < b)


def parse(lib: ctypes.CDLL, text: str, base: int) -> int:
    raw = text.encode()
    r, g = mpz_out(lib.qv_mpz_parse_cap(len(raw), base))
    err = lib.qv_mpz_parse(ctypes.byref(r), raw, len(raw), base)
    g.check()
    return err if err else mpz_value(r)


def python_parse(text: str, base: int) -> int:
    try:
        return int(text, base)
    except ValueError:
        return EVALUE


def with_underscores(rng: random.Random, digits: str) -> str:
    out = [digits[0]]
    for ch in digits[1:]:
        if rng.random() < 0.15:
            out.append("_")
        out.append(ch)
    return "".join(out)


def test_parse_matches_int_with_base(lib: ctypes.CDLL) -> None:
    rng = random.Random(9)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    for _ in range(700):
        base = rng.choice([2, 3, 7, 8, 10, 16, 36, rng.randrange(2, 37)])
        v = rand_int(rng, rng.randrange(0, 30))
        digits, m = "", abs(v)
        while m:
            m, d = divmod(m, base)
            digits = alphabet[d] + digits
        digits = digits or "0"
        if rng.random() < 0.5:
            digits = digits.upper()
        text = with_underscores(rng, digits)
        text = ("-" if v < 0 else rng.choice(["", "+"])) + text
        text = rng.choice(["", " ", "\t\n "]) + text + rng.choice(["", "  ", "\r\n"])
        assert parse(lib, text, base) == v, (text, base)
    for v in (0, 255, -4096, 10**40):
        for base, pre in ((16, "0x"), (8, "0o"), (2, "0b")):
            body = format(abs(v), {16: "x", 8: "o", 2: "b"}[base])
            text = ("-" if v < 0 else "") + pre + "_" + body
            assert parse(lib, text, 0) == python_parse(text, 0) == v
            assert parse(lib, text.upper(), base) == v


INVALID_OR_TRICKY = [
    "", " ", "-", "+", "_", "1_", "_1", "1__0", "0x", "0x_", "0_x1", "- 1", "1 2", "12a",
    "0b102", "0o8", "09", "010", "0_0", "00", "0", "0_1", "0x1g", "1.0", "0X1F", "0B11",
    "0o_7", "0b", "+-1", "1e5", "\x1c1\x1f", "\v7\f", "z", "Z", "0xz",
]


@pytest.mark.parametrize("base", [0, 2, 8, 10, 16, 36])
def test_parse_edge_cases_match_int(lib: ctypes.CDLL, base: int) -> None:
    for text in INVALID_OR_TRICKY:
        assert parse(lib, text, base) == python_parse(text, base), (text, base)


def test_parse_rejects_bad_base(lib: ctypes.CDLL) -> None:
    for base in (1, 37, -1):
        assert parse(lib, "1", base) == EVALUE


def fmt(lib: ctypes.CDLL, v: int, base: int, flags: int) -> str:
    z = mpz_in(v)
    cap = lib.qv_mpz_format_cap(z, base, flags)
    buf = ctypes.create_string_buffer(cap + 8)
    for i in range(cap, cap + 8):
        buf[i] = b"\xee"
    s = Guarded(lib.qv_mpz_format_scratch(z))
    n = lib.qv_mpz_format(z, base, flags, buf, s.buf)
    s.check()
    assert n <= cap and buf.raw[cap:] == b"\xee" * 8
    return buf.raw[:n].decode()


def python_format(v: int, base: int) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    digits, m = "", abs(v)
    while m:
        m, d = divmod(m, base)
        digits = alphabet[d] + digits
    return ("-" if v < 0 else "") + (digits or "0")


def test_format_all_bases(lib: ctypes.CDLL) -> None:
    rng = random.Random(10)
    for _ in range(300):
        v = rand_int(rng, rng.randrange(0, 20))
        base = rng.randrange(2, 37)
        assert fmt(lib, v, base, 0) == python_format(v, base)
    for v in (0, 1, -1, 255, -(2**100), 10**200, rng.getrandbits(32 * 600)):
        assert fmt(lib, v, 10, 0) == str(v)
        assert fmt(lib, v, 16, 1) == hex(v)
        assert fmt(lib, v, 8, 1) == oct(v)
        assert fmt(lib, v, 2, 1) == bin(v)
        assert fmt(lib, v, 16, 3) == hex(v).upper().replace("0X", "0X")


def to_double(lib: ctypes.CDLL, v: int) -> float | int:
    z = mpz_in(v)
    out = ctypes.c_double()
    err = lib.qv_mpz_to_double(z, ctypes.byref(out))
    return err if err else out.value


def python_float(v: int) -> float | int:
    try:
        return float(v)
    except OverflowError:
        return EOVERFLOW


def test_to_double_is_correctly_rounded(lib: ctypes.CDLL) -> None:
    rng = random.Random(11)
    vals = [0, 1, -1, 2**53 + 1, 2**54 + 2, 2**54 + 6, (2**53 + 1) << 100, 2**1024,
            2**1024 - 2**970, 2**1024 - 2**970 - 1, 2**1024 - 2**971, -(2**1023)]
    for _ in range(2000):
        bits = rng.randrange(1, 1030)
        v = rng.getrandbits(bits)
        # Halfway cases: 54 significant bits with the last one set, +-1.
        if rng.random() < 0.3 and bits > 60:
            v = ((v >> (bits - 54)) | 1) << (bits - 54)
            v += rng.choice([-1, 0, 1])
        vals.append(-v if rng.random() < 0.5 else v)
    for v in vals:
        got, want = to_double(lib, v), python_float(v)
        assert got == want and type(got) is type(want), v


def test_from_double_truncates(lib: ctypes.CDLL) -> None:
    rng = random.Random(12)
    vals = [0.0, -0.0, 0.5, -0.99, 1.0, -1.5, 2.0**52 + 0.5, 1e308, -1.7976931348623157e308,
            5e-324, 123456789.987]
    vals += [rng.uniform(-1e6, 1e6) for _ in range(300)]
    for _ in range(500):
        x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(x):
            vals.append(x)
    for x in vals:
        r, g = mpz_out(lib.qv_mpz_from_double_cap(x))
        assert lib.qv_mpz_from_double(ctypes.byref(r), x) == OK
        g.check()
        assert mpz_value(r) == int(x), x
    r, g = mpz_out(33)
    assert lib.qv_mpz_from_double(ctypes.byref(r), float("inf")) == EOVERFLOW
    assert lib.qv_mpz_from_double(ctypes.byref(r), float("-inf")) == EOVERFLOW
    assert lib.qv_mpz_from_double(ctypes.byref(r), float("nan")) == EVALUE


def truediv(lib: ctypes.CDLL, a: int, b: int) -> float | int:
    za = mpz_in(a)
    zb = mpz_in(b)
    s = Guarded(lib.qv_mpz_truediv_scratch(za, zb))
    out = ctypes.c_double()
    err = lib.qv_mpz_truediv(za, zb, ctypes.byref(out), s.buf)
    s.check()
    return err if err else out.value


def python_truediv(a: int, b: int) -> float | int:
    try:
        return a / b
    except ZeroDivisionError:
        return EZERODIV
    except OverflowError:
        return EOVERFLOW


def test_truediv_is_correctly_rounded(lib: ctypes.CDLL) -> None:
    rng = random.Random(13)
    pairs = [(1, 3), (0, 5), (0, -5), (-1, 3), (1, 0), (2**1100, 3), (2**1100, 2**80),
             (1, 2**1074), (1, 2**1075), (3, 2**1076), (-1, 2**1200), (2**54 + 1, 2),
             (10**400, 10**80), (7, 10**330)]
    for _ in range(1500):
        a = rand_int(rng, rng.randrange(0, 40))
        b = rand_int(rng, rng.randrange(0, 40))
        pairs.append((a, b))
    for _ in range(300):
        pairs.append((rng.getrandbits(53), rng.getrandbits(53) or 1))
    for a, b in pairs:
        got, want = truediv(lib, a, b), python_truediv(a, b)
        assert got == want and type(got) is type(want), (a, b)
        if isinstance(want, float) and want == 0:
            assert str(got) == str(want), (a, b)


def test_bytes_roundtrip_matches_python(lib: ctypes.CDLL) -> None:
    rng = random.Random(14)
    vals = [0, 1, -1, 127, 128, -128, -129, 255, 256, -(2**31), 2**32 - 1, -(2**63)]
    vals += [rand_int(rng, rng.randrange(0, 6)) for _ in range(300)]
    for v in vals:
        z = mpz_in(v)
        for length in (0, 1, 2, 3, 4, 5, 8, 9, 17, 30):
            for little in (False, True):
                for signed in (False, True):
                    order = "little" if little else "big"
                    buf = ctypes.create_string_buffer(length + 1)
                    err = lib.qv_mpz_to_bytes(z, buf, length, little, signed)
                    try:
                        want = v.to_bytes(length, order, signed=signed)
                    except OverflowError:
                        assert err in (EOVERFLOW, ENEGUNSIGNED), (v, length, order, signed)
                        assert (err == ENEGUNSIGNED) == (v < 0 and not signed)
                        continue
                    assert err == OK and buf.raw[:length] == want, (v, length, order, signed)
                    r, g = mpz_out(lib.qv_mpz_from_bytes_cap(length))
                    lib.qv_mpz_from_bytes(ctypes.byref(r), want, length, little, signed)
                    g.check()
                    assert mpz_value(r) == int.from_bytes(want, order, signed=signed)


def test_hash_matches_cpython(lib: ctypes.CDLL) -> None:
    rng = random.Random(15)
    vals = [0, 1, -1, -2, 2**61 - 1, 2**61, -(2**61 - 1), 2**61 - 2, 2**64, -(2**64) + 1]
    vals += [rand_int(rng, rng.randrange(0, 50)) for _ in range(500)]
    for v in vals:
        z = mpz_in(v)
        assert lib.qv_mpz_hash(z) == hash(v), v


def test_results_are_normalized_zero(lib: ctypes.CDLL) -> None:
    a = 2**100
    assert binop(lib, "qv_mpz_sub", "qv_mpz_add_cap", a, a) == 0
    assert binop(lib, "qv_mpz_and", "qv_mpz_bitop_cap", a, -a - 1) == 0
    assert mul(lib, 0, -a) == 0


def test_compare_with_double_is_exact(lib: ctypes.CDLL) -> None:
    lib.qv_mpz_cmp_double.restype = ctypes.c_int
    lib.qv_mpz_cmp_double.argtypes = [MpzP, ctypes.c_double]
    rng = random.Random(16)
    pairs = [(2**53 + 1, float(2**53)), (2**53, float(2**53)), (10**400, 1e308),
             (-(10**400), -1e308), (0, -0.0), (0, 5e-324), (-1, -0.5), (3, 2.5), (2, 2.5),
             (5, math.inf), (5, -math.inf), (10**400, math.inf), (1, math.nan)]
    for _ in range(2000):
        a = rand_int(rng, rng.randrange(0, 40))
        x = rng.choice([float(a) if abs(a) < 2**1000 else 1.0, rng.uniform(-1e20, 1e20),
                        struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]])
        pairs.append((a, x))
    for a, x in pairs:
        z = mpz_in(a)
        got = lib.qv_mpz_cmp_double(z, x)
        if math.isnan(x):
            assert got == 2
        else:
            assert got == (a > x) - (a < x), (a, x)


def test_random_large_shapes_mul_divmod_powmod(lib: ctypes.CDLL) -> None:
    """Sizes across the Karatsuba threshold, balanced and not, up to 3000 limbs."""
    rng = random.Random(17)
    for _ in range(40):
        x = rng.choice([rng.randrange(1, 3000), rng.randrange(28, 140)])
        y = rng.choice([rng.randrange(1, 3000), rng.randrange(28, 140)])
        a, b = rand_int(rng, x), rand_int(rng, y)
        assert mul(lib, a, b) == a * b, (x, y)
        if b:
            assert divmod_c(lib, a, b) == divmod(a, b), (x, y)
    for _ in range(3):
        a, e, m = rand_int(rng, 200), rng.getrandbits(64), rand_int(rng, 60)
        assert powmod(lib, a, e, m) == pow(a, e, m)
        assert powmod(lib, a, -e, m) == python_powmod(a, -e, m)
