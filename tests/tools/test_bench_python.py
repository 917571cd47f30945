"""benchmarks/python (host side): its system loads with its apps' services, the
heartbeat-slot arithmetic follows kernel/main.c, and the channel figures are
computed from the service's report or refused when it did not finish."""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
import types
from pathlib import Path

import pytest
from questv.config import load
from questv.rawrepl import RawRepl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rawrepl_fakeboard import FakeBoard

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks/python"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_python", BENCH / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_system_has_the_services_and_channels_the_bench_drives():
    system = load(BENCH / "system-bench.toml")
    bench = load_bench()
    assert len(system.sandboxes) == bench.SANDBOXES
    assert [sb.heartbeat_ms for sb in system.sandboxes] == [bench.HEARTBEAT_MS] * 2
    modules = {sb.name: [s.module for s in sb.services] for sb in system.sandboxes}
    assert modules == {"sb0": ["pyb_idle"], "sb1": ["pyb_echo"]}
    names = {c.name: (c.producer, c.consumer) for c in system.channels}
    assert names["pyq"] == (0, 1) and names["pyr"] == (1, 0)


def test_apps_compile_with_the_hosted_compiler():
    qpy = ROOT / "build/host/qpy"
    if not qpy.exists():
        pytest.fail("build/host/qpy missing: run `make binaries`")
    apps = sorted(str(p) for p in (BENCH / "apps").glob("*.py"))
    out = subprocess.run([str(qpy), "--check", *apps], check=False, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_next_slot_is_the_kernels_staggered_start():
    slot = load_bench()._next_slot
    period = 4_000_000
    # sb0 starts on a multiple of the period, sb1 half a period later.
    assert slot(10_500_000, period, 0, 2) == 12_000_000
    assert slot(10_500_000, period, 1, 2) == 14_000_000
    assert slot(13_000_000, period, 1, 2) == 14_000_000
    # exactly on a slot: the next one (the kernel waits for a later slot)
    assert slot(12_000_000, period, 0, 2) == 16_000_000


def test_channel_figures_from_the_report():
    results = load_bench()._channel_results(
        "rounds=10\npolls=20\nrt_us=500\nstream=40\nwindow=8\nstream_us=1000\n"
        "poll_us=300\nrt_cpu_us=200\nstream_cpu_us=400\npoll_cpu_us=100\n"
        "loop_cpu_us=50\nticks_cpu_us=60\ndone=ok\n", 4.0)
    by = {r["name"]: r["value"] for r in results}
    assert by["python one-way 8 B"] == 100           # 500 us * 4 / (2 * 10)
    assert by["python stream 8 B"] == 100            # 1000 us * 4 / 40
    assert by["python round trip 8 B, sender CPU"] == 80
    assert by["python recv(0) on empty, CPU"] == 20  # 100 us * 4 / 20


def test_unfinished_channel_report_is_refused():
    bench = load_bench()
    with pytest.raises(RuntimeError, match="did not finish.*MemoryError"):
        bench._channel_results("\nservice=failed MemoryError\n", 4.0)
    with pytest.raises(RuntimeError, match="bad reply"):
        bench._channel_results("rounds=10\ndone=bad reply in round 3\n", 4.0)


@pytest.fixture
def fake_repl(monkeypatch):
    """A raw REPL on the fake board, whose `quest.ticks_us()` advances 1000 us a call."""
    clock = itertools.count(0, 1000)
    monkeypatch.setitem(sys.modules, "quest", types.SimpleNamespace(ticks_us=lambda: next(clock)))
    board = FakeBoard("no")
    repl = RawRepl(board.read, board.write, timeout=2, raw_paste=False)
    repl.enter()
    return board, repl


def test_round_trips_and_batches_read_each_exchange_and_the_board_clock(fake_repl):
    board, repl = fake_repl
    bench = load_bench()
    board_us, host_s = bench._round_trips(repl, 5)
    assert board_us == 1000 and host_s >= 0    # two clock reads, one call apart
    assert bench._batch(repl, 4) == 1000
    assert not repl._buf and not board.out      # every exchange read up to its prompt


def test_a_wrong_answer_to_1_plus_1_is_refused(fake_repl):
    board, repl = fake_repl
    bench = load_bench()
    board.env["print"] = lambda *a: sys.stdout.write("3\n")   # the board computes badly
    with pytest.raises(RuntimeError, match="round trip 0: 1\\+1 gave b'3"):
        bench._round_trips(repl, 2)
