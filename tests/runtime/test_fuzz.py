"""Bounded fuzzing of the lexer, parser, compiler and bytecode loader.

Programs come from hypothesis strategies (grammar-shaped and token soup) and
from mutating the differential cases (delete/duplicate/swap/insert tokens,
random bytes, truncation, deep nesting). They are fed in batches to
`qpy-asan --check FILE...`, which compiles each file without running it and
prints `FILE: ok` or the SyntaxError. Compiled `.qbc` files are mutated and
fed to `qpy-asan --load-check FILE...`. Neither may crash, hang or report a
sanitizer error; an input that does is saved under fuzz_crashes/ and the
test fails.

The run is deterministic (fixed seeds) and bounded: QUESTV_FUZZ_SECONDS
(default 60) is shared between the three tests.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from qpy_harness import CASES_DIR, QPY, QPY_ASAN, RUNTIME_TESTS, case_names, child_env

CRASH_DIR = RUNTIME_TESTS / "fuzz_crashes"
# Seconds of fuzzing shared by the three tests; with start-up and the last
# batch of each, the default makes about a minute in all.
BUDGET = float(os.environ.get("QUESTV_FUZZ_SECONDS", "45"))
SEED = int(os.environ.get("QUESTV_FUZZ_SEED", "20261121"))
BATCH = 40
BATCH_TIMEOUT = 60.0
SANITIZER_MARKS = (b"AddressSanitizer", b"UndefinedBehaviorSanitizer", b"LeakSanitizer",
                   b"runtime error:")

TOKENS = ["def", "class", "return", "yield", "lambda", "if", "elif", "else", "for", "while",
          "in", "not", "and", "or", "is", "try", "except", "finally", "with", "as", "raise",
          "from", "import", "global", "nonlocal", "pass", "break", "continue", "del", "assert",
          "async", "await", "None", "True", "False", "x", "y", "f", "self", "0", "1", "2.5",
          "1e309", "0x_1", "10**100", "'s'", '"t"', "b'b'", "f'{x}'", "f'{x!r:>{y}}'", "'''",
          '"""', "r'\\'", "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "...", "=", "==",
          "+", "-", "*", "**", "/", "//", "%", "@", "<<", ">>", "&", "|", "^", "~", "<", ">",
          "<=", ">=", "!=", "->", "+=", ":=", "\\", "#", "\n", "\n    ", "\n        ", "\t",
          " ", "\r\n", "é", "\x00", "\ufeff"]
NESTERS = ["(", "[", "{", "f(", "lambda: ", "not ", "-", "[x for x in ", "{1: ", "(yield "]


def deadline_share(fraction: float) -> float:
    return time.monotonic() + BUDGET * fraction


def asan_binary() -> Path:
    if not QPY_ASAN.exists():
        pytest.fail(f"{QPY_ASAN} is not built (make binaries)")
    return QPY_ASAN


def save_crash(kind: str, data: bytes, why: str) -> Path:
    CRASH_DIR.mkdir(exist_ok=True)
    n = len(list(CRASH_DIR.glob(f"{kind}-*")))
    path = CRASH_DIR / f"{kind}-{n:03d}{'.qbc' if kind == 'load' else '.py'}"
    path.write_bytes(data)
    path.with_suffix(path.suffix + ".why").write_text(why + "\n")
    return path


def problem(proc_rc: int | None, out: bytes, err: bytes, files: list[Path]) -> str | None:
    """Why a --check/--load-check run is a failure, or None when it behaved."""
    if proc_rc is None:
        return "hang"
    if proc_rc < 0:
        return f"killed by signal {-proc_rc}"
    for mark in SANITIZER_MARKS:
        if mark in err:
            line = err[err.index(mark):].split(b"\n")[0]
            return f"sanitizer: {line.decode('utf-8', 'replace')[:200]}"
    text = out.decode("utf-8", "replace")
    missing = [f.name for f in files if not re.search(rf"^{re.escape(str(f))}: ", text, re.MULTILINE)]
    if missing:
        return f"no verdict printed for {missing[:3]} (status {proc_rc})"
    return None


# Inputs run and accepted per mode, printed at the end of each test (-s shows them).
STATS: dict[str, list[int]] = {}


