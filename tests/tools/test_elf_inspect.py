"""questv inspect / questv.elfinfo, checked against binutils on a program built here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from questv import elfinfo
from questv.cli import main

SOURCE = """\
int counter;
const char message[] = "constant data";
int table[64] = {1};

int add(int a, int b)
{
	counter++;
	return a + b + message[0] + table[0];
}

int main(void)
{
	return add(1, 2);
}
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("elf")
    (d / "prog.c").write_text(SOURCE)
    subprocess.run(["gcc", "-g", "-O0", "-no-pie", "-o", str(d / "prog"), str(d / "prog.c")],
                   check=True)
    return d / "prog"


def binutils_size(path: Path) -> tuple[int, int, int]:
    out = subprocess.run(["size", str(path)], check=True, capture_output=True, text=True).stdout
    text, data, bss = out.splitlines()[1].split()[:3]
    return int(text), int(data), int(bss)


def nm_address(path: Path, symbol: str) -> int:
    out = subprocess.run(["nm", str(path)], check=True, capture_output=True, text=True).stdout
    return next(int(line.split()[0], 16) for line in out.splitlines()
                if line.split()[-1] == symbol)


def addr2line(path: Path, addr: int) -> str:
    out = subprocess.run(["addr2line", "-e", str(path), hex(addr)], check=True,
                         capture_output=True, text=True).stdout
    return Path(out.strip().split(" ")[0]).name


def test_sizes_agree_with_binutils_size(program):
    total = elfinfo.sizes(elfinfo.sections(program))
    assert (total.text, total.data, total.bss) == binutils_size(program)


def test_after_boot_excludes_init_sections(program):
    secs = elfinfo.sections(program)
    # Without __run_start/__run_end, init sections by name are boot-only.
    assert {s.name for s in secs if s.boot_only} == {".init"}
    init = next(s.size for s in secs if s.name == ".init")
    assert elfinfo.sizes(secs, after_boot=True).text == elfinfo.sizes(secs).text - init


def test_symbolize_function_offset_and_line(program):
    add = nm_address(program, "add")
    for offset in (0, 8, 20):
        text = elfinfo.symbolize(program, add + offset)
        name = "add" if offset == 0 else f"add+{offset:#x}"
        assert text == f"{name} ({addr2line(program, add + offset)})"


def test_symbolize_data_object(program):
    table = nm_address(program, "table")
    assert elfinfo.symbolize(program, table + 12) == "table+0xc"


def test_cli_inspect_table_and_symbol(program, capsys):
    assert main(["inspect", str(program)]) == 0
    out = capsys.readouterr().out
    text, data, bss = binutils_size(program)
    assert f"text {text:>8}  data {data:>8}  bss {bss:>8}" in out
    assert main(["inspect", str(program), "--symbol", hex(nm_address(program, "main"))]) == 0
    assert ": main (prog.c:" in capsys.readouterr().out


def test_cli_inspect_refuses_a_non_elf(tmp_path, capsys):
    junk = tmp_path / "junk.elf"
    junk.write_bytes(b"MZ not an elf")
    assert main(["inspect", str(junk)]) == 2
    assert "not an ELF file" in capsys.readouterr().err
