"""runtime/fpconv.c against CPython's repr, format, float, round and hex."""

from __future__ import annotations

import ctypes
import decimal
import math
import random
import struct

import pytest
from numeric_ctypes import declare, load

SZ = ctypes.c_size_t
DP = ctypes.POINTER(ctypes.c_double)
OK, EVALUE, EOVERFLOW = 0, -1, -2
ALT, NO_NEG_ZERO = 1, 2


@pytest.fixture(scope="module")
def lib() -> ctypes.CDLL:
    lib = load()
    declare(lib, "qv_dtoa_repr", SZ, ctypes.c_double, ctypes.c_char_p)
    declare(lib, "qv_format_double_cap", SZ, ctypes.c_double, ctypes.c_char, ctypes.c_int)
    declare(
        lib, "qv_format_double", SZ, ctypes.c_double, ctypes.c_char, ctypes.c_int,
        ctypes.c_uint, ctypes.c_char_p, SZ,
    )
    declare(lib, "qv_strtod", ctypes.c_int, ctypes.c_char_p, SZ, DP)
    declare(lib, "qv_double_round", ctypes.c_int, ctypes.c_double, ctypes.c_int, DP)
    declare(lib, "qv_double_to_hex", SZ, ctypes.c_double, ctypes.c_char_p)
    declare(lib, "qv_double_from_hex", ctypes.c_int, ctypes.c_char_p, SZ, DP)
    return lib


def bits_to_float(u: int) -> float:
    return struct.unpack("<d", u.to_bytes(8, "little"))[0]