def run_batch(mode: str, files: list[Path]) -> str | None:
    argv = [str(asan_binary()), mode, *map(str, files)]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=BATCH_TIMEOUT, env=asan_env(),
                              check=False)
    except subprocess.TimeoutExpired as exc:
        return problem(None, exc.stdout or b"", exc.stderr or b"", files)
    counts = STATS.setdefault(mode, [0, 0])
    counts[0] += len(files)
    counts[1] += proc.stdout.count(b": ok\n")
    return problem(proc.returncode, proc.stdout, proc.stderr, files)


def report(mode: str) -> None:
    run, ok = STATS.get(mode, [0, 0])
    print(f"\nfuzz {mode}: {run} inputs so far, {ok} accepted, budget {BUDGET:.0f} s, seed {SEED}")


def asan_env() -> dict[str, str]:
    env = child_env()
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    return env


def check_inputs(mode: str, inputs: list[bytes], workdir: Path) -> list[str]:
    """Feeds the inputs in one batch; on trouble, finds and saves each culprit."""
    suffix = ".qbc" if mode == "--load-check" else ".py"
    files = []
    for i, data in enumerate(inputs):
        path = workdir / f"in{i:03d}{suffix}"
        path.write_bytes(data)
        files.append(path)
    why = run_batch(mode, files)
    if why is None:
        return []
    saved = []
    for path in files:
        single = run_batch(mode, [path])
        if single is not None:
            kind = "load" if mode == "--load-check" else "check"
            saved.append(f"{save_crash(kind, path.read_bytes(), single)}: {single}")
    return saved or [f"batch failed ({why}) but no single input reproduces it"]


# ---------------------------------------------------------------- mutation

TOKEN_RE = re.compile(rb"\w+|\s+|.", re.DOTALL)


def mutate(src: bytes, rng: random.Random) -> bytes:
    toks = TOKEN_RE.findall(src) or [b""]
    op = rng.randrange(9)
    i = rng.randrange(len(toks))
    j = rng.randrange(len(toks))
    if op == 0:
        del toks[i]
    elif op == 1:
        toks.insert(i, toks[j])
    elif op == 2:
        toks[i], toks[j] = toks[j], toks[i]
    elif op == 3:
        toks.insert(i, rng.choice(TOKENS).encode())
    elif op == 4:
        data = bytearray(b"".join(toks))
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    elif op == 5:
        return b"".join(toks)[: rng.randrange(len(src) + 1)]
    elif op == 6:
        depth = rng.choice([50, 200, 1000, 5000])
        opener = rng.choice(NESTERS)
        closer = "".join({"(": ")", "[": "]", "{": "}"}.get(c, "") for c in reversed(opener))
        toks.insert(i, (opener * depth + "1" + closer * depth).encode())
    elif op == 7:
        lines = b"".join(toks).split(b"\n")
        k = rng.randrange(len(lines))
        lines[k] = b" " * rng.randint(1, 9) + lines[k].lstrip()
        return b"\n".join(lines)
    else:
        block = b"".join(toks[i:i + rng.randint(1, 20)])
        toks.insert(j, block * rng.randint(2, 50))
    return b"".join(toks)


def case_sources() -> list[bytes]:
    return [(CASES_DIR / f"{n}.py").read_bytes() for n in case_names()]


def test_mutated_cases_never_crash_the_compiler(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    sources = case_sources()
    end = deadline_share(0.4)
    failures: list[str] = []
    batches = 0
    while time.monotonic() < end and not failures:
        inputs = []
        for _ in range(BATCH):
            data = rng.choice(sources)
            for _ in range(rng.randint(1, 6)):
                data = mutate(data, rng)
            inputs.append(data)
        failures = check_inputs("--check", inputs, tmp_path)
        batches += 1
    report("--check")
    assert batches > 0
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- hypothesis

names = st.sampled_from(["a", "b", "x", "self", "_", "é", "None", "print", "len"])
literals = st.one_of(
    st.integers(min_value=-(2 ** 200), max_value=2 ** 200).map(str),
    st.floats(allow_nan=False).map(repr),
    st.text(max_size=12).map(repr),
    st.binary(max_size=8).map(repr),
    st.sampled_from(["...", "0x1F", "0o17", "0b1_0", "1_000", "1e-5", "3j", "f'{a}'",
                     "f'{a!r:{b}}'", "'''x'''", "r'\\d'"]),
)


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        st.one_of(names, literals),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<<", "&",
                                              "|", "^", "and", "or", "<", "==", "is not",
                                              "not in", "@"]), inner)
            .map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["-", "~", "not ", "await ", "*", "**"]), inner)
            .map(lambda t: t[0] + t[1]),
            st.tuples(inner, st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(inner, names).map(lambda t: f"{t[0]}.{t[1]}"),
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(inner, max_size=3).map(lambda xs: "(" + ", ".join(xs) + ",)"),
            st.tuples(inner, inner).map(lambda t: "{" + f"{t[0]}: {t[1]}" + "}"),
            st.tuples(inner, names, inner).map(lambda t: f"[{t[0]} for {t[1]} in {t[2]}]"),
            st.tuples(names, inner).map(lambda t: f"(lambda {t[0]}: {t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(inner).map(lambda t: f"f'{{{t[0]}}}'"),
        ),
        max_leaves=12,
    )


