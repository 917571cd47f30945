"""Differential tests: every program in cases/ must print the same under qpy as
under CPython, and exit with the same status.

Cases listed in known_failures.txt are strict expected failures: when the
runtime learns to run one, the run fails until the line is removed (see
update_known_failures.py), so the list cannot silently go stale.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from qpy_harness import (
    QPY,
    case_names,
    describe_mismatch,
    load_known_failures,
    run_cpython,
    run_qpy,
)

CASES = case_names()
KNOWN = load_known_failures()
# Two cores shared with everybody: one case at a time per core.
WORKERS = 2


def _param(name: str) -> pytest.param:
    marks = []
    if name in KNOWN:
        marks.append(pytest.mark.xfail(reason=KNOWN[name], strict=True))
    return pytest.param(name, id=name, marks=marks)


def _compare(name: str) -> str | None:
    ref = run_cpython(name)
    if ref.timed_out or ref.returncode not in (0, 1, 2, 3):
        return f"CPython itself failed on the case: status {ref.returncode}"
    if not QPY.exists():
        return f"{QPY} is not built (make binaries)"
    return describe_mismatch(ref, run_qpy(name))


@pytest.fixture(scope="session")
def case_results(request: pytest.FixtureRequest):
    """Starts every selected case on a small pool; tests wait for their own."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_case_matches_cpython"]
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    futures: dict[str, Future[str | None]] = {n: pool.submit(_compare, n) for n in selected}
    yield futures
    pool.shutdown(wait=False, cancel_futures=True)


@pytest.mark.parametrize("case", [_param(n) for n in CASES])
def test_case_matches_cpython(case: str, case_results) -> None:
    future = case_results.get(case)
    problem = future.result() if future is not None else _compare(case)
    assert problem is None, problem


def test_there_are_at_least_300_cases() -> None:
    assert len(CASES) >= 300, f"only {len(CASES)} cases"


def test_known_failures_name_real_cases() -> None:
    stale = sorted(set(KNOWN) - set(CASES))
    assert not stale, f"known_failures.txt lists cases that do not exist: {stale}"
