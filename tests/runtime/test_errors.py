"""Errors are exceptions, never crashes: checked through the qpy command line.

SyntaxError positions and traceback frames are compared with what CPython
reports for the same source; the rest (RecursionError, MemoryError with a
small heap, SIGINT, refused bytecode files) checks the runtime's own
contract from issue 3.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from qpy_harness import QPY, QPY_ASAN, child_env, run

# Sources whose error CPython places on the offending token: line and column
# must match CPython's SyntaxError.lineno/offset.
POSITIONED = [
    "x = 1 +\n",
    "def f(:\n    pass\n",
    "a = 1\nb = 2 3\n",
    "x = )\n",
    "for in range(3):\n    pass\n",
    "x = 5 $ 3\n",
    "x = 1\ny = = 2\n",
    "\n\n\nx = 1 2\n",
    "x = (1 +\n     2 +\n     )\n",
    "x = 1.2.3\n",
    "import\n",
    "return 5\n",
    "break\n",
    "x = 'unterminated\n",
    'x = """never closed\n\n',
    "f(a=1, 2)\n",
    "def f(a, a):\n    pass\n",
    "def g():\n    return 1\n\nclass C:\n    def m(self):\n        x = [1, 2,, 3]\n",
]
# Sources where only the line (and the exception type) is compared: CPython's
# column for these is a property of its own tokenizer, not of the source.
LINE_ONLY = [
    "if x\n    pass\n",
    "def f():\nreturn 1\n",
    "  x = 1\n",
    "if 1:\n    a = 1\n      b = 2\n",
    "if 1:\n        a = 1\n    b = 2\n",
    "class C\n    pass\n",
    "while True\n    pass\n",
]
# Where qpy is known to differ today (strict: the mark must go when it is fixed).
KNOWN_POSITION_BUGS: dict[str, str] = {}


def syntax_params() -> list:
    return [pytest.param(src, id=repr(src)[:40],
                         marks=[pytest.mark.xfail(reason=KNOWN_POSITION_BUGS[src], strict=True)]
                         if src in KNOWN_POSITION_BUGS else [])
            for src in POSITIONED + LINE_ONLY]


def cpython_syntax_error(src: str) -> tuple[str, int, int]:
    try:
        compile(src, "bad.py", "exec")
    except SyntaxError as e:
        return type(e).__name__, e.lineno or 0, e.offset or 0
    raise AssertionError(f"CPython accepts {src!r}")


def qpy_path() -> Path:
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    return QPY


def run_qpy_file(tmp_path: Path, src: str, *opts: str, name: str = "prog.py",
                 binary: Path | None = None, timeout: float = 20.0):
    path = tmp_path / name
    path.write_text(src, encoding="utf-8")
    exe = binary or qpy_path()
    return run([str(exe), *opts, str(path)], cwd=tmp_path, timeout=timeout), path


def assert_no_crash(outcome, what: str) -> None:
    assert outcome.returncode is not None, f"{what}: hung"
    assert outcome.returncode >= 0, f"{what}: killed by signal {-outcome.returncode}"
    err = outcome.stderr.decode("utf-8", "replace")
    assert "Sanitizer" not in err and "runtime error:" not in err, f"{what}: {err[-2000:]}"


def reported_column(stderr: str, source_line: str) -> int | None:
    """The 1-based column qpy reports: 'column N', or a caret under the echoed line."""
    m = re.search(r"\bcol(?:umn)?\s*[:=]?\s*(\d+)", stderr)
    if m:
        return int(m.group(1))
    lines = stderr.splitlines()
    stripped = source_line.strip()
    for i, line in enumerate(lines[:-1]):
        if stripped and line.strip() == stripped and "^" in lines[i + 1]:
            echo_start = len(line) - len(line.lstrip())
            caret = lines[i + 1].index("^")
            lead = len(source_line) - len(source_line.lstrip())
            return caret - echo_start + lead + 1
    return None