def statements(expr: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    simple = st.one_of(
        expr,
        st.tuples(names, expr).map(lambda t: f"{t[0]} = {t[1]}"),
        st.tuples(names, expr).map(lambda t: f"{t[0]} += {t[1]}"),
        st.tuples(names, names, expr).map(lambda t: f"{t[0]}, *{t[1]} = {t[2]}"),
        expr.map(lambda e: f"return {e}"),
        expr.map(lambda e: f"yield {e}"),
        expr.map(lambda e: f"assert {e}, 'm'"),
        expr.map(lambda e: f"raise {e} from None"),
        names.map(lambda n: f"del {n}"),
        names.map(lambda n: f"global {n}"),
        names.map(lambda n: f"nonlocal {n}"),
        st.sampled_from(["pass", "break", "continue", "import sys", "from math import *"]),
    )

    def block(header: str, body: list[str]) -> str:
        return header + "\n" + "\n".join("    " + ln for b in body for ln in b.split("\n"))

    return st.recursive(
        simple,
        lambda inner: st.one_of(
            st.tuples(expr, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: block(f"if {t[0]}:", t[1])),
            st.tuples(names, expr, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: block(f"for {t[0]} in {t[1]}:", t[2])),
            st.tuples(expr, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: block(f"while {t[0]}:", t[1])),
            st.tuples(names, st.lists(names, max_size=3), st.lists(inner, min_size=1,
                                                                   max_size=3)).map(
                lambda t: block(f"def {t[0]}({', '.join(t[1])}):", t[2])),
            st.tuples(names, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: block(f"class {t[0]}:", t[1])),
            st.tuples(st.lists(inner, min_size=1, max_size=2),
                      st.lists(inner, min_size=1, max_size=2)).map(
                lambda t: block("try:", t[0]) + "\n" + block("except Exception as e:", t[1])),
            st.tuples(expr, names, st.lists(inner, min_size=1, max_size=2)).map(
                lambda t: block(f"with {t[0]} as {t[1]}:", t[2])),
            st.tuples(names, st.lists(inner, min_size=1, max_size=2)).map(
                lambda t: block(f"async def {t[0]}():", t[1])),
        ),
        max_leaves=10,
    )


programs = st.one_of(
    st.lists(statements(expressions()), min_size=1, max_size=6).map(lambda ss: "\n".join(ss)),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=60).map("".join),
    st.text(max_size=200),
).map(lambda s: s.encode("utf-8", "surrogatepass"))
raw_bytes = st.binary(max_size=300)

HYPOTHESIS_END: list[float] = []


# Generating one batch takes about half a second; the time check below is the
# real bound, this only keeps hypothesis from generating batches nobody runs.
# No shrinking: the culprit is already isolated and saved by check_inputs.
@settings(derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          max_examples=max(10, int(BUDGET * 0.35 / 0.5)),
          suppress_health_check=list(HealthCheck))
@given(batch=st.lists(st.one_of(programs, programs, programs, raw_bytes),
                      min_size=BATCH, max_size=BATCH))
def test_generated_programs_never_crash_the_compiler(batch: list[bytes]) -> None:
    if not HYPOTHESIS_END:
        HYPOTHESIS_END.append(deadline_share(0.35))
    if time.monotonic() > HYPOTHESIS_END[0]:
        return  # budget spent: the remaining examples are not run
    with tempfile.TemporaryDirectory(prefix="qpy-fuzz-") as workdir:
        failures = check_inputs("--check", batch, Path(workdir))
    report("--check")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- bytecode loader

