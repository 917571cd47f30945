"""Each deliberate difference from CPython in docs/differences.md, asserted as
documented: what qpy does, and (where it is a fact worth pinning) that
CPython does otherwise, so a difference that disappears is noticed too."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qpy_harness import QPY, REPO, child_env, run

DOC = REPO / "docs" / "differences.md"


def qpy(code: str, *opts: str, env: dict[str, str] | None = None):
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    return run([str(QPY), *opts, "-c", code], env=env)


def cpython(code: str):
    return run([sys.executable, "-c", code])


def last_line(outcome) -> str:
    lines = outcome.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


def test_the_document_lists_the_differences_tested_here() -> None:
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert [int(n) for n, _ in rows] == list(range(1, 12)), rows


def test_1_complex_numbers_are_not_supported() -> None:
    lit = qpy("x = 1j")
    assert lit.returncode == 1
    assert last_line(lit) == "SyntaxError: complex numbers are not supported"
    name = qpy("complex(1, 2)")
    assert last_line(name) == "NameError: name 'complex' is not defined"
    assert cpython("print(1j * 1j)").stdout == b"(-1+0j)\n"


def test_2_micropython_module() -> None:
    out = qpy("import micropython\nX = micropython.const(41)\nprint(X + 1)\nmicropython.mem_info()")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines[0] == "42"
    assert re.fullmatch(r"mem: total=\d+, current=\d+, peak=\d+", lines[1]), lines
    assert "ModuleNotFoundError" in last_line(cpython("import micropython"))


def test_3_micropython_time_functions() -> None:
    code = ("import time\n"
            "a = time.ticks_us()\nm = time.ticks_ms()\ntime.sleep_ms(20)\nb = time.ticks_us()\n"
            "d = time.ticks_diff(b, a)\n"
            "print(type(a).__name__, type(m).__name__, 20000 <= d < 5000000,\n"
            "      time.ticks_diff(time.ticks_add(a, 1000), a))\n")
    out = qpy(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b"int int True 1000\n"
    assert "AttributeError" in last_line(cpython("import time; time.ticks_us()"))


def test_4_platform_names() -> None:
    out = qpy("import sys\nprint(sys.platform, sys.implementation.name)")
    assert out.stdout == b"questv questv\n"
    assert cpython("import sys\nprint(sys.implementation.name)").stdout == b"cpython\n"


def test_5_str_hashes_are_the_same_in_every_run() -> None:
    code = "print(hash('questv'), hash('a' * 100), hash(''))"
    values = set()
    for seed in ("1", "2", "random"):
        env = child_env()
        env["PYTHONHASHSEED"] = seed
        out = qpy(code, env=env)
        assert out.returncode == 0, out.stderr
        values.add(out.stdout)
    assert len(values) == 1, values
    salted = child_env()
    salted["PYTHONHASHSEED"] = "random"
    runs = {run([sys.executable, "-c", "print(hash('questv'))"], env=salted).stdout
            for _ in range(4)}
    assert len(runs) > 1, "CPython's str hash was expected to be salted per run"


def test_6_random_is_reproducible_but_not_cpythons_sequence() -> None:
    code = ("import random\nrandom.seed(12345)\n"
            "print([random.random() for _ in range(3)], random.getrandbits(32),"
            " random.randint(1, 6))\n")
    first, second = qpy(code), qpy(code)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout != cpython(code).stdout
    check = ("import random\nrandom.seed(7)\nxs = [random.random() for _ in range(1000)]\n"
             "print(all(0.0 <= x < 1.0 for x in xs), len(set(xs)) > 990)\n")
    assert qpy(check).stdout == b"True True\n"


def test_7_fixed_heap_size() -> None:
    small = qpy("x = bytearray(2 * 1024 * 1024)\nprint('allocated')", "--heap", "1m")
    assert small.returncode == 1 and small.stdout == b""
    assert last_line(small).startswith("MemoryError")
    big = qpy("x = bytearray(2 * 1024 * 1024)\nprint('allocated')", "--heap", "8m")
    assert big.returncode == 0 and big.stdout == b"allocated\n"
    default = qpy("x = bytearray(100 * 1024 * 1024)")
    assert last_line(default).startswith("MemoryError"), "default heap should be 64 MiB"


def interrupted_status(argv: list[str], tmp_path: Path) -> tuple[int | None, str]:
    script = tmp_path / "spin.py"
    script.write_text("while True:\n    pass\n")
    proc = subprocess.Popen([*argv, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env())
    try:
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err.decode("utf-8", "replace").strip().splitlines()[-1]


def test_8_uncaught_keyboard_interrupt_exits_with_status_1(tmp_path: Path) -> None:
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    assert interrupted_status([str(QPY)], tmp_path) == (1, "KeyboardInterrupt")
    assert interrupted_status([sys.executable], tmp_path) == (-signal.SIGINT,
                                                              "KeyboardInterrupt")


def test_9_file_errors_are_plain_oserror_with_the_errno_name(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    out = qpy(f"open({missing!r})")
    assert last_line(out) == "OSError: [Errno 2] ENOENT"
    out = qpy(f"try:\n open({missing!r})\nexcept OSError as e:\n print(type(e).__name__, e.errno, e)")
    assert out.stdout == b"OSError 2 [Errno 2] ENOENT\n"
    assert last_line(cpython(f"open({missing!r})")).startswith("FileNotFoundError: [Errno 2]")


def test_10_os_module_is_micropythons(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("abc")
    (tmp_path / "sub").mkdir()
    code = (f"import os\nos.chdir({str(tmp_path)!r})\n"
            "print(sorted(os.ilistdir()))\nst = os.stat('f.txt')\n"
            "print(type(st).__name__, len(st), st[6])\nprint(os.uname().sysname, hasattr(os, 'path'))")
    out = qpy(code)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    # a directory's size is whatever the host file system says
    assert lines[0].startswith("[('f.txt', 32768, 0, 3), ('sub', 16384, 0, "), lines
    assert lines[1:] == ["tuple 10 3", "questv False"]
    assert "AttributeError" in last_line(cpython("import os\nos.ilistdir()"))


def test_11_traceback_is_a_list_of_entries_with_repeat_counts() -> None:
    code = ("def f(n):\n    if n == 0:\n        raise ValueError\n    f(n - 1)\n"
            "try:\n    f(50)\nexcept ValueError as e:\n    tb = e.__traceback__\n    x = e\n"
            "print(type(tb).__name__, len(tb), [(t[1], t[3]) for t in tb])\n"
            "try:\n    x.__traceback__ = 'x'\nexcept TypeError as t:\n    print(t)\n")
    out = qpy(code)
    assert out.returncode == 0, out.stderr
    # innermost first: line 3 once; f's line 4 fifty times in a row, as one
    # entry; <module> line 6
    assert out.stdout.decode().splitlines() == [
        "list 3 [(3, 0), (4, 49), (6, 0)]", "__traceback__ must be a traceback or None"]
    ref = cpython(code.replace("print(type(tb).__name__, len(tb), [(t[1], t[3]) for t in tb])",
                               "print(type(tb).__name__)"))
    assert ref.stdout.decode().splitlines() == [
        "traceback", "__traceback__ must be a traceback or None"]
