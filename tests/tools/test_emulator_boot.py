"""Booting images in Bochs and QEMU through questv.emulator, with the stub kernel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from questv.emulator import Emulator, WaitTimeout
from questv.image import kernel_only_path

HELLO = r"mb2stub: hello from the stub kernel"
MAGIC_OK = r"mb2stub: multiboot2 magic ok"


def group_gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_bochs_boots_the_image_and_streams_com1(stub_image, tmp_path):
    emu = Emulator(stub_image, kind="bochs", cores=2, memory_mib=512, workdir=tmp_path)
    with emu:
        m = emu.wait_for(MAGIC_OK, timeout=120)
        assert re.search(HELLO, emu.output[:m.start()])
        pid = emu._proc.pid
    assert group_gone(pid)
    bochsrc = (tmp_path / "bochsrc").read_text()
    for line in ("cpu: model=corei7_haswell_4770, count=2", "clock: sync=none",
                 "memory: guest=512", "boot: cdrom", 'display_library: rfb, options="timeout=0"'):
        assert line in bochsrc
    assert (tmp_path / "debugger.rc").read_text().strip() == "c"


def test_wait_for_timeout_reports_the_tail(stub_image, tmp_path):
    with Emulator(stub_image, kind="qemu", cores=1, memory_mib=128, workdir=tmp_path) as emu:
        emu.wait_for(MAGIC_OK, timeout=120)
        with pytest.raises(WaitTimeout) as info:
            emu.wait_for("never printed", timeout=1)
    assert "never printed" in str(info.value) and "magic ok" in str(info.value)


def test_read_returns_each_byte_once(stub_image, tmp_path):
    log = tmp_path / "logs/serial.log"
    with Emulator(kernel_only_path(stub_image), kind="qemu", cores=1, memory_mib=128,
                  workdir=tmp_path, serial_log=log) as emu:
        emu.wait_for(MAGIC_OK + r"\r\n", timeout=120)  # the stub's last bytes
        first = emu.read(timeout=1)
        assert emu.read(timeout=0.2) == b""
        assert not log.exists()  # written when it stops
    assert first == emu.output_bytes
    assert log.read_bytes() == first


def test_cli_run_streams_to_stdout_without_a_terminal(stub_image):
    proc = subprocess.run(
        [sys.executable, "-m", "questv.cli", "run", str(stub_image), "--emulator", "qemu",
         "--timeout", "10"],
        check=False, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert re.search(MAGIC_OK, proc.stdout.decode())
    assert "ISOLATION IS OFF" in proc.stderr.decode()
    assert "questv:" not in proc.stdout.decode()  # our own messages stay on stderr


def test_ctrl_c_in_a_terminal_stops_the_emulator_and_restores_the_terminal(stub_image):
    import pty
    import select
    import signal
    import termios

    pid, master = pty.fork()
    if pid == 0:  # the child: questv run on the pty as its controlling terminal
        os.execv(sys.executable, [sys.executable, "-m", "questv.cli", "run", str(stub_image),
                                  "--emulator", "qemu"])
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"magic ok" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 4096)
        assert b"magic ok" in seen, seen.decode(errors="replace")
        mode = termios.tcgetattr(master)
        assert not mode[3] & termios.ICANON  # questv switched the terminal to key-at-a-time
        emulator_pid = int(next(
            line.split()[0] for line in subprocess.run(
                ["ps", "-o", "pid=,ppid=,comm=", "--ppid", str(pid)], capture_output=True,
                text=True, check=True).stdout.splitlines() if "qemu" in line))
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    os.write(master, b"\x03")  # Ctrl-C, turned into SIGINT by the line discipline
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    mode = termios.tcgetattr(master)
    assert mode[3] & termios.ICANON and mode[3] & termios.ECHO  # put back as it was
    assert group_gone(emulator_pid)
    os.close(master)



def test_grub_reports_a_missing_module_on_serial_and_powers_off(tmp_path):
    """A broken image must not hang a scripted run: GRUB says which file and halts."""
    from questv.config import load
    from questv.image import _mkrescue, grub_cfg

    root = Path(__file__).resolve().parents[2]
    system = load(root / "system.toml")
    tree = tmp_path / "tree"
    (tree / "boot/grub").mkdir(parents=True)
    (tree / "boot/questv").mkdir(parents=True)
    # An empty file where the kernel should be: not a multiboot2 image.
    (tree / "boot/questv/kernel.elf").write_bytes(b"")
    (tree / "boot/grub/grub.cfg").write_text(grub_cfg(system, default=1, test=False))
    iso = tmp_path / "broken.iso"
    _mkrescue(tree, iso, tmp_path / "mkrescue.log")
    with Emulator(iso, kind="qemu", cores=1, memory_mib=128, workdir=tmp_path / "run") as emu:
        emu.wait_for(r"grub: /boot/questv/kernel\.elf: cannot load it", timeout=120)
        deadline = time.monotonic() + 60
        while emu.running and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not emu.running  # GRUB's halt powered the machine off
        began = time.monotonic()
        with pytest.raises(WaitTimeout, match="the serial line closed"):
            emu.wait_for("never printed", timeout=60)
        assert time.monotonic() - began < 10  # a closed line ends the wait at once


def test_emulator_dies_with_a_killed_questv(stub_image, tmp_path):
    """A test run or questv killed outright must not leave an emulator running."""
    script = (
        "import sys, time\n"
        "from questv.emulator import Emulator\n"
        f"emu = Emulator({str(stub_image)!r}, kind='qemu', cores=1, memory_mib=128,\n"
        f"               workdir={str(tmp_path)!r})\n"
        "emu.start()\n"
        "emu.wait_for('magic ok', timeout=120)\n"
        "print(emu._proc.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        emulator_pid = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while not group_gone(emulator_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert group_gone(emulator_pid)
