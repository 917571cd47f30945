"""The `questv` command: one subcommand per thing a user does (docs/cli.md).

Exit status: 0 done, 1 the operation failed (build tool, emulator, device),
2 the input was refused (system.toml, arguments, a file that is not what it
should be).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .compile import CompileError
from .config import ConfigError
from .emulator import KINDS, EmulatorError
from .image import BuildError, NotAnImage
from .manifest import ManifestError

EXIT_FAILED, EXIT_REFUSED = 1, 2


def cmd_build(args: argparse.Namespace) -> int:
    from .image import build

    result = build(args.system, args.output, test=args.test, build_dir=args.build_dir)
    kind = "test build, attacks armed" if result.system.has_test_attacks else (
        "test build" if args.test else "default build")
    print(f"questv: built {result.image} ({len(result.system.sandboxes)} sandboxes, "
          f"{result.system.machine.cores} cores, {result.system.machine.memory_mib} MiB, "
          f"manifest {len(result.manifest)} bytes, {kind})")
    print(f"questv: built {result.kernel_only_image} (kernel alone, for --emulator qemu)")
    for sb, data in zip(result.system.sandboxes, result.bundles, strict=True):
        from .bundle import decode

        b = decode(data, sandbox_id=sb.id)
        print(f"questv: bundle{sb.id} ({sb.name}): {len(b.modules)} modules, "
              f"{len(b.services)} services, {len(data)} bytes")
    print(f"questv: {result.compiled} modules compiled, the rest from the cache")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .runner import run

    if args.cores is not None and args.cores < 1:
        raise _Refused("--cores must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise _Refused("--timeout must be positive")
    return run(args.image, kind=args.emulator, timeout=args.timeout, cores=args.cores,
               serial=args.serial)


def cmd_inspect(args: argparse.Namespace) -> int:
    path = Path(args.elf)
    head = b""
    try:
        if path.is_file():
            with path.open("rb") as f:
                head = f.read(4)   # not the whole file: an image is megabytes
    except OSError as err:
        raise _Refused(f"{path}: cannot read it: {err.strerror}") from err
    if head == b"QVBN":
        if args.symbol:
            raise _Refused("--symbol needs an ELF file, not a bundle")
        return _inspect_bundle(path.name, path.read_bytes())
    if head and head != b"\x7fELF" and path.suffix == ".iso":
        if args.symbol:
            raise _Refused("--symbol needs an ELF file, not an image")
        return _inspect_image(path)
    return _inspect_elf(args)


def _inspect_bundle(label: str, data: bytes) -> int:
    from .bundle import RESTART_NAMES, BundleError, decode

    try:
        b = decode(data)
    except BundleError as err:
        raise _Refused(f"{label}: {err}") from err
    print(f"{label}: bundle v2 for sandbox {b.sandbox_id}, {b.total_size} bytes, crc "
          f"{b.crc:#010x}, REPL heap {b.repl_heap_kib or 'default'} KiB, fs "
          f"{b.fs_kib or 'default'} KiB")
    print(f"  {len(b.modules)} modules:")
    for m in b.modules:
        kind = ("package " if m.package else "") + ("source" if m.source else "bytecode")
        print(f"    {m.name:<32} {len(m.data):>8} bytes  {kind}")
    print(f"  {len(b.services)} services:")
    for s in b.services:
        alt = f", alternate {s.alternate}" if s.alternate else ""
        limit = f" (limit {s.restart_limit})" if s.restart_limit else ""
        backoff = f", backoff {s.backoff_ms} ms" if RESTART_NAMES[s.restart] == "backoff" else ""
        print(f"    {s.name}: module {s.module}, {s.budget_us}/{s.period_us} us, heap "
              f"{s.heap_kib} KiB, restart {RESTART_NAMES[s.restart]}{limit}{backoff}{alt}, "
              f"{'at boot' if s.at_boot else 'manual'}"
              + ("" if s.device is None else f", bound to device {s.device}"))
    return 0


def _inspect_image(path: Path) -> int:
    """Every bundle of a built image, as many as its manifest has sandboxes."""
    from .image import read_module
    from .manifest import read_header

    for n in range(read_header(read_module(path, "manifest")).n_sandboxes):
        _inspect_bundle(f"{path.name}: bundle{n}", read_module(path, f"bundle{n}"))
    return 0


def _inspect_elf(args: argparse.Namespace) -> int:
    from . import elfinfo

    try:
        secs = elfinfo.sections(args.elf)
        for addr in args.symbol:
            print(f"{addr:#x}: {elfinfo.symbolize(args.elf, addr)}")
    except elfinfo.ElfInfoError as err:
        raise _Refused(str(err)) from err
    if args.symbol:
        return 0
    print(f"{'section':<16} {'kind':<5} {'address':>18} {'size':>10}  after boot")
    for s in secs:
        print(f"{s.name:<16} {s.kind:<5} {s.addr:#18x} {s.size:>10}  "
              f"{'no (boot only)' if s.boot_only else 'yes'}")
    for label, total in (("total", elfinfo.sizes(secs)),
                         ("after boot", elfinfo.sizes(secs, after_boot=True))):
        print(f"{label + ':':<12} text {total.text:>8}  data {total.data:>8}  "
              f"bss {total.bss:>8}  sum {total.total:>8}")
    return 0


def cmd_flash(args: argparse.Namespace) -> int:
    from .flash import FlashError, flash

    try:
        written = flash(args.image, args.device, yes=args.yes)
    except FlashError as err:
        raise _Refused(str(err)) from err
    except OSError as err:
        print(f"questv: writing {args.device} failed: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(f"questv: wrote {written} bytes of {args.image} to {args.device}")
    return 0


def _hub_port(line: str) -> str:
    """The hub link's spelling of a line: pyserial's socket://HOST:PORT (what
    `questv run --serial socket` prints) becomes tcp:HOST:PORT."""
    return "tcp:" + line[len("socket://"):] if line.startswith("socket://") else line


def cmd_console(args: argparse.Namespace) -> int:
    from .console import ConsoleError, console

    if args.timeout is not None and args.timeout <= 0:
        raise _Refused("--timeout must be positive")
    if args.hub or args.interactive:
        from .hub.console import run_console

        return run_console(_hub_port(args.line), baud=args.baud, interactive=args.interactive,
                           timeout=args.timeout or 5.0)
    try:
        return console(args.line, baud=args.baud, timeout=args.timeout)
    except ConsoleError as err:
        print(f"questv: {err}", file=sys.stderr)
        return EXIT_FAILED


def cmd_repl(args: argparse.Namespace) -> int:
    from .hub.console import run_repl

    if not 0 <= args.sandbox < 16:
        raise _Refused(f"sandbox {args.sandbox}: ids are 0..15")
    if args.timeout <= 0:
        raise _Refused("--timeout must be positive")
    return run_repl(_hub_port(args.line), args.sandbox, baud=args.baud, timeout=args.timeout)


class _BoardRepl:
    """Sandbox N's console through the board's hub, driven as a raw REPL."""

    def __init__(self, line: str, sandbox: int, *, baud: int, timeout: float) -> None:
        from .hub import frame as F
        from .hub.console import connect
        from .hub.link import open_transport
        from .rawrepl import RawRepl

        self._data = F.FrameType.DATA
        self.transport = open_transport(_hub_port(line), baud)
        try:
            self.link, _, early = connect(self.transport, min(timeout, 10.0))
        except BaseException:
            self.transport.close()
            raise
        self.sandbox = sandbox
        self._early = b"".join(f.payload for f in early
                               if f.type == self._data and f.sb == sandbox)
        self.repl = RawRepl(self._read, lambda data: self.link.send_keys(sandbox, data),
                            timeout=timeout)

    def _read(self, timeout: float) -> bytes:
        data, self._early = self._early, b""
        frames = self.link.poll(0 if data else timeout)
        return data + b"".join(f.payload for f in frames
                               if f.type == self._data and f.sb == self.sandbox)

    def close(self) -> None:
        try:
            if self.repl.in_raw:
                self.repl.exit()
            self.link.bye()
        finally:
            self.link.close()


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise _Refused(f"{path}: cannot read it: {err.strerror}") from err


def _read_source(path: str) -> str:
    try:
        return _read_file(path).decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Refused(f"{path}: not UTF-8 text") from err


def _check_board_args(args: argparse.Namespace) -> None:
    """What `_board_options` parsed, beyond its types, and the sandbox id."""
    if not 0 <= args.sandbox < 16:
        raise _Refused(f"sandbox {args.sandbox}: ids are 0..15")
    if args.timeout <= 0:
        raise _Refused("--timeout must be positive")


def _on_board(command: str, args: argparse.Namespace,
              steps: Sequence[str]) -> tuple[bytes, bytes] | None:
    """Run `steps` one after another in sandbox args.sandbox's raw REPL, through the
    board's hub. (stdout, stderr) of the first step that wrote to stderr, otherwise of
    the last; None, with the reason printed, when the board could not be reached or
    did not answer as the protocol says."""
    from .hub.link import HubError
    from .rawrepl import RawReplError

    try:
        board = _BoardRepl(args.line, args.sandbox, baud=args.baud, timeout=args.timeout)
    except HubError as err:
        print(f"questv {command}: {err}", file=sys.stderr)
        return None
    try:
        board.repl.enter()
        out = err = b""
        for step in steps:
            out, err = board.repl.exec(step)
            if err:
                break
        return out, err
    except (RawReplError, EOFError, OSError) as exc:
        print(f"questv {command}: sb{args.sandbox}: {exc}", file=sys.stderr)
        return None
    finally:
        board.close()


def cmd_swap(args: argparse.Namespace) -> int:
    from .compile import check_source
    from .config import service_name_error

    _check_board_args(args)
    if service_name_error(args.service):
        raise _Refused(f"{args.service!r} is not a service name")
    source = _read_source(args.file)
    qpy = Path(args.build_dir) / "host/qpy"
    if not qpy.is_file():
        raise BuildError(f"{qpy} does not exist: run `make binaries` first (the file is "
                         "compiled on this machine before it goes to the board)")
    # Refused here, before the board is touched: the running service is not
    # even asked.
    check_source(qpy, Path(args.file))
    code = (f"import quest\nquest.swap({args.service!r}, {source!r}"
            f"{', hook=False' if args.no_state else ''})\n")
    answer = _on_board("swap", args, [code])
    if answer is None:
        return EXIT_FAILED
    out, err = answer
    if out:
        sys.stdout.write(out.decode(errors="replace"))
    if err:
        text = err.decode(errors="replace").rstrip()
        print(f"questv swap: sb{args.sandbox} refused {args.file} for service "
              f"{args.service!r}; the old version keeps running:\n{text}", file=sys.stderr)
        return EXIT_FAILED
    print(f"questv swap: sb{args.sandbox}: service {args.service!r} now runs {args.file}")
    return 0


PUSH_CHUNK = 512  # bytes of the file per exec: well inside any REPL heap


def cmd_push(args: argparse.Namespace) -> int:
    _check_board_args(args)
    data = _read_file(args.file)
    dest = args.dest or Path(args.file).name
    if not dest or "\0" in dest:
        raise _Refused(f"{dest!r} is not a file name")
    steps = [f"_f = open({dest!r}, 'wb')"]
    steps += [f"_f.write({data[i:i + PUSH_CHUNK]!r})" for i in range(0, len(data), PUSH_CHUNK)]
    steps += ["_f.close()\ndel _f", f"import os\nprint(os.stat({dest!r})[6])"]
    answer = _on_board("push", args, steps)
    if answer is None:
        return EXIT_FAILED
    out, err = answer
    if err:
        print(f"questv push: sb{args.sandbox}: {dest}: "
              f"{err.decode(errors='replace').rstrip()}", file=sys.stderr)
        return EXIT_FAILED
    size = out.decode(errors="replace").strip()
    if size != str(len(data)):
        print(f"questv push: sb{args.sandbox}: {dest} has {size} bytes on the board, not "
              f"{len(data)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"questv push: {args.file} -> sb{args.sandbox}:{dest} ({len(data)} bytes)")
    return 0


def _address(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an address (0x... or decimal)") \
            from None


def _board_options(p: argparse.ArgumentParser, timeout: float) -> None:
    """--line, --baud and --timeout of the commands that drive a sandbox's raw REPL."""
    default = os.environ.get("QUESTV_LINE")
    p.add_argument("--line", default=default, required=default is None,
                   help="the board's serial line: a device, socket://HOST:PORT (what "
                        "`questv run --serial socket` prints), tcp:HOST:PORT or unix:PATH "
                        "(default: $QUESTV_LINE)")
    p.add_argument("--baud", type=int, default=115200, help="line speed (default: 115200)")
    p.add_argument("--timeout", type=float, default=timeout, metavar="S",
                   help=f"how long to wait for each answer of the board (default: {timeout:g})")


