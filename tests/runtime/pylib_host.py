"""What the pylib host tests (test_pylib_quest, test_pylib_supervisor,
test_pylib_recovery, test_pylib_devices) share: a working directory holding the quest package
(pylib/quest), a fake _quest and a driver program, the driver run under
CPython and under build/host/qpy, and the driver's "tag|field|..." lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qpy_harness import QPY, REPO, run

PYLIB = REPO / "pylib" / "quest"
DRIVER_TIMEOUT = 60.0

# The start of a fake _quest whose time is a millisecond counter the driver
# (or the fake's own waits) moves: clock[0] ms since boot; what `import
# quest` takes from _quest besides the fake's own functions.
FAKE_CLOCK = '''
clock = [0]


def ticks_ms():
    return clock[0]


def ticks_us():
    return clock[0] * 1000


def ticks_diff(a, b):
    return a - b


def ticks_cpu():
    return 0


def wait_period():
    return 0


def inject(kind, arg=0):
    raise RuntimeError("_inject is only in test builds")
'''

# A fake _quest's manifest devices: devs[i] is what dev_info(i) answers
# (name, owned and whatever else the test puts there) with its index added;
# a test fills devs (`devs[:] = [...]`).
FAKE_DEVICES = '''
devs = []


def dev_count():
    return len(devs)


def dev_info(i):
    if not 0 <= i < len(devs):
        return None
    d = dict(devs[i])
    d["index"] = i
    return d
'''


def driver_outputs(workdir: Path, files: dict[str, str],
                   args: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Writes `files` (name -> text, driver.py among them) next to the quest
    package in workdir and runs driver.py there under "cpython" and "qpy",
    each with its `args`: each one's stdout. A driver that does not exit 0
    fails the test with its stderr."""
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    (workdir / "quest").symlink_to(PYLIB)
    for name, text in files.items():
        (workdir / name).write_text(text)
    out = {}
    for name, interp in (("cpython", [sys.executable, "-B"]), ("qpy", [str(QPY)])):
        r = run(interp + [str(workdir / "driver.py"), *(args or {}).get(name, [])],
                cwd=workdir, timeout=DRIVER_TIMEOUT)
        assert r.returncode == 0, (f"{name}: " + ("timed out" if r.timed_out else "")
                                   + r.stderr.decode(errors="replace"))
        out[name] = r.stdout.decode()
    return out


def rows(out: str, tag: str) -> list[list[str]]:
    """The fields after the tag of each `tag|...` line."""
    return [ln.split("|")[1:] for ln in out.splitlines() if ln.split("|")[0] == tag]


def one(out: str, tag: str) -> list[str]:
    """The fields of the one `tag|...` line (an error if there are none or several)."""
    (r,) = rows(out, tag)
    return r
