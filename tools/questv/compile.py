"""Python sources to bundle modules: find them, compile them with the hosted compiler.

Every sandbox's bundle holds all of `pylib/` (the `quest` package every
sandbox gets) and the modules of its `apps` (docs/system-toml.md). Each
module is compiled by `build/host/qpy -o OUT.qbc FILE.py` (one process per
file: about 5 ms each, so a batch mode is not needed yet) and the output is
cached under `build/cache/qbc/` by a hash of the compiler binary, the file
name the bytecode records and the source, so an unchanged module is never
compiled twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import bundle

if TYPE_CHECKING:
    from .config import Sandbox, Service, System

PYLIB = Path(__file__).resolve().parents[2] / "pylib"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# qpy's error line: "SyntaxError: invalid syntax (bad.py, line 2, column 7)"
_QPY_ERROR = re.compile(r"^(?P<msg>.*) \((?P<file>.*), line (?P<line>\d+), column (?P<col>\d+)\)$")


class ModuleError(Exception):
    """Two files give the same module, or a path cannot be read as modules."""


class CompileError(Exception):
    """A module failed to compile: which file, where, and the compiler's message."""

    def __init__(self, path: Path, line: int | None, column: int | None, message: str) -> None:
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


@dataclass(frozen=True)
class ModuleSource:
    """One Python module found on disk; `rel` is the name its bytecode records."""

    name: str
    path: Path
    root: Path
    package: bool

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def find_modules(paths: list[Path], *, missing_ok: bool = False) -> dict[str, ModuleSource]:
    """The modules under `paths`: a .py file is a module named after it; a directory gives
    its top-level .py files and, recursively, its packages (subfolders with __init__.py)."""
    found: dict[str, ModuleSource] = {}

    def add(m: ModuleSource) -> None:
        if m.name in found and found[m.name].path != m.path:
            raise ModuleError(f'module "{m.name}" is given twice: {found[m.name].path} and '
                              f"{m.path}")
        found[m.name] = m

    def walk(folder: Path, root: Path, prefix: str) -> None:
        for entry in sorted(folder.iterdir()):
            stem = entry.name.removesuffix(".py")
            if not _IDENT.match(stem):
                continue  # __pycache__ folders are skipped here too: not identifiers
            if entry.is_file() and entry.suffix == ".py":
                if stem == "__init__":
                    continue
                add(ModuleSource(prefix + stem, entry, root, False))
            elif entry.is_dir() and (entry / "__init__.py").is_file():
                add(ModuleSource(prefix + stem, entry / "__init__.py", root, True))
                walk(entry, root, prefix + stem + ".")

    for path in paths:
        if path.is_dir():
            walk(path, path, "")
        elif path.is_file() and path.suffix == ".py":
            if not _IDENT.match(path.stem) or path.stem == "__init__":
                raise ModuleError(f"{path}: {path.stem!r} is not a module name")
            add(ModuleSource(path.stem, path, path.parent, False))
        elif not missing_ok:
            raise ModuleError(f"{path}: not a .py file or a directory")
    return found


def sandbox_modules(sb: Sandbox, pylib: Path = PYLIB) -> dict[str, ModuleSource]:
    """Everything that goes into one sandbox's bundle: pylib, then its apps."""
    return {**find_modules([pylib], missing_ok=True), **find_modules(list(sb.apps))}