class _Refused(Exception):
    """A bad argument the parser cannot see by itself."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="questv",
        description="Build, boot and inspect questv systems (a separation kernel whose "
                    "sandboxes run Python).")
    p.add_argument("--version", action="version", version=f"questv {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build", help="validate system.toml and build the bootable ISO images",
        description="Validate SYSTEM, compile it to the binary manifest, and package the "
                    "monitor, the sandbox kernel, the manifest and one bundle per sandbox "
                    "into a GRUB multiboot2 hybrid ISO (BIOS-bootable, can be written to a "
                    "USB stick). Also writes IMAGE-kernel-only.iso, whose GRUB default boots "
                    "the sandbox kernel without the monitor (for --emulator qemu).")
    b.add_argument("system", nargs="?", default="system.toml",
                   help="the system description (default: system.toml)")
    b.add_argument("-o", "--output", default="build/questv.iso",
                   help="the ISO to write (default: build/questv.iso)")
    b.add_argument("--test", action="store_true",
                   help="test build: use kernel/kernel-test.elf, set the manifest's test flag "
                        "and arm the test_attacks of system.toml (refused without --test)")
    b.add_argument("--build-dir", default="build",
                   help="where `make binaries` put monitor/monitor.elf and kernel/*.elf "
                        "(default: build); the ISO trees are staged in OUTPUT's folder, "
                        "as <name>.d/")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser(
        "run", help="boot an image in an emulator with the serial console attached",
        description="Boot IMAGE in Bochs (VT-x with EPT, one emulated core per machine core "
                    "of the manifest, clock: sync=none, no GUI) and connect COM1. Ends when "
                    "the emulator does, at --timeout, or on Ctrl-C; the emulator is always "
                    "stopped. Emulator files (bochsrc, logs) go to run-<image name>/ next to "
                    "the image.")
    r.add_argument("image", nargs="?", default="build/questv.iso",
                   help="the ISO from `questv build` (default: build/questv.iso)")
    r.add_argument("--emulator", choices=KINDS, default="bochs",
                   help="bochs (default): monitor and sandboxes; qemu: the sandbox kernel "
                        "alone from IMAGE-kernel-only.iso, isolation off")
    r.add_argument("--timeout", type=float, metavar="S",
                   help="stop after S seconds of wall time (exit status 0)")
    r.add_argument("--cores", type=int, metavar="N",
                   help="emulated cores (default: machine.cores from the manifest)")
    r.add_argument("--serial", choices=("stdio", "pty", "socket"), default="stdio",
                   help="stdio (default): console on stdout, keys from a terminal go to the "
                        "guest; pty: a pseudo-terminal whose name is printed; socket: a TCP "
                        "port on 127.0.0.1 whose number is printed")
    r.set_defaults(func=cmd_run)

    i = sub.add_parser(
        "inspect", help="an ELF's sections or symbols, or what an image's bundles hold",
        description="FILE may be an ELF, a bundle or an image. ELF without --symbol: the "
                    "allocated sections with their kind (text: code and read-only data, "
                    "data: writable, bss: zero-filled), and the totals for the whole image "
                    "and for the part that stays in use after boot (inside "
                    "__run_start..__run_end when the ELF defines them, otherwise everything "
                    "but .boot/.init sections). With --symbol: the function+offset and "
                    "source line of each address. A bundle (bundleN from `questv build`) or "
                    "an image (.iso): each bundle is checked (docs/bundle.md) and its "
                    "modules and services listed; a damaged bundle is refused (exit 2) with "
                    "what is wrong.")
    i.add_argument("elf", metavar="FILE",
                   help="e.g. build/monitor/monitor.elf, build/questv.iso or a bundle file")
    i.add_argument("--symbol", type=_address, action="append", default=[], metavar="ADDR",
                   help="symbolize ADDR (0x... or decimal); may be given several times")
    i.set_defaults(func=cmd_inspect)

    f = sub.add_parser(
        "flash", help="write an image to a USB stick for a real board",
        description="Write IMAGE to the whole block device DEVICE (e.g. /dev/sdb). Refused, "
                    "before anything is written, when IMAGE is not a questv image, DEVICE is "
                    "not a block device, it or one of its partitions is mounted, or it is "
                    "smaller than IMAGE. Asks for confirmation unless --yes.")
    f.add_argument("image", help="the ISO from `questv build`")
    f.add_argument("device", help="the whole device, not a partition")
    f.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    f.set_defaults(func=cmd_flash)

    c = sub.add_parser(
        "console", help="a terminal on the board's serial line",
        description="Show what arrives on the serial LINE and send keys typed on this "
                    "terminal to it. LINE is a serial device for a real board "
                    "(/dev/ttyUSB0) or a pyserial URL, e.g. socket://127.0.0.1:PORT for "
                    "`questv run --serial socket`. Ends on Ctrl-], Ctrl-C, --timeout, or "
                    "when the line closes. The sandboxes' consoles appear as they are sent, "
                    "each line tagged with its sandbox.")
    c.add_argument("line", help="serial device or pyserial URL")
    c.add_argument("--baud", type=int, default=115200, help="line speed (default: 115200)")
    c.add_argument("--timeout", type=float, metavar="S",
                   help="end after S seconds (with --hub: how long the handshake may take)")
    c.add_argument("--hub", action="store_true",
                   help="switch the board's console hub to framed mode and give each sandbox "
                        "its own pty (paths printed); LINE may also be tcp:HOST:PORT or "
                        "unix:PATH (docs/console.md)")
    c.add_argument("--interactive", action="store_true",
                   help="with the hub: every console on this terminal, Ctrl-] N focuses "
                        "sandbox N (implies --hub)")
    c.set_defaults(func=cmd_console)

    rp = sub.add_parser(
        "repl", help="this terminal attached to one sandbox's console through the hub",
        description="Switch the board's console hub to framed mode and attach this terminal "
                    "to sandbox N alone (raw mode; Ctrl-] leaves). LINE as for `questv "
                    "console --hub`.")
    rp.add_argument("sandbox", type=int, metavar="N", help="sandbox id")
    rp.add_argument("line", help="serial device, socket://HOST:PORT, tcp:HOST:PORT or unix:PATH")
    rp.add_argument("--baud", type=int, default=115200, help="line speed (default: 115200)")
    rp.add_argument("--timeout", type=float, default=5.0, metavar="S",
                    help="how long the handshake may take (default: 5)")
    rp.set_defaults(func=cmd_repl)
    sw = sub.add_parser(
        "swap", help="replace a running service on the board with a new version",
        description="Compile FILE on this machine first (build/host/qpy --check): a file "
                    "that does not compile is refused with its file, line and column, "
                    "exit status 2, and the board is not touched. Then connect to the "
                    "board's serial --line through the console hub (as `questv console "
                    "--hub`), enter sandbox N's raw REPL and run quest.swap(SERVICE, "
                    "<FILE's text>): the board compiles and imports the new code in a fresh "
                    "interpreter, and only then stops the old one at a safe point and "
                    "starts the new one (handing state over via save_state()/"
                    "restore_state() unless --no-state). If the board refuses (an error "
                    "at import, no such service), its error is printed, the old version "
                    "keeps running and the exit status is 1.")
    sw.add_argument("sandbox", type=int, metavar="N", help="sandbox id")
    sw.add_argument("service", metavar="SERVICE", help="the service's name in system.toml")
    sw.add_argument("file", metavar="FILE", help="the new version's Python source")
    _board_options(sw, timeout=60.0)
    sw.add_argument("--no-state", action="store_true",
                    help="do not hand the old version's state to the new one")
    sw.add_argument("--build-dir", default="build",
                    help="where `make binaries` put host/qpy (default: build)")
    sw.set_defaults(func=cmd_swap)

    pu = sub.add_parser(
        "push", help="copy a file into a sandbox's RAM filesystem",
        description="Connect to the board's serial --line through the console hub, enter "
                    "sandbox N's raw REPL and write FILE to DEST (default: FILE's name) in "
                    "its RAM filesystem, where `import` finds modules; the size on the "
                    "board is checked afterwards.")
    pu.add_argument("sandbox", type=int, metavar="N", help="sandbox id")
    pu.add_argument("file", metavar="FILE", help="the file to copy")
    pu.add_argument("dest", nargs="?", metavar="DEST", help="its name on the board")
    _board_options(pu, timeout=30.0)
    pu.set_defaults(func=cmd_push)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, _Refused, ManifestError, NotAnImage, CompileError) as err:
        print(err if isinstance(err, ConfigError) else f"questv: {err}", file=sys.stderr)
        return EXIT_REFUSED
    except (BuildError, EmulatorError) as err:
        print(f"questv: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("questv: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
