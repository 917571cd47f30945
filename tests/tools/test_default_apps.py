"""The default system's apps: they build into every bundle, each sandbox runs one of
them, and their logic gives the same answers under CPython and our runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from questv.bundle import decode
from questv.compile import Compiler, bundle_for
from questv.config import load

ROOT = Path(__file__).resolve().parents[2]
QPY = ROOT / "build/host/qpy"

DRIVER = """\
import controller, sensor
out = 0.0
values = [sensor.reading(n) for n in range(0, 400, 7)]
for v in values:
    out = controller.step(out, v)
print(values)
print(round(out, 6))
"""


def test_every_sandbox_runs_a_service_and_sensor_feeds_controller():
    system = load(ROOT / "system.toml")
    assert len(system.sandboxes) == 4
    assert all(sb.services and all(s.start == "boot" for s in sb.services)
               for sb in system.sandboxes)
    by_module = {s.module: sb.id for sb in system.sandboxes for s in sb.services}
    readings = next(c for c in system.channels if c.name == "readings")
    assert (readings.producer, readings.consumer) == (by_module["sensor"],
                                                      by_module["controller"])


def test_apps_are_python_for_cpython_too():
    for path in sorted((ROOT / "apps").glob("*.py")):
        ast.parse(path.read_text(), str(path))


@pytest.mark.skipif(not QPY.is_file(), reason="needs build/host/qpy (make binaries)")
def test_default_bundles_hold_every_app(tmp_path):
    system = load(ROOT / "system.toml")
    compiler = Compiler(QPY, tmp_path / "cache")
    for sb in system.sandboxes:
        b = decode(bundle_for(system, sb, compiler), sandbox_id=sb.id)
        names = {m.name for m in b.modules}
        assert {"ticker", "sensor", "controller", "uptime"} <= names
        assert [s.name for s in b.services] == [s.name for s in sb.services]


@pytest.mark.skipif(not QPY.is_file(), reason="needs build/host/qpy (make binaries)")
def test_app_logic_agrees_between_cpython_and_qpy(tmp_path):
    for path in (ROOT / "apps").glob("*.py"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "quest.py").write_text("")   # the apps' logic needs no board
    (tmp_path / "driver.py").write_text(DRIVER)
    outs = [subprocess.run([exe, str(tmp_path / "driver.py")], capture_output=True, text=True,
                           check=True).stdout for exe in (sys.executable, str(QPY))]
    assert outs[0] == outs[1]
    values = ast.literal_eval(outs[0].splitlines()[0])
    assert min(values) >= 0 and max(values) <= 100 and len(set(values)) > 10