@pytest.mark.parametrize("src", syntax_params())
def test_compile_reports_cpython_line_and_column(src: str, tmp_path: Path) -> None:
    """compile() inside qpy raises SyntaxError with CPython's type, lineno and offset."""
    kind, line, col = cpython_syntax_error(src)
    probe = ("try:\n    compile(SRC, 'bad.py', 'exec')\n    print('accepted')\n"
             "except SyntaxError as e:\n    print(type(e).__name__, e.lineno, e.offset)\n")
    out, _ = run_qpy_file(tmp_path, f"SRC = {src!r}\n" + probe)
    assert_no_crash(out, "compile")
    got = out.stdout.decode().split()
    assert got[:2] == [kind, str(line)], (got, out.stderr.decode()[-500:])
    if src in POSITIONED:
        assert got[2] == str(col), f"column {got[2]}, CPython {col}"


@pytest.mark.parametrize("src", syntax_params())
def test_cli_syntax_error_names_file_line_and_column(src: str, tmp_path: Path) -> None:
    kind, line, col = cpython_syntax_error(src)
    out, _ = run_qpy_file(tmp_path, src, name="bad_input.py")
    assert_no_crash(out, "syntax error")
    assert out.returncode == 1
    err = out.stderr.decode("utf-8", "replace")
    assert "bad_input.py" in err, err
    assert re.search(rf"\bline {line}\b", err), err
    last = err.strip().splitlines()[-1]
    assert last.startswith((f"{kind}:", "SyntaxError:")), last
    if src in POSITIONED:
        source_line = src.splitlines()[line - 1] if line <= len(src.splitlines()) else ""
        assert reported_column(err, source_line) == col, err


TRACEBACK_PROGRAM = '''\
class Parser:
    def parse(self, text):
        return [self.item(t) for t in text.split(",")]

    def item(self, t):
        return convert(t)


def convert(t):
    if t == "bad":
        raise ValueError("cannot convert " + t)
    return int(t)


def main():
    p = Parser()
    print(p.parse("1,2"))
    handler = lambda s: p.parse(s)
    handler("3,bad")


main()
'''


def frames(stderr: bytes) -> list[tuple[str, str, str]]:
    return re.findall(r'File "([^"]+)", line (\d+), in (\S+)', stderr.decode("utf-8", "replace"))


def test_traceback_names_file_and_line_of_every_frame(tmp_path: Path) -> None:
    out, path = run_qpy_file(tmp_path, TRACEBACK_PROGRAM, name="tb_prog.py")
    ref = run([sys.executable, path.name], cwd=tmp_path)
    assert out.returncode == 1 and ref.returncode == 1
    assert out.stdout == ref.stdout
    err = out.stderr.decode()
    assert err.startswith("Traceback (most recent call last):"), err
    want = [(Path(f).name, n, fn) for f, n, fn in frames(ref.stderr)]
    got = [(Path(f).name, n, fn) for f, n, fn in frames(out.stderr)]
    # CPython 3.11 names comprehension frames <listcomp>; compare lines and files
    # for every frame, and function names where they are not comprehension scopes.
    assert [(f, n) for f, n, _ in got] == [(f, n) for f, n, _ in want], err
    assert [fn for _, _, fn in got if not fn.startswith("<")] == \
        [fn for _, _, fn in want if not fn.startswith("<")], err
    assert err.strip().splitlines()[-1] == "ValueError: cannot convert bad"


def test_traceback_of_error_raised_by_a_builtin(tmp_path: Path) -> None:
    src = "def f(d):\n    return d['missing']\n\nx = {}\nf(x)\n"
    out, path = run_qpy_file(tmp_path, src, name="kb.py")
    ref = run([sys.executable, path.name], cwd=tmp_path)
    assert out.returncode == 1
    assert [(Path(f).name, n) for f, n, _ in frames(out.stderr)] == \
        [(Path(f).name, n) for f, n, _ in frames(ref.stderr)]
    assert out.stderr.decode().strip().splitlines()[-1] == "KeyError: 'missing'"


RECURSE = "def f(n):\n    return f(n + 1) + 1\n\nf(0)\n"


