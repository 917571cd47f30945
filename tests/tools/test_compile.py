"""Compiling pylib and apps into bundles: the hosted compiler, its cache, its errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from questv.bundle import decode
from questv.compile import CompileError, Compiler, ModuleSource, bundle_for, check_source
from questv.config import load

ROOT = Path(__file__).resolve().parents[2]
QPY = ROOT / "build/host/qpy"

pytestmark = pytest.mark.skipif(not QPY.is_file(), reason="needs build/host/qpy (make binaries)")


def module(tmp_path: Path, name: str, text: str) -> ModuleSource:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return ModuleSource(name, path, tmp_path, False)


def test_compiles_to_bytecode_that_runs(tmp_path):
    c = Compiler(QPY, tmp_path / "cache")
    data = c.compile(module(tmp_path, "hello", "print('compiled', 6 * 7)\n"))
    assert data[:4] == b"QVBC"
    (tmp_path / "hello.qbc").write_bytes(data)
    out = subprocess.run([str(QPY), str(tmp_path / "hello.qbc")], capture_output=True,
                         check=True, text=True)
    assert out.stdout == "compiled 42\n"


def test_cache_by_content(tmp_path):
    c = Compiler(QPY, tmp_path / "cache")
    m = module(tmp_path, "a", "x = 1\n")
    first = c.compile(m)
    assert c.compiled == 1 and c.compile(m) == first and c.compiled == 1
    assert len(list((tmp_path / "cache").glob("*.qbc"))) == 1
    m.path.write_text("x = 2\n")
    assert c.compile(m) != first and c.compiled == 2
    # a fresh compiler (a new `questv build`) finds the cache too
    c2 = Compiler(QPY, tmp_path / "cache")
    c2.compile(m)
    assert c2.compiled == 0


def test_syntax_error_names_file_line_and_column(tmp_path):
    c = Compiler(QPY, tmp_path / "cache", display=tmp_path)
    with pytest.raises(CompileError) as info:
        c.compile(module(tmp_path, "bad", "x = 1\n\ndef f(:\n    pass\n"))
    err = info.value
    assert (str(err.path), err.line, err.column) == ("bad.py", 3, 7)
    assert str(err) == "bad.py:3:7: SyntaxError: invalid syntax"
    assert not list((tmp_path / "cache").glob("*.qbc"))   # nothing cached for a failure


def test_indentation_error_too(tmp_path):
    c = Compiler(QPY, tmp_path / "cache")
    with pytest.raises(CompileError) as info:
        c.compile(module(tmp_path, "ind", "if True:\nx = 1\n"))
    assert info.value.line == 2 and "Error" in info.value.message


def test_check_source(tmp_path):
    check_source(QPY, module(tmp_path, "ok", "y = [i for i in range(3)]\n").path)
    with pytest.raises(CompileError) as info:
        check_source(QPY, module(tmp_path, "nope", "y = (1,\n").path)
    assert info.value.path.name == "nope.py" and info.value.line is not None


def test_missing_compiler_is_reported(tmp_path):
    c = Compiler(tmp_path / "no-qpy", tmp_path / "cache")
    with pytest.raises(FileNotFoundError):
        c.compile(module(tmp_path, "a", "x = 1\n"))


UART = """
[[device]]
name = "uart0"
kind = "uart16550"
io = [0x3F8, 8]
"""


def system_text(sandbox_lines: Callable[[int], str], devices: str) -> str:
    """A 4-core system of sandboxes sb0..sb3 (sb0 supervises), each with its own
    `sandbox_lines(i)` (keys, then its services), and the `devices` tables."""
    sandboxes = "".join(f'''
[[sandbox]]
name = "sb{i}"
cores = [{i}]
memory_mib = 16
{sandbox_lines(i)}''' for i in range(4))
    return f'''
[machine]
cores = 4
memory_mib = 256

[system]
supervisor = "sb0"
{sandboxes}
{devices}'''


def write_system(tmp_path: Path, app_text: str) -> Path:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps/ticker.py").write_text(app_text)
    (tmp_path / "apps/pkg").mkdir()
    (tmp_path / "apps/pkg/__init__.py").write_text("NAME = 'pkg'\n")
    tick = '''
[[sandbox.service]]
name = "tick"
module = "ticker"
budget_us = 1000
period_us = 100000
restart = "always"
'''
    (tmp_path / "system.toml").write_text(system_text(
        lambda i: 'devices = ["uart0"]' if i == 0 else tick if i == 3 else "",
        UART + "irq = 4\n"))
    return tmp_path / "system.toml"


def test_bundle_for_a_sandbox_holds_pylib_apps_and_services(tmp_path):
    path = write_system(tmp_path, "def main():\n    print('tick')\n")
    system = load(path)
    sb = system.sandboxes[-1]
    b = decode(bundle_for(system, sb, Compiler(QPY, tmp_path / "cache")), sandbox_id=sb.id)
    names = [m.name for m in b.modules]
    assert "ticker" in names and "pkg" in names
    assert all(m.data[:4] == b"QVBC" and not m.source for m in b.modules)
    assert next(m for m in b.modules if m.name == "pkg").package
    pylib = sorted(p.relative_to(ROOT / "pylib").with_suffix("").as_posix().replace("/", ".")
                   .removesuffix(".__init__") for p in (ROOT / "pylib").rglob("*.py")
                   if "__pycache__" not in p.parts)
    assert set(pylib) <= set(names)
    assert [(s.name, s.module, s.restart, s.at_boot) for s in b.services] == \
        [("tick", "ticker", 1, True)]
    assert (b.repl_heap_kib, b.fs_kib) == (256, 256)


def test_standby_bundles_carry_the_device_bound_service_and_its_modules(tmp_path):
    """sb1 owns the RTC and runs "clock" (module dev.clock, alternate clock_safe, both
    only in sb1's apps); sb2 keeps it ready, sb3 does not."""
    home = tmp_path / "home"
    (home / "dev").mkdir(parents=True)
    (home / "dev/__init__.py").write_text("")
    (home / "dev/clock.py").write_text("def main():\n    pass\n")
    (home / "dev/other.py").write_text("x = 1\n")
    (home / "clock_safe.py").write_text("def main():\n    pass\n")
    clock = '''
[[sandbox.service]]
name = "clock"
module = "dev.clock"
alternate = "clock_safe"
budget_us = 1000
period_us = 100000
heap_kib = 64
restart = "backoff"
start = "manual"
device = "rtc"
standby = ["sb2"]
'''
    lines = {0: 'apps = []\ndevices = ["uart0"]', 1: f'apps = ["home"]\ndevices = ["rtc"]\n{clock}',
             2: "apps = []\ndevices = []", 3: "apps = []\ndevices = []"}
    (tmp_path / "system.toml").write_text(system_text(lines.__getitem__, UART + '''
[[device]]
name = "rtc"
kind = "isa"
io = [0x70, 2]
irq = 8
'''))
    system = load(tmp_path / "system.toml")
    compiler = Compiler(QPY, tmp_path / "cache")
    b1, b2, b3 = (decode(bundle_for(system, system.sandboxes[i], compiler), sandbox_id=i)
                  for i in (1, 2, 3))
    expect = [("clock", "dev.clock", "clock_safe", 1000, 100000, 64, 2, False, 1)]
    for b in (b1, b2):
        assert [(s.name, s.module, s.alternate, s.budget_us, s.period_us, s.heap_kib,
                 s.restart, s.at_boot, s.device) for s in b.services] == expect
    names2 = {m.name for m in b2.modules}
    # The module, its package and the alternate; not the home's other modules.
    assert {"dev", "dev.clock", "clock_safe"} <= names2 and "dev.other" not in names2
    assert next(m for m in b2.modules if m.name == "dev").package
    home_mods = {m.name: m.data for m in b1.modules}
    assert all(m.data == home_mods[m.name] for m in b2.modules if m.name in home_mods)
    assert b3.services == () and "dev.clock" not in {m.name for m in b3.modules}


def test_questv_build_refuses_a_syntax_error_with_its_place(tmp_path, stub_build_dir):
    path = write_system(tmp_path, "def main(:\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "questv.cli", "build", str(path), "-o",
                           str(tmp_path / "q.iso"), "--build-dir", str(stub_build_dir)],
                          check=False, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "apps/ticker.py:1:10: SyntaxError" in proc.stderr
    assert not (tmp_path / "q.iso").exists()


def test_questv_build_writes_bundles_and_reuses_the_cache(tmp_path, stub_build_dir):
    path = write_system(tmp_path, "def main():\n    print('tick')\n")
    cmd = [sys.executable, "-m", "questv.cli", "build", str(path), "-o",
           str(tmp_path / "q.iso"), "--build-dir", str(stub_build_dir)]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "bundle3 (sb3):" in first.stdout and "1 services" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "questv: 0 modules compiled" in second.stdout
