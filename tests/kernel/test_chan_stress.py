"""Producer and consumer running at once (build/chan/chan_stress): 10,000
messages of varied sizes arrive with none lost, duplicated, reordered or
corrupted, between two threads and between two processes whose mappings
let each end write only its own pages; an end that writes into the other
end's pages is stopped by the mapping, as the EPT stops it on the board."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRESS = ROOT / "build" / "chan" / "chan_stress"
STRESS_TSAN = ROOT / "build" / "chan" / "chan_stress_tsan"
N = 10_000


def run(*args: object, prog: Path = STRESS) -> tuple[int, dict[str, dict[str, int]], str]:
    if not prog.exists():
        raise FileNotFoundError(f"{prog} is missing: run `make binaries` first")
    p = subprocess.run([str(prog), *map(str, args)], check=False, capture_output=True,
                       text=True, timeout=120)
    ends = {}
    for line in p.stdout.splitlines():
        if line.startswith(("tx ", "rx ")):
            ends[line[:2]] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    return p.returncode, ends, p.stdout + p.stderr


@pytest.mark.parametrize("mode", ["threads", "procs"])
@pytest.mark.parametrize("slot_size,slot_count,seed", [(64, 8, 1), (4096, 4, 2), (8, 2, 3),
                                                       (1000, 64, 4)])
def test_ten_thousand_messages_arrive_in_order_and_intact(mode, slot_size, slot_count, seed):
    rc, ends, out = run(mode, slot_size, slot_count, N, seed)
    assert rc == 0, out
    assert "result producer=exit:0 consumer=exit:0" in out
    tx, rx = ends["tx"], ends["rx"]
    assert tx["messages"] == rx["messages"] == N
    assert tx["bytes"] == rx["bytes"] > 0
    assert tx["errors"] == rx["errors"] == 0
    assert tx["timeouts"] == rx["timeouts"] == 0


@pytest.mark.parametrize("mode", ["threads", "threads-doorbell"])
@pytest.mark.parametrize("slot_size,slot_count", [(64, 8), (8, 2)])
def test_threads_share_the_ring_without_a_data_race(mode, slot_size, slot_count):
    rc, ends, out = run(mode, slot_size, slot_count, N, 9, prog=STRESS_TSAN)
    assert rc == 0, out
    assert "ThreadSanitizer" not in out, out
    assert ends["rx"]["messages"] == N


@pytest.mark.parametrize("slot_size,slot_count,seed", [(64, 8, 1), (8, 2, 2), (4096, 16, 3)])
def test_a_consumer_sleeping_on_the_doorbell_never_misses_a_wake_up(slot_size, slot_count,
                                                                     seed):
    # Each sleep not rung within 5 s counts as late: a lost wake-up.
    rc, ends, out = run("threads-doorbell", slot_size, slot_count, N, seed)
    assert rc == 0, out
    assert "doorbell late=0" in out, out
    assert ends["rx"]["messages"] == N and ends["rx"]["errors"] == 0
    assert ends["rx"]["doorbells"] > 0, "the consumer never slept: nothing was tested"
    assert ends["tx"]["doorbells"] > 0


@pytest.mark.parametrize("mode", ["threads", "procs"])
def test_the_consumers_check_fails_on_messages_it_did_not_expect(mode):
    # The consumer expects the messages of seed 7, the producer sends seed 6.
    rc, ends, out = run(mode, 64, 8, 100, 6, 7)
    assert rc == 1
    assert "FAIL rx message 0:" in out, out
    assert "rx" not in ends


@pytest.mark.parametrize("mode,victim,culprit", [("procs-bad-consumer", "producer", "consumer"),
                                                 ("procs-bad-producer", "consumer", "producer")])
def test_an_end_writing_the_other_ends_pages_is_stopped(mode, victim, culprit):
    rc, _ends, out = run(mode, 64, 8, 2000, 5)
    assert rc == 1
    assert f"{culprit}=signal:11" in out, out
    # The peer never saw a corrupted cursor: it was stopped only because the
    # culprit stopped (killed by the harness) or it finished.
    assert "FAIL" not in out, out
    assert re.search(f"{victim}=(exit:0|signal:9)", out), out