@pytest.mark.parametrize("binary", ["qpy", "qpy-asan"])
def test_deep_recursion_raises_recursion_error(binary: str, tmp_path: Path) -> None:
    exe = QPY if binary == "qpy" else QPY_ASAN
    if not exe.exists():
        pytest.fail(f"{exe} is not built (make binaries)")
    out, _ = run_qpy_file(tmp_path, RECURSE, binary=exe, timeout=60)
    assert_no_crash(out, "recursion")
    assert out.returncode == 1
    assert out.stderr.decode().strip().splitlines()[-1].startswith("RecursionError")


def test_recursion_error_is_catchable_and_the_program_continues(tmp_path: Path) -> None:
    src = ("def f(n):\n    return f(n + 1)\n\nfor i in range(3):\n    try:\n        f(0)\n"
           "    except RecursionError:\n        print('caught', i)\nprint('done')\n")
    out, _ = run_qpy_file(tmp_path, src)
    assert_no_crash(out, "recursion")
    assert out.stdout.decode().split("\n") == ["caught 0", "caught 1", "caught 2", "done", ""]


def test_recursion_error_in_a_small_heap_is_not_a_memory_error(tmp_path: Path) -> None:
    # 1000 levels (the default limit) in a 256 KiB heap: frames sized to their
    # code and a traceback that counts repeated lines instead of keeping one
    # entry per level leave room for the RecursionError, and for a 300-deep
    # recursion right after it (the board REPL's heap is 256 KiB).
    src = (RECURSE.replace("f(0)\n", "") +
           "try:\n    f(0)\nexcept RecursionError as e:\n    print('caught', type(e).__name__)\n"
           "print((lambda g: g(g, 300))(lambda g, n: n and 1 + g(g, n - 1)))\nf(0)\n")
    out, _ = run_qpy_file(tmp_path, src, "--heap", "256k")
    assert_no_crash(out, "recursion in a small heap")
    assert out.stdout.decode().split("\n") == ["caught RecursionError", "300", ""]
    err = out.stderr.decode().strip().splitlines()
    assert err[-1] == "RecursionError: maximum recursion depth exceeded", err[-3:]
    # printed as CPython does: three times, then counted
    assert err[-2] == "  [Previous line repeated 996 more times]", err[-6:]
    assert sum(1 for ln in err if ln.startswith('  File "') and ", in f" in ln) == 3, err


def test_frames_without_blocks_are_small(tmp_path: Path) -> None:
    # 600 calls of a function with no try/with in a 128 KiB heap (it ran out
    # of memory at about 265 while every frame carried 16 block slots); a
    # function with a try still nests its blocks correctly.
    src = ("def f(n):\n    return n and 1 + f(n - 1)\nprint(f(600))\n"
           "class M:\n    def __enter__(self):\n        return self\n"
           "    def __exit__(self, *a):\n        return False\n"
           "def g(n):\n    with M():\n        try:\n            return n and 1 + g(n - 1)\n"
           "        finally:\n            pass\nprint(g(100))\n")
    out, _ = run_qpy_file(tmp_path, src, "--heap", "128k")
    assert_no_crash(out, "frames")
    assert out.stdout.decode().split("\n") == ["600", "100", ""], out.stderr.decode()[-600:]


def test_a_traceback_attribute_cannot_crash_the_printer(tmp_path: Path) -> None:
    # __traceback__ is a list Python code can reach: a non-list is refused
    # as CPython refuses a non-traceback, and entries appended to the list
    # are skipped when the traceback is printed.
    out, _ = run_qpy_file(tmp_path, "e = ValueError('x')\ne.__traceback__ = 7\n")
    assert_no_crash(out, "__traceback__ = 7")
    assert out.stderr.decode().strip().splitlines()[-1] == (
        "TypeError: __traceback__ must be a traceback or None")
    src = ("try:\n    raise ValueError(1)\nexcept ValueError as e:\n"
           "    e.__traceback__.append(5)\n    e.__traceback__.append((1, 2, 3, 4))\n"
           "    x = e\nraise x.with_traceback(x.__traceback__)\n")
    out, _ = run_qpy_file(tmp_path, src)
    assert_no_crash(out, "garbage in __traceback__")
    err = out.stderr.decode().strip().splitlines()
    assert err[0] == "Traceback (most recent call last):" and err[-1] == "ValueError: 1", err
    assert [ln for ln in err if ln.startswith("  File")] == [
        f'  File "{tmp_path / "prog.py"}", line 7, in <module>',
        f'  File "{tmp_path / "prog.py"}", line 2, in <module>'], err


