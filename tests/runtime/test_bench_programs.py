"""The runtime benchmark programs run under CPython, and the bench plugin
produces well-formed results (checked with a stand-in qpy that is CPython)."""

from __future__ import annotations

import importlib.util
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from qpy_harness import REPO
from questv.bench import check_results

BENCH_DIR = REPO / "benchmarks" / "runtime"
PROGRAMS = sorted(p.stem for p in (BENCH_DIR / "programs").glob("*.py"))
REQUIRED_KINDS = ["pystone_like", "nqueens", "fannkuch", "nbody", "chaos_game", "sudoku_search",
                  "pidigits", "json_codec", "string_ops", "dict_set_work", "generator_pipeline",
                  "method_calls"]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("runtime_bench", BENCH_DIR / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_required_kind_of_program_is_present() -> None:
    missing = [k for k in REQUIRED_KINDS if k not in PROGRAMS]
    assert not missing, f"missing benchmark programs: {missing}"
    assert len(PROGRAMS) >= 10


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_runs_under_cpython_and_prints_its_checksum(name: str) -> None:
    proc = subprocess.run([sys.executable, f"{name}.py"], cwd=BENCH_DIR / "programs",
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].split()[0] == name, lines


def test_geometric_mean() -> None:
    bench = load_bench()
    assert bench.geometric_mean([2.0, 8.0]) == pytest.approx(4.0)
    assert bench.geometric_mean([1.5]) == pytest.approx(1.5)
    with pytest.raises(ValueError):
        bench.geometric_mean([])


def test_plugin_results_with_a_stand_in_qpy(tmp_path: Path) -> None:
    fake = tmp_path / "host" / "qpy"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    bench = load_bench()
    ctx = SimpleNamespace(options={"repeat": 1, "programs": ["nqueens"]}, build_dir=tmp_path)
    rows = check_results("runtime", bench.run(ctx))
    by_name = {r["name"]: r for r in rows}
    assert by_name["nqueens cpython"]["value"] > 0
    assert "output matches" in by_name["nqueens qpy"]["note"]
    assert by_name["nqueens ratio"]["unit"] == "x"
    assert "over 1 of 1" in by_name["geometric mean ratio"]["note"]
    # CPython has no micropython.mem_info(), so no peak heap can be read from it.
    assert "nqueens peak heap" not in by_name
    assert by_name["startup qpy -c pass"]["unit"] == "ms"


def test_plugin_refuses_without_qpy(tmp_path: Path) -> None:
    bench = load_bench()
    with pytest.raises(RuntimeError, match="not built"):
        bench.run(SimpleNamespace(options={}, build_dir=tmp_path))
