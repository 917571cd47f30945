"""benchmarks/run.py: discovery, selection, JSON output, failure reporting; and the sizes
benchmark against binutils."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_driver():
    spec = importlib.util.spec_from_file_location("bench_driver", ROOT / "benchmarks/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    d = tmp_path / "benchmarks"
    (d / "alpha").mkdir(parents=True)
    (d / "alpha/bench.py").write_text(
        "def run(ctx):\n"
        "    return [{'name': 'answer', 'value': 42, 'unit': 'things', 'note': 'n'},\n"
        "            {'name': 'ratio', 'value': 0.5, 'unit': '', 'note': ''}]\n")
    (d / "broken").mkdir()
    (d / "broken/bench.py").write_text("def run(ctx):\n    return [{'name': 'x'}]\n")
    (d / "raises").mkdir()
    (d / "raises/bench.py").write_text("def run(ctx):\n    raise RuntimeError('no emulator')\n")
    return d


def test_selected_benchmark_runs_and_writes_json(bench_dir, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert load_driver().main(["--bench-dir", str(bench_dir), "alpha", "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "alpha" in table and "answer" in table and "42" in table
    data = json.loads(out.read_text())
    (entry,) = data["benchmarks"]
    assert entry["bench"] == "alpha" and entry["ok"]
    assert entry["results"][0] == {"name": "answer", "value": 42, "unit": "things", "note": "n"}


def test_bad_results_and_exceptions_fail_without_stopping_the_rest(bench_dir, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert load_driver().main(["--bench-dir", str(bench_dir), "--out", str(out)]) == 1
    report = {e["bench"]: e for e in json.loads(out.read_text())["benchmarks"]}
    assert report["alpha"]["ok"]
    assert not report["broken"]["ok"] and "exactly the keys" in report["broken"]["error"]
    assert not report["raises"]["ok"] and "no emulator" in report["raises"]["error"]
    assert "FAILED" in capsys.readouterr().out


def test_unknown_benchmark_is_an_error(bench_dir):
    with pytest.raises(SystemExit) as info:
        load_driver().main(["--bench-dir", str(bench_dir), "gamma"])
    assert info.value.code == 2


def test_sizes_benchmark_matches_binutils(stub_build_dir, tmp_path):
    from questv.bench import BenchContext

    spec = importlib.util.spec_from_file_location("sizes", ROOT / "benchmarks/sizes/bench.py")
    sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sizes)
    # A one-object stand-in for the board runtime library.
    src = tmp_path / "one.c"
    src.write_text("const int table[64] = {1};\nint f(int x) { return table[x & 63] * x; }\n")
    obj = tmp_path / "one.o"
    subprocess.run(["gcc", "-O2", "-c", str(src), "-o", str(obj)], check=True)
    (stub_build_dir / "runtime").mkdir(exist_ok=True)
    lib = stub_build_dir / "runtime/libqvrt.a"
    lib.unlink(missing_ok=True)
    subprocess.run(["ar", "rcs", str(lib), str(obj)], check=True)
    sections = {p[0]: int(p[1]) for p in map(str.split, subprocess.run(
        ["size", "-A", str(obj)], check=True, capture_output=True, text=True).stdout.splitlines())
        if len(p) == 3 and p[0].startswith(".") and p[1].isdigit()}
    results = {r["name"]: r["value"] for r in sizes.run(
        BenchContext(root=ROOT, build_dir=stub_build_dir, scratch=tmp_path))}
    out = subprocess.run(["size", str(stub_build_dir / "monitor/monitor.elf")], check=True,
                         capture_output=True, text=True).stdout.splitlines()[1].split()
    assert [results["monitor text"], results["monitor data"], results["monitor bss"]] == \
        [int(v) for v in out[:3]]
    assert results["kernel text"] == results["monitor text"]  # the stub stands in for both
    assert results["runtime board text"] == sections[".text"]
    assert results["runtime board rodata"] == sum(v for k, v in sections.items()
                                                  if k.startswith(".rodata"))


def test_context_boot_builds_and_boots_a_system(stub_build_dir, tmp_path):
    from questv.bench import BenchContext

    ctx = BenchContext(root=ROOT, build_dir=stub_build_dir, scratch=tmp_path)
    with ctx.boot("system.toml", kind="qemu") as emu:
        emu.wait_for(r"mb2stub: multiboot2 magic ok", timeout=120)
        pid = emu._proc.pid
    assert (tmp_path / "system.iso").is_file() and (tmp_path / "system-kernel-only.iso").is_file()
    assert emu.returncode is not None and pid


def test_options_reach_the_benchmarks(tmp_path, capsys):
    d = tmp_path / "benchmarks"
    (d / "echo").mkdir(parents=True)
    (d / "echo/bench.py").write_text(
        "def run(ctx):\n"
        "    return [{'name': k, 'value': len(str(v)), 'unit': type(v).__name__, 'note': str(v)}\n"
        "            for k, v in sorted(ctx.options.items())]\n")
    out = tmp_path / "o.json"
    assert load_driver().main(["--bench-dir", str(d), "-O", "repeat=5", "-O", 'names=["a","b"]',
                               "--option", "label=fast run", "--out", str(out)]) == 0
    results = json.loads(out.read_text())["benchmarks"][0]["results"]
    assert [(r["name"], r["unit"], r["note"]) for r in results] == [
        ("label", "str", "fast run"), ("names", "list", "['a', 'b']"), ("repeat", "int", "5")]