def test_deeply_nested_source_is_an_error_not_a_crash(tmp_path: Path) -> None:
    for src in ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
                "x = " + "[" * 5000 + "]" * 5000 + "\n",
                "x = " + "-" * 20000 + "1\n"):
        out, _ = run_qpy_file(tmp_path, src + "print('ran')\n", timeout=60)
        assert_no_crash(out, "nesting")
        if out.returncode == 0:
            assert out.stdout == b"ran\n"
        else:
            last = out.stderr.decode().strip().splitlines()[-1]
            assert last.split(":")[0] in ("SyntaxError", "RecursionError", "MemoryError"), last


GROW = "chunks = []\nwhile True:\n    chunks.append('x' * 1000)\n"


def test_heap_exhaustion_raises_memory_error(tmp_path: Path) -> None:
    out, _ = run_qpy_file(tmp_path, GROW, "--heap", "256k")
    assert_no_crash(out, "heap exhaustion")
    assert out.returncode == 1
    assert out.stderr.decode().strip().splitlines()[-1].startswith("MemoryError")


def test_memory_error_is_catchable_and_memory_is_usable_again(tmp_path: Path) -> None:
    src = ("def fill():\n    chunks = []\n    while True:\n        chunks.append([0] * 100)\n\n"
           "for i in range(3):\n    try:\n        fill()\n    except MemoryError:\n"
           "        print('MemoryError', i)\nprint(sum(range(1000)), len([1] * 500))\n")
    out, _ = run_qpy_file(tmp_path, src, "--heap", "256k")
    assert_no_crash(out, "heap exhaustion")
    assert out.stdout.decode() == "MemoryError 0\nMemoryError 1\nMemoryError 2\n499500 500\n"