class Compiler:
    """`qpy -o` with a content-hash cache; `display` makes paths short in errors."""

    def __init__(self, qpy: Path, cache_dir: Path, display: Path | None = None) -> None:
        self.qpy = qpy
        self.cache_dir = cache_dir
        self.display = display
        self.compiled = 0  # files actually compiled (cache misses), for tests and reports
        self._qpy_hash: str | None = None

    def _shown(self, path: Path) -> Path:
        if self.display is not None:
            try:
                return path.resolve().relative_to(self.display.resolve())
            except ValueError:
                pass
        return path

    def _compiler_hash(self) -> str:
        if self._qpy_hash is None:
            if not self.qpy.is_file():
                raise FileNotFoundError(str(self.qpy))
            self._qpy_hash = hashlib.sha256(self.qpy.read_bytes()).hexdigest()
        return self._qpy_hash

    def compile(self, m: ModuleSource) -> bytes:
        """The module's bytecode; raises CompileError with file, line and column."""
        source = m.path.read_bytes()
        key = hashlib.sha256(b"\0".join([self._compiler_hash().encode(), m.rel.encode(),
                                         source])).hexdigest()
        cached = self.cache_dir / f"{key}.qbc"
        if cached.is_file():
            return cached.read_bytes()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="questv-qbc-") as tmp:
            out = Path(tmp) / "out.qbc"
            # Run from the module's root so the bytecode records "quest/log.py",
            # not a path that only exists on this machine.
            proc = subprocess.run([str(self.qpy.resolve()), "-o", str(out), m.rel],
                                  cwd=m.root, capture_output=True, check=False)
            if proc.returncode != 0 or not out.is_file():
                raise self._error(m, proc.stderr.decode(errors="replace") +
                                  proc.stdout.decode(errors="replace"), proc.returncode)
            data = out.read_bytes()
        part = cached.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(data)
        part.replace(cached)  # whole or absent, even with two builds at once
        self.compiled += 1
        return data

    def _error(self, m: ModuleSource, text: str, status: int) -> CompileError:
        lines = [ln for ln in text.strip().splitlines() if ln.strip()]
        for ln in reversed(lines):
            match = _QPY_ERROR.match(ln.strip())
            if match:
                return CompileError(self._shown(m.path), int(match["line"]), int(match["col"]),
                                    match["msg"])
        last = lines[-1] if lines else f"the compiler exited with status {status}"
        return CompileError(self._shown(m.path), None, None, last)


def check_source(qpy: Path, path: Path) -> None:
    """Compile one file without keeping the result (`qpy --check`); CompileError if bad."""
    proc = subprocess.run([str(qpy.resolve()), "--check", path.name], cwd=path.parent,
                          capture_output=True, check=False)
    if proc.returncode == 0:
        return
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    m = ModuleSource(path.stem, path, path.parent, False)
    for ln in text.splitlines():
        # --check prints "FILE: SyntaxError: ... (FILE, line L, column C)"
        _, _, rest = ln.partition(": ")
        match = _QPY_ERROR.match(rest.strip())
        if match:
            raise CompileError(path, int(match["line"]), int(match["col"]), match["msg"])
    raise Compiler(qpy, Path(tempfile.gettempdir()))._error(m, text, proc.returncode)


def bundle_for(system: System, sb: Sandbox, compiler: Compiler | None,
               pylib: Path = PYLIB) -> bytes:
    """The bundle v2 of one sandbox: its modules compiled, its services, its sizes."""
    from .config import RESTART_POLICIES, START_MODES

    modules = sandbox_modules(sb, pylib)
    homes: dict[int, dict[str, ModuleSource]] = {}
    for svc in sb.standby_services:
        modules = {**_standby_modules(system, svc, pylib, homes), **modules}
    if modules and compiler is None:
        raise CompileError(Path(next(iter(modules.values())).path), None, None,
                           "no compiler to build it with")
    entries = [bundle.Module(name, compiler.compile(m), package=m.package)  # type: ignore[union-attr]
               for name, m in sorted(modules.items())]
    services = [bundle.Service(
        name=s.name, module=s.module, alternate=s.alternate, budget_us=s.budget_us,
        period_us=s.period_us, heap_kib=s.heap_kib, restart=RESTART_POLICIES[s.restart],
        restart_limit=s.restart_limit, backoff_ms=s.backoff_ms,
        at_boot=bool(START_MODES[s.start]), device=s.device) for s in sb.hosted_services]
    return bundle.encode(sb.id, entries, services, repl_heap_kib=sb.repl_heap_kib,
                         fs_kib=sb.fs_kib)


def _standby_modules(system: System, svc: Service, pylib: Path,
                     homes: dict[int, dict[str, ModuleSource]]) -> dict[str, ModuleSource]:
    """The module and alternate of a standby copy, with their parent packages, as its
    home sandbox's bundle has them (config checked they are no other file here).
    `homes` keeps each home's modules, found once for all its copies."""
    from .config import home_of

    home, _ = home_of(system, svc)
    if home.id not in homes:
        homes[home.id] = sandbox_modules(home, pylib)
    theirs = homes[home.id]
    out: dict[str, ModuleSource] = {}
    for name in (svc.module, svc.alternate):
        parts = name.split(".") if name else []
        for k in range(1, len(parts) + 1):
            prefix = ".".join(parts[:k])
            if prefix in theirs:
                out[prefix] = theirs[prefix]
    return out