def same(a: float, b: float) -> bool:
    """Bit-identical, except that all NaNs are alike."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)


def random_doubles(seed: int, count: int) -> list[float]:
    rng = random.Random(seed)
    out: list[float] = []
    while len(out) < count:
        kind = rng.randrange(4)
        if kind == 0:  # any bit pattern
            x = bits_to_float(rng.getrandbits(64))
        elif kind == 1:  # subnormal
            x = bits_to_float(rng.getrandbits(52) | (rng.getrandbits(1) << 63))
        elif kind == 2:  # human-sized
            x = rng.uniform(-1e6, 1e6) * 10.0 ** rng.randrange(-10, 10)
        else:  # short decimals, where shortest digits matter most
            x = float(f"{rng.randrange(1, 10**rng.randrange(1, 17))}e{rng.randrange(-330, 310)}")
        if math.isfinite(x):
            out.append(x)
    return out


EDGES = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 1e16, 1e15, 9999999999999998.0, 1e-4,
         1e-5, 1.5e-5, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
         1.7976931348623157e308, 2.0**-1022, 2.0**-1074 * 3, 123456789012345678.0,
         0.3, 2.0 / 3, 1 / 3, 100.0, 1e22, 1e23, 9.5, 0.05, 2.0**52, 2.0**53, 2.0**63,
         float("inf"), float("-inf"), float("nan")]


def c_repr(lib: ctypes.CDLL, x: float) -> str:
    buf = ctypes.create_string_buffer(32)
    n = lib.qv_dtoa_repr(x, buf)
    assert buf.raw[n] == 0
    return buf.raw[:n].decode()


def test_repr_matches_cpython(lib: ctypes.CDLL) -> None:
    for x in EDGES + random_doubles(20, 20000):
        assert c_repr(lib, x) == repr(x), x.hex()
    # Powers of two, where the rounding interval is lopsided.
    for e in range(-1074, 1024):
        x = 2.0**e
        assert c_repr(lib, x) == repr(x), e
    # Random mantissas at every binary exponent from 2^-60 to 2^120: both
    # the 128-bit fast path and the bignum path around its limits.
    rng = random.Random(32)
    for e in range(-60, 121):
        for _ in range(60):
            x = math.ldexp(1.0 + rng.getrandbits(52) * 2.0**-52, e)
            assert c_repr(lib, x) == repr(x), x.hex()


def c_format(lib: ctypes.CDLL, x: float, typ: str, prec: int, flags: int = 0) -> str:
    cap = lib.qv_format_double_cap(x, typ.encode(), prec)
    buf = ctypes.create_string_buffer(cap + 1)
    n = lib.qv_format_double(x, typ.encode(), prec, flags, buf, cap + 1)
    assert n <= cap
    assert buf.raw[n] == 0
    return buf.raw[:n].decode()


def spec(typ: str, prec: int, flags: int) -> str:
    alt = "#" if flags & ALT else ""
    z = "z" if flags & NO_NEG_ZERO else ""
    p = f".{prec}" if prec >= 0 else ""
    return f"{z}{alt}{p}{typ}"


TYPES = ["e", "E", "f", "F", "g", "G", "%", ""]


def check_format(lib: ctypes.CDLL, x: float, typ: str, prec: int, flags: int) -> None:
    want = format(x, spec(typ, prec, flags))
    got = c_format(lib, x, typ or "\0", prec, flags)
    assert got == want, (x.hex(), spec(typ, prec, flags), got, want)


def test_format_matches_cpython_on_random_doubles(lib: ctypes.CDLL) -> None:
    rng = random.Random(21)
    for x in EDGES + random_doubles(22, 4000):
        for _ in range(3):
            typ = rng.choice(TYPES)
            prec = rng.choice([-1, 0, 1, 2, 3, 6, 10, 16, 17, 20, rng.randrange(0, 40)])
            if typ in "fF%" and abs(x) > 1e30 and prec > 20:
                prec = 20
            flags = rng.choice([0, 0, ALT, NO_NEG_ZERO])
            check_format(lib, x, typ, prec, flags)


@pytest.mark.parametrize("typ", TYPES)
def test_format_edge_values_every_type(lib: ctypes.CDLL, typ: str) -> None:
    for x in EDGES:
        for prec in (-1, 0, 1, 3, 17):
            for flags in (0, ALT, NO_NEG_ZERO):
                check_format(lib, x, typ, prec, flags)


def test_format_halfway_cases_round_half_even_on_exact_value(lib: ctypes.CDLL) -> None:
    for x in [0.125, 0.375, 2.5, 3.5, -0.5, 1.5, 0.045, 1.005, 2.675, 1e-7 * 5, 12.5, 0.25]:
        for prec in range(5):
            for typ in ("f", "e", "g"):
                check_format(lib, x, typ, prec, 0)
    # Exact values with many digits rounded at every position.
    for x in (5e-324, 2.0**-1074 * 7, 1 / 3, 2.0**-60, 1e-300):
        for prec in (50, 100, 300, 500, 767, 800, 1074, 1100):
            check_format(lib, x, "e", prec, 0)
            check_format(lib, x, "f", prec, 0)
            check_format(lib, x, "g", prec, 0)


def test_format_large_f_precision_is_exact(lib: ctypes.CDLL) -> None:
    for x in (1e300, -1.7976931348623157e308, 2.0**1000, 1e22, 1e23, 0.1):
        for prec in (0, 20, 50, 400):
            check_format(lib, x, "f", prec, 0)
            check_format(lib, x, "%", prec, 0)
    assert c_format(lib, 1e300, "f", 20).startswith("1000000000000000052504760255204420248704")


def test_format_reports_length_when_buffer_is_short(lib: ctypes.CDLL) -> None:
    want = format(-1234.5678, ".3e")
    buf = ctypes.create_string_buffer(4)
    n = lib.qv_format_double(-1234.5678, b"e", 3, 0, buf, 4)
    assert n == len(want)
    assert buf.raw[:4] == want[:4].encode()


def c_strtod(lib: ctypes.CDLL, text: str) -> float | int:
    raw = text.encode()
    out = ctypes.c_double()
    err = lib.qv_strtod(raw, len(raw), ctypes.byref(out))
    return err if err else out.value


def py_float(text: str) -> float | int:
    try:
        return float(text)
    except ValueError:
        return EVALUE


def check_strtod(lib: ctypes.CDLL, text: str) -> None:
    got, want = c_strtod(lib, text), py_float(text)
    if isinstance(want, int):
        assert got == want, text
    else:
        assert isinstance(got, float) and same(got, want), (text, got, want)


def test_strtod_reads_repr_and_long_forms(lib: ctypes.CDLL) -> None:
    rng = random.Random(23)
    for x in EDGES + random_doubles(24, 6000):
        check_strtod(lib, repr(x))
        check_strtod(lib, format(x, ".25e"))
        if rng.random() < 0.2:
            check_strtod(lib, format(x, ".800e"))


def test_strtod_halfway_points_round_half_even(lib: ctypes.CDLL) -> None:
    ctx = decimal.Context(prec=2000)
    rng = random.Random(25)
    xs = [x for x in random_doubles(26, 2500) if x != 0] + [5e-324, 1.7976931348623157e308]
    for x in xs:
        ax = abs(x)
        up = math.nextafter(ax, math.inf)
        if not math.isfinite(up):
            up = ax + (ax - math.nextafter(ax, 0))  # the midpoint towards 2^1024
        mid = ctx.divide(ctx.add(decimal.Decimal(ax), decimal.Decimal(up)), 2)
        text = format(mid, "f") if rng.random() < 0.5 else format(mid, "e")
        check_strtod(lib, text)
        # Just above and below the midpoint, by one unit in the 780th digit.
        eps = decimal.Decimal(1).scaleb(mid.adjusted() - 780)
        check_strtod(lib, format(ctx.add(mid, eps), "e"))
        check_strtod(lib, format(ctx.subtract(mid, eps), "e"))


STRTOD_SYNTAX = [
    "", " ", "1", " 1.5 ", "+1", "-1", "--1", "1.", ".5", ".", "e5", "1e5", "1E+5", "1e-5",
    "1e", "1e+", "1_000", "1__000", "_1", "1_", "1_.5", "1._5", "1.5_5", "1e1_0", "1e_10",
    "inf", "-Infinity", "+iNf", "infinit", "nan", "-NaN", "nana", "0x10", "1.5e308",
    "1e400", "-1e400", "1e-400", "-1e-400", "\t\n2.5\r\v", "1 2", "0.000001", "00001",
    "1e0000000000000000000000000001", "1e-99999999999999999999", "12345678901234567890",
    "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
    "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993",
    "0." + "0" * 400 + "1", "1" + "0" * 400 + "e-400", "1" * 1000, "0" * 500 + "1.5",
]


def test_strtod_syntax_matches_float(lib: ctypes.CDLL) -> None:
    for text in STRTOD_SYNTAX:
        check_strtod(lib, text)


def test_strtod_random_decimal_strings(lib: ctypes.CDLL) -> None:
    rng = random.Random(27)
    for _ in range(5000):
        nd = rng.choice([1, 5, 15, 16, 17, 18, 25, 40, rng.randrange(1, 900)])
        digits = "".join(rng.choice("0123456789") for _ in range(nd))
        exp = rng.randrange(-360 - nd, 320)
        point = rng.randrange(0, nd + 1)
        text = digits[:point] + "." + digits[point:] + f"e{exp}"
        check_strtod(lib, rng.choice(["", "-"]) + text)


def c_round(lib: ctypes.CDLL, x: float, n: int) -> float | int:
    out = ctypes.c_double()
    err = lib.qv_double_round(x, n, ctypes.byref(out))
    return err if err else out.value


def test_round_matches_cpython(lib: ctypes.CDLL) -> None:
    rng = random.Random(28)
    cases = [(2.675, 2), (0.125, 2), (0.375, 2), (2.5, 0), (-2.5, 0), (1.5, 0), (-0.4, 0),
             (1234.5, -1), (1250.0, -2), (1350.0, -2), (5e-324, 323), (5e-324, 324),
             (1e300, -299), (1.7976931348623157e308, -308), (1.7976931348623157e308, -307),
             (0.5, 400), (12.0, -400), (-12.0, -400), (float("inf"), 2), (float("nan"), 1),
             (-0.0, 3)]
    for x in random_doubles(29, 4000):
        cases.append((x, rng.randrange(-20, 25)))
        cases.append((x, rng.randrange(-330, 330)))
    for x, n in cases:
        got = c_round(lib, x, n)
        try:
            want: float | int = round(x, n)
        except OverflowError:
            want = EOVERFLOW
        if isinstance(want, int):
            assert got == want, (x, n)
        else:
            assert isinstance(got, float) and same(got, want), (x.hex(), n, got, want)


def test_hex_roundtrip_matches_cpython(lib: ctypes.CDLL) -> None:
    buf = ctypes.create_string_buffer(32)
    for x in EDGES + random_doubles(30, 3000):
        n = lib.qv_double_to_hex(x, buf)
        assert buf.raw[:n].decode() == x.hex()
        raw = x.hex().encode()
        out = ctypes.c_double()
        assert lib.qv_double_from_hex(raw, len(raw), ctypes.byref(out)) == OK
        assert same(out.value, x)


FROMHEX = [
    "0x1p0", "1p0", "0X1.8P+1", "  -0x1.fffffffffffffp1023 ", "0x1.fffffffffffff8p1023",
    "0x1.fffffffffffff7ffp1023", "0x1p1024", "0x1p-1074", "0x1p-1075", "0x1.8p-1075",
    "0x1.00000000000008p0", "0x1.00000000000018p0", "0x1.000000000000080001p0",
    "0x0.0000000000000000000001p-900", "0x.8", "0x8.", "0x.", "0x", "", "1.2.3", "0x1p",
    "0x1p+", "0x1p1_0", "inf", "-Infinity", "nan", "0xg", "0x1 p1", "0x1e3",
    "0x123456789abcdef123456789p-100", "0x" + "f" * 300 + "p-1200", "-0x0p0",
]


def test_fromhex_matches_cpython(lib: ctypes.CDLL) -> None:
    for text in FROMHEX:
        raw = text.encode()
        out = ctypes.c_double()
        err = lib.qv_double_from_hex(raw, len(raw), ctypes.byref(out))
        try:
            want: float | int = float.fromhex(text)
        except OverflowError:
            want = EOVERFLOW
        except ValueError:
            want = EVALUE
        if isinstance(want, int):
            assert err == want, text
        else:
            assert err == OK and same(out.value, want), (text, out.value, want)


def test_double_hash_matches_cpython(lib: ctypes.CDLL) -> None:
    lib.qv_double_hash.restype = ctypes.c_int64
    lib.qv_double_hash.argtypes = [ctypes.c_double]
    for x in [v for v in EDGES if not math.isnan(v)] + random_doubles(31, 5000) + [-1.0, -2.0]:
        assert lib.qv_double_hash(x) == hash(x), x
    # Integral doubles hash like the equal int (hash(n) == hash(float(n))).
    for n in (0, 1, -1, 2**61 - 1, 2**61, 2**64 + 2**12, -(2**100), 10**300):
        assert lib.qv_double_hash(float(n)) == hash(int(float(n)))
