"""What is in a built ELF: section sizes (text/data/bss, and the part that runs after
boot) and the symbolization of an address, read with pyelftools.

Sizes follow the convention of binutils `size`: text is every allocated
section that holds code or is read-only (code and constants), data every
other allocated section with contents, bss every allocated section without
contents.

Boot-only code and data are those the program is done with once it has booted.
When the ELF defines `__run_start` and `__run_end` (monitor/monitor.ld does),
a section is boot-only when it lies outside that range; otherwise when its
name marks it: `.boot`, `.init`, or a name starting with `.boot.`, `.init.`,
`.text.init`, `.data.init` or `.rodata.init`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

BOOT_SECTION_NAMES = (".boot", ".init")
BOOT_SECTION_PREFIXES = (".boot.", ".init.", ".text.init", ".data.init", ".rodata.init")
KINDS = ("text", "data", "bss")


class ElfInfoError(Exception):
    """The file is missing or is not an ELF file we can read."""


@dataclass(frozen=True)
class Section:
    name: str
    kind: str  # text, data or bss
    addr: int
    size: int
    boot_only: bool


@dataclass(frozen=True)
class Sizes:
    text: int
    data: int
    bss: int

    @property
    def total(self) -> int:
        return self.text + self.data + self.bss


def _open(path: str | Path) -> tuple[object, ELFFile]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - the ELFFile reads from it lazily; caller closes
    except OSError as err:
        raise ElfInfoError(f"{path}: {err.strerror}") from err
    try:
        return f, ELFFile(f)
    except ELFError as err:
        f.close()
        raise ElfInfoError(f"{path}: not an ELF file ({err})") from err


def sections(path: str | Path) -> list[Section]:
    """The allocated sections of the ELF with their kind and whether they are boot-only."""
    f, elf = _open(path)
    with f:  # type: ignore[attr-defined]
        run = _run_range(elf)
        out = []
        for sec in elf.iter_sections():
            flags = sec["sh_flags"]
            if not flags & SH_FLAGS.SHF_ALLOC or sec["sh_size"] == 0:
                continue
            if sec["sh_type"] == "SHT_NOBITS":
                kind = "bss"
            elif flags & SH_FLAGS.SHF_WRITE and not flags & SH_FLAGS.SHF_EXECINSTR:
                kind = "data"
            else:
                kind = "text"
            addr, size = sec["sh_addr"], sec["sh_size"]
            if run is not None:
                boot_only = not (run[0] <= addr and addr + size <= run[1])
            else:
                boot_only = sec.name in BOOT_SECTION_NAMES \
                    or sec.name.startswith(BOOT_SECTION_PREFIXES)
            out.append(Section(sec.name, kind, addr, size, boot_only))
        return out


def _run_range(elf: ELFFile) -> tuple[int, int] | None:
    symbols = _symbol_values(elf, {"__run_start", "__run_end"})
    if len(symbols) == 2:
        return symbols["__run_start"], symbols["__run_end"]
    return None


def _symbol_values(elf: ELFFile, names: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for table in elf.iter_sections():
        if isinstance(table, SymbolTableSection):
            for sym in table.iter_symbols():
                if sym.name in names:
                    found[sym.name] = sym["st_value"]
    return found


def sizes(secs: list[Section], *, after_boot: bool = False) -> Sizes:
    """Totals per kind; with `after_boot`, only the sections that stay in use after boot."""
    total = dict.fromkeys(KINDS, 0)
    for s in secs:
        if not (after_boot and s.boot_only):
            total[s.kind] += s.size
    return Sizes(**total)


def symbolize(path: str | Path, addr: int) -> str:
    """`function+0xoff (file:line)` for an address, as far as the ELF knows it."""
    f, elf = _open(path)
    with f:  # type: ignore[attr-defined]
        name = _nearest_symbol(elf, addr)
        where = _source_line(elf, addr)
    text = name or f"{addr:#x} (no symbol)"
    return f"{text} ({where})" if where else text


def _nearest_symbol(elf: ELFFile, addr: int) -> str | None:
    best = None
    for table in elf.iter_sections():
        if not isinstance(table, SymbolTableSection):
            continue
        for sym in table.iter_symbols():
            if sym["st_info"]["type"] not in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE") \
                    or not sym.name or sym["st_shndx"] == "SHN_UNDEF":
                continue
            value, size = sym["st_value"], sym["st_size"]
            if value > addr or (size and addr >= value + size):
                continue
            # Prefer the closest start; among equals, a sized symbol (a function)
            # over a bare label.
            key = (value, size > 0)
            if best is None or key > best[0]:
                best = (key, sym.name, value)
    if best is None:
        return None
    _, name, value = best
    return name if addr == value else f"{name}+{addr - value:#x}"


def _source_line(elf: ELFFile, addr: int) -> str | None:
    if not elf.has_dwarf_info():
        return None
    dwarf = elf.get_dwarf_info()
    for cu in dwarf.iter_CUs():
        program = dwarf.line_program_for_CU(cu)
        if program is None:
            continue
        previous = None
        for entry in program.get_entries():
            state = entry.state
            if state is None:
                continue
            if previous is not None and previous.address <= addr < state.address:
                return _file_line(program, previous, cu)
            previous = None if state.end_sequence else state
    return None


def _file_line(program: object, state: object, cu: object) -> str:
    header = program.header  # type: ignore[attr-defined]
    index = state.file  # type: ignore[attr-defined]
    # DWARF 5 numbers files from 0, earlier versions from 1.
    if cu.header["version"] < 5:  # type: ignore[attr-defined]
        index -= 1
    entries = header["file_entry"]
    name = entries[index].name.decode() if 0 <= index < len(entries) else "?"
    return f"{name}:{state.line}"  # type: ignore[attr-defined]
