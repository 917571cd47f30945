"""The monitor's check of a RESTART_SERVICE note (monitor/faultlog.c
recovery_note_check, built for the host as monitor-unit): "<service>=<module>",
1..95 bytes, exactly one '=', both names non-empty printable ASCII without
blanks. A refused note restarts nothing (QV_HC_EINVAL); the Bochs side is
tests/system/test_python_recovery.py."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

RunUnit = Callable[..., subprocess.CompletedProcess[str]]

NOT_A_NOTE = "refused: note is not <service>=<module>"
BAD_NAMES = "refused: note names empty or not printable"
BAD_LENGTH = "refused: note length not 1..95"


@pytest.mark.parametrize("note", ["hello4=svc_swap_v1", "a=b", "ticker=apps.ticker_safe",
                                  "s" * 47 + "=" + "m" * 47])
def test_good_notes_pass(monitor_unit: RunUnit, note: str) -> None:
    r = monitor_unit("note", note)
    assert (r.returncode, r.stdout.strip()) == (0, "ok"), note


@pytest.mark.parametrize(("note", "why"), [
    ("x", NOT_A_NOTE),
    ("hello4", NOT_A_NOTE),
    ("a=b=c", NOT_A_NOTE),
    ("==", NOT_A_NOTE),
    ("=svc_safe", BAD_NAMES),
    ("hello4=", BAD_NAMES),
    ("=", BAD_NAMES),
    ("hello4=svc safe", BAD_NAMES),
    ("hel lo4=svc_safe", BAD_NAMES),
    ("hello4=svc\tsafe", BAD_NAMES),
    ("hello4=svc\x7fsafe", BAD_NAMES),
    ("hello4=svc_s\u00e4fe", BAD_NAMES),
    ("s" * 48 + "=" + "m" * 47, BAD_LENGTH),
])
def test_bad_notes_refused(monitor_unit: RunUnit, note: str, why: str) -> None:
    r = monitor_unit("note", note)
    assert (r.returncode, r.stdout.strip()) == (1, why), note


def test_empty_note_refused(monitor_unit: RunUnit) -> None:
    r = monitor_unit("note", "")
    assert (r.returncode, r.stdout.strip()) == (1, BAD_LENGTH)
