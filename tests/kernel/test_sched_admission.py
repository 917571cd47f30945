"""Admission control of the scheduling core: the Liu-Layland bound (with
Quest's (2 - U) * U term for I/O VCPUs), refusals that carry the numbers,
and parameters that are refused outright."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sched_binding as sb

MS = 1_000_000


def ll_ppm(n: int) -> int:
    return math.floor(n * (2 ** (1 / n) - 1) * 1e6)


def util_ppm(c: int, t: int) -> int:
    return -(-c * 1_000_000 // t)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 20, 32, 33, 100])
def test_bound_table_is_liu_layland(n: int) -> None:
    want = ll_ppm(n) if n <= 32 else math.floor(math.log(2) * 1e6)
    assert sb.ll_bound_ppm(n) == want


def test_third_vcpu_refused_with_utilization_and_bound() -> None:
    s = sb.Sched()
    s.add_main(0, 1 * MS, 5 * MS, 0)
    s.add_main(1, 2 * MS, 10 * MS, 0)
    with pytest.raises(sb.AdmissionError) as e:
        s.add_main(2, 3 * MS, 7 * MS, 0)
    want_util = util_ppm(1, 5) + util_ppm(2, 10) + util_ppm(3, 7)
    assert (e.value.util_ppm, e.value.bound_ppm, e.value.nvcpus) == (want_util, ll_ppm(3), 3)
    assert str(e.value) == (f"VCPU 3ms/7ms refused: utilization {want_util / 1e6:.3f} > "
                            f"bound {ll_ppm(3) / 1e6:.3f} (Liu-Layland, 3 VCPUs)")
    assert str(e.value) == ("VCPU 3ms/7ms refused: utilization 0.829 > bound 0.780 "
                            "(Liu-Layland, 3 VCPUs)")


def test_refusal_changes_nothing() -> None:
    s = sb.Sched()
    a = s.add_main(0, 1 * MS, 5 * MS, 0)
    t = s.add_thread(a, 0)
    with pytest.raises(sb.AdmissionError):
        s.add_main(1, 9 * MS, 10 * MS, 0)
    # The set is still one VCPU: a modest second one sees a 2-VCPU bound.
    b = s.add_main(1, 500_000, 10 * MS, 0)
    assert b == 1
    d = s.schedule(0)
    assert (d.thread, d.vcpu, d.foreground) == (t, a, True)
    with pytest.raises(sb.AdmissionError) as e:
        s.add_main(2, 7 * MS, 10 * MS, 0)
    assert (e.value.nvcpus, e.value.util_ppm) == (3, 200_000 + 50_000 + 700_000)


def test_set_exactly_at_the_bound_is_admitted() -> None:
    s = sb.Sched()
    s.add_main(0, 10 * MS, 10 * MS, 0)       # U = 1.0 = bound for one VCPU
    with pytest.raises(sb.AdmissionError):
        s.add_main(1, 1, 10 * MS, 0)
    s2 = sb.Sched()
    # 0.414213 + 0.414214 = 0.828427 = bound for two
    s2.add_main(0, 414_213, 1_000_000, 0)
    s2.add_main(1, 414_214, 1_000_000, 0)


def test_io_vcpu_counts_two_minus_u_times_u() -> None:
    s = sb.Sched()
    s.add_main(0, 2 * MS, 10 * MS, 0)
    with pytest.raises(sb.AdmissionError) as e:
        s.add_io(1, 500_000, 0)
    assert e.value.util_ppm == 200_000 + 750_000
    assert str(e.value) == ("I/O VCPU U=0.500 refused: utilization 0.950 > bound 0.828 "
                            "(Liu-Layland, 2 VCPUs)")
    s.add_io(1, 300_000, 0)                   # 0.2 + 0.51 = 0.71 <= 0.828


@pytest.mark.parametrize(("budget", "period", "refills"), [
    (0, 10 * MS, 4),            # no budget
    (11 * MS, 10 * MS, 4),      # C > T
    (1 * MS, 2**41, 4),         # period beyond the supported range
    (1 * MS, 10 * MS, 1),       # a queue too small for the merging rule
])
def test_malformed_vcpu_parameters_are_refused(budget: int, period: int, refills: int) -> None:
    s = sb.Sched()
    with pytest.raises(sb.SchedError) as e:
        s.add_main(0, budget, period, 0, refills)
    assert e.value.status == sb.E_PARAM


def test_duplicate_ids_and_bad_io_utilization_are_refused() -> None:
    s = sb.Sched()
    s.add_main(3, 1 * MS, 10 * MS, 0)
    for call in (lambda: s.add_main(3, 1 * MS, 20 * MS, 0), lambda: s.add_io(3, 10_000, 0),
                 lambda: s.add_io(4, 0, 0), lambda: s.add_io(4, 1_000_001, 0)):
        with pytest.raises(sb.SchedError):
            call()