def compiled_cases(tmp_path: Path, count: int, rng: random.Random) -> list[bytes]:
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    out = []
    for name in rng.sample(case_names(), count):
        dst = tmp_path / f"{name}.qbc"
        proc = subprocess.run([str(QPY), "-o", str(dst), str(CASES_DIR / f"{name}.py")],
                              capture_output=True, timeout=30, check=False)
        if proc.returncode == 0 and dst.exists():
            out.append(dst.read_bytes())
    assert out, "qpy -o compiled none of the sampled cases"
    return out


def mutate_bytecode(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    op = rng.randrange(6)
    if op == 0 and buf:
        for _ in range(rng.randint(1, 4)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif op == 1:
        del buf[rng.randrange(len(buf) + 1):]
    elif op == 2 and buf:
        i = rng.randrange(len(buf))
        buf[i:i] = buf[i:i + rng.randint(1, 64)]
    elif op == 3 and buf:
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(len(buf))] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    elif op == 4:
        i = rng.randrange(len(buf) + 1)
        del buf[i:i + rng.randint(1, 32)]
    else:
        buf += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return bytes(buf)


def reseal(data: bytes) -> bytes:
    """Gives a mutated file a valid length and CRC so it reaches the verifier.

    Header facts from docs/bytecode.md: magic "QVBC", u16 version, u16
    reserved, u32 payload length at 8, u32 CRC-32 (zlib's) of the payload at 12.
    """
    if len(data) < 16 or data[:4] != b"QVBC":
        return data
    payload = data[16:]
    return (data[:8] + len(payload).to_bytes(4, "little")
            + zlib.crc32(payload).to_bytes(4, "little") + payload)


def test_mutated_bytecode_never_crashes_the_loader(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    originals = compiled_cases(tmp_path, 12, rng)
    files = []
    for i, data in enumerate(originals):
        files.append(tmp_path / f"orig{i}.qbc")
        files[-1].write_bytes(data)
    proc = subprocess.run([str(asan_binary()), "--load-check", *map(str, files)],
                          capture_output=True, timeout=BATCH_TIMEOUT, env=asan_env(), check=False)
    verdicts = proc.stdout.decode("utf-8", "replace").splitlines()
    assert verdicts == [f"{f}: ok" for f in files], proc.stdout + proc.stderr
    failures: list[str] = []
    end = deadline_share(0.25)
    while time.monotonic() < end and not failures:
        inputs = []
        for _ in range(BATCH):
            data = rng.choice(originals)
            for _ in range(rng.randint(1, 3)):
                data = mutate_bytecode(data, rng)
            # Most resealed: a bad CRC alone would stop every input at the door.
            inputs.append(reseal(data) if rng.random() < 0.8 else data)
        failures = check_inputs("--load-check", inputs, tmp_path)
    report("--load-check")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- saved crashes

def open_crashes() -> dict[str, str]:
    listing = CRASH_DIR / "OPEN.txt"
    if not listing.exists():
        return {}
    rows = [ln.split(" ", 1) for ln in listing.read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    return {r[0]: (r[1] if len(r) > 1 else "open") for r in rows}


def saved_crash_params() -> list:
    known = open_crashes()
    files = sorted(p for p in CRASH_DIR.glob("*") if p.suffix in (".py", ".qbc"))
    return [pytest.param(p, id=p.name,
                         marks=[pytest.mark.xfail(reason=known[p.name], strict=True)]
                         if p.name in known else [])
            for p in files]


def test_open_crash_list_names_saved_files() -> None:
    missing = [n for n in open_crashes() if not (CRASH_DIR / n).exists()]
    assert not missing, f"fuzz_crashes/OPEN.txt names files that are not there: {missing}"


@pytest.mark.parametrize("path", saved_crash_params())
def test_saved_crash_inputs_no_longer_crash(path: Path) -> None:
    """Every input a fuzz run ever saved stays in the suite as a regression test."""
    mode = "--load-check" if path.suffix == ".qbc" else "--check"
    why = run_batch(mode, [path])
    assert why is None, why