def interrupt_after_start(path: Path) -> tuple[bytes, bytes, int | None]:
    """Starts qpy on path, sends SIGINT once it is surely running, returns what it did.

    Waiting a fixed second rather than for a line on stdout keeps this test
    independent of how qpy buffers a pipe; qpy starts in about a millisecond.
    """
    proc = subprocess.Popen([str(qpy_path()), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env())
    try:
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"qpy did not stop within 10 s of SIGINT: {err.decode()[-300:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out, err, proc.returncode


@pytest.mark.parametrize("body", ["while True:\n    pass\n",
                                  "def f():\n    return 1\nwhile True:\n    f()\n",
                                  "x = 0\nwhile True:\n    x = (x + 1) % 7\n"])
def test_sigint_interrupts_a_tight_loop(body: str, tmp_path: Path) -> None:
    path = tmp_path / "spin.py"
    path.write_text("print('ready')\n" + body)
    out, err, returncode = interrupt_after_start(path)
    text = err.decode("utf-8", "replace")
    assert out == b"ready\n"
    proc = SimpleNamespace(returncode=returncode)
    assert proc.returncode != 0 and proc.returncode != -signal.SIGSEGV, proc.returncode
    assert "Traceback (most recent call last):" in text, text
    assert text.strip().splitlines()[-1].startswith("KeyboardInterrupt"), text


def test_keyboard_interrupt_can_be_caught(tmp_path: Path) -> None:
    path = tmp_path / "catch.py"
    path.write_text("try:\n    print('ready')\n    while True:\n        pass\n"
                    "except KeyboardInterrupt:\n    print('caught')\nprint('after')\n")
    out, err, returncode = interrupt_after_start(path)
    assert returncode == 0, err.decode()
    assert out == b"ready\ncaught\nafter\n"


QBC_SOURCE = ("def f(n):\n    return [i * i for i in range(n)]\n\n"
              "class C:\n    x = 'text'\n\nprint(f(5), C.x, 2 ** 70, 1.5)\n")
QBC_WORDS = ("bytecode", "qbc", "corrupt", "truncated", "version", "checksum", "magic", "not a")


@pytest.fixture
def qbc_file(tmp_path: Path) -> Path:
    src = tmp_path / "mod.py"
    src.write_text(QBC_SOURCE)
    out = tmp_path / "mod.qbc"
    res = run([str(qpy_path()), "-o", str(out), str(src)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    return out


def test_compiled_bytecode_runs_like_the_source(qbc_file: Path, tmp_path: Path) -> None:
    got = run([str(QPY), str(qbc_file)], cwd=tmp_path)
    want = run([sys.executable, str(tmp_path / "mod.py")], cwd=tmp_path)
    assert got.returncode == 0, got.stderr.decode()
    assert got.stdout == want.stdout


def assert_refused(path: Path, tmp_path: Path, *, word: str | None = None) -> None:
    res = run([str(QPY), str(path)], cwd=tmp_path)
    assert_no_crash(res, path.name)
    assert res.returncode != 0, f"{path.name} was accepted: {res.stdout[:200]!r}"
    assert res.stdout == b"", "a refused file must not run at all"
    err = res.stderr.decode("utf-8", "replace").lower()
    assert any(w in err for w in QBC_WORDS), err
    if word:
        assert word in err, err


def test_truncated_bytecode_is_refused(qbc_file: Path, tmp_path: Path) -> None:
    data = qbc_file.read_bytes()
    for cut in sorted({0, 1, 4, 8, 12, 16, len(data) // 2, len(data) - 1}):
        bad = tmp_path / f"cut{cut}.qbc"
        bad.write_bytes(data[:cut])
        assert_refused(bad, tmp_path)


def test_corrupted_bytecode_is_refused(qbc_file: Path, tmp_path: Path) -> None:
    data = qbc_file.read_bytes()
    for pos in sorted({0, 3, len(data) // 3, len(data) // 2, len(data) - 1}):
        mutated = bytearray(data)
        mutated[pos] ^= 0x5A
        bad = tmp_path / f"flip{pos}.qbc"
        bad.write_bytes(bytes(mutated))
        assert_refused(bad, tmp_path)
    extra = tmp_path / "extra.qbc"
    extra.write_bytes(data + b"\x00junk")
    assert_refused(extra, tmp_path)


def test_bytecode_from_another_version_is_refused(qbc_file: Path, tmp_path: Path) -> None:
    # Header facts (docs/bytecode.md): magic "QVBC", then the format version as
    # a little-endian u16 at offset 4; the CRC covers only the payload, so this
    # file is intact apart from its version.
    data = bytearray(qbc_file.read_bytes())
    assert data[:4] == b"QVBC"
    for version in (0, int.from_bytes(data[4:6], "little") + 1, 0xFFFF):
        data[4:6] = version.to_bytes(2, "little")
        other = tmp_path / f"v{version}.qbc"
        other.write_bytes(bytes(data))
        assert_refused(other, tmp_path, word="version")


def test_a_source_file_is_not_taken_for_bytecode(tmp_path: Path) -> None:
    fake = tmp_path / "text.qbc"
    fake.write_text("print('this is source, not bytecode')\n")
    assert_refused(fake, tmp_path)


def test_traceback_shows_the_source_line_when_the_file_is_readable(tmp_path: Path) -> None:
    (tmp_path / "helper_tb.py").write_text("def div(a, b):\n\n    return a / b  # the line\n")
    src = "import helper_tb\n\ndef f(x):\n    return helper_tb.div(1, x)\n\nf(0)\n"
    out, path = run_qpy_file(tmp_path, src)
    assert out.returncode == 1
    lines = out.stderr.decode().splitlines()
    assert lines == [
        "Traceback (most recent call last):",
        f'  File "{path}", line 6, in <module>', "    f(0)",
        f'  File "{path}", line 4, in f', "    return helper_tb.div(1, x)",
        f'  File "{tmp_path / "helper_tb.py"}", line 3, in div', "    return a / b  # the line",
        "ZeroDivisionError: division by zero",
    ]
    # code that came from no file shows no source line
    got = run([str(qpy_path()), "-c", "1/0"])
    assert got.stderr.decode().splitlines() == [
        "Traceback (most recent call last):", '  File "<string>", line 1, in <module>',
        "ZeroDivisionError: division by zero"]
