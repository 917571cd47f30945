"""The questv command line: exit statuses and messages a user sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from questv.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_refused_system_prints_key_and_reason_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "system.toml"
    (tmp_path / "apps").symlink_to(ROOT / "apps")
    bad.write_text((ROOT / "system.toml").read_text().replace("cores = [2]", "cores = [1]"))
    assert main(["build", str(bad), "-o", str(tmp_path / "q.iso")]) == 2
    assert capsys.readouterr().err.strip() == (
        f'{bad}: sandbox[2].cores: core 1 is already given to sandbox "sb1"')


def test_missing_binaries_exit_1_and_say_what_to_do(tmp_path, capsys):
    status = main(["build", str(ROOT / "system.toml"), "-o", str(tmp_path / "q.iso"),
                   "--build-dir", str(tmp_path)])
    assert status == 1
    assert "run `make binaries` first" in capsys.readouterr().err


def test_build_reports_what_it_built(stub_build_dir, tmp_path, capsys):
    out = tmp_path / "q.iso"
    assert main(["build", str(ROOT / "system.toml"), "-o", str(out),
                 "--build-dir", str(stub_build_dir)]) == 0
    said = capsys.readouterr().out
    assert f"built {out} (4 sandboxes" in said and out.is_file()


def test_run_of_a_missing_image_is_refused(tmp_path, capsys):
    assert main(["run", str(tmp_path / "none.iso")]) == 2
    assert "no such image" in capsys.readouterr().err


def test_run_rejects_zero_cores(stub_image, capsys):
    assert main(["run", str(stub_image), "--cores", "0"]) == 2


@pytest.mark.parametrize("command", ["build", "run"])
def test_help(command):
    proc = subprocess.run([sys.executable, "-m", "questv.cli", command, "--help"],
                          check=False, capture_output=True, text=True)
    assert proc.returncode == 0 and f"usage: questv {command}" in proc.stdout


def test_inspect_lists_each_bundle_of_an_image(stub_image, capsys):
    assert main(["inspect", str(stub_image)]) == 0
    out = capsys.readouterr().out
    for n in range(4):
        assert f"bundle{n}: bundle v2 for sandbox {n}," in out
    assert "ticker: module ticker, 2000/100000 us, heap 192 KiB, restart backoff" in out
    assert "quest.supervisor" in out and "package bytecode" in out


def test_inspect_refuses_a_damaged_bundle(tmp_path, capsys):
    from questv.bundle import Module, encode

    blob = bytearray(encode(1, [Module("m", b"QVBC" + bytes(12))]))
    (tmp_path / "bundle1").write_bytes(blob)
    assert main(["inspect", str(tmp_path / "bundle1")]) == 0
    assert "m " in capsys.readouterr().out
    blob[-1] ^= 0x40
    (tmp_path / "bundle1").write_bytes(blob)
    assert main(["inspect", str(tmp_path / "bundle1")]) == 2
    assert "CRC-32" in capsys.readouterr().err
