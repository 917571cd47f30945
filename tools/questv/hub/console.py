"""`questv console` and `questv repl N`: the host's side of the console hub.

One loop (`Console.step`) moves bytes between the framed serial line and
* a pty per sandbox (paths printed; any terminal program or mpremote attaches),
* optionally the current terminal, either showing every console with a
  `[sbN] ` prefix and a movable input focus (interactive), or attached to one
  sandbox alone (repl).
"""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self, TextIO

from . import frame as F
from .link import HubError, HubLink, Transport, open_transport

PTY_QUEUE_MAX = 1 << 20  # bytes kept per sandbox while no program reads its pty
HELP = ("Ctrl-] then 0-9/a-f: type into that sandbox; Ctrl-] s: hub statistics; "
        "Ctrl-] q: quit; Ctrl-] Ctrl-]: send Ctrl-]; Ctrl-C: interrupt the sandbox")


@dataclass
class SandboxPty:
    sb: int
    master: int
    slave: int
    path: str
    queue: bytearray = field(default_factory=bytearray)
    dropped: int = 0  # bytes this tool dropped because nobody read the pty

    @classmethod
    def open(cls, sb: int) -> SandboxPty:
        master, slave = os.openpty()
        # Raw, so Ctrl-C and every other byte reach us as data; the setting
        # belongs to the pty, so whoever opens the path gets it too.
        tty.setraw(slave)
        os.set_blocking(master, False)
        # Holding the slave open keeps the master readable (no EIO) while no
        # program is attached.
        return cls(sb, master, slave, os.ttyname(slave))

    def push(self, data: bytes) -> None:
        self.queue += data
        if len(self.queue) > PTY_QUEUE_MAX:
            cut = len(self.queue) - PTY_QUEUE_MAX
            del self.queue[:cut]
            self.dropped += cut

    def flush(self) -> None:
        while self.queue:
            try:
                n = os.write(self.master, self.queue)
            except BlockingIOError:
                return
            del self.queue[:n]

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


class PrefixScreen:
    """All consoles on one terminal: a screen line never mixes two sandboxes."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self.write = write
        self.open_sb: int | None = None  # whose unfinished line the cursor is on

    def output(self, sb: int, data: bytes) -> None:
        for line in data.splitlines(keepends=True):
            if self.open_sb is not None and self.open_sb != sb:
                self.write(b"\r\n")
                self.open_sb = None
            if self.open_sb is None:
                self.write(b"[sb%d] " % sb)
            self.write(line)
            self.open_sb = None if line.endswith(b"\n") else sb

    def line(self, text: str) -> None:
        """A whole line of its own, below any sandbox's unfinished one."""
        if self.open_sb is not None:
            self.write(b"\r\n")
            self.open_sb = None
        self.write(text.encode() + b"\r\n")

    def note(self, text: str) -> None:
        self.line("[questv] " + text)


class Console:
    """The running session. `step()` does one round of I/O; `serve()` loops."""

    def __init__(self, link: HubLink, hello: F.Hello, *, ptys: bool = True,
                 term_in: int | None = None, term_out: Callable[[bytes], None] | None = None,
                 only: int | None = None, log: TextIO | None = None,
                 kernel_log: TextIO | None = None) -> None:
        self.link = link
        self.hello = hello
        self.sandboxes = hello.sandboxes
        if only is not None and only not in self.sandboxes:
            raise HubError(f"sandbox {only} has no console; the hub has "
                           f"{', '.join(map(str, self.sandboxes)) or 'none'}")
        self.ptys = {sb: SandboxPty.open(sb) for sb in self.sandboxes} if ptys else {}
        self.term_in = term_in
        self.term_out = term_out
        self.only = only
        self.focus = only if only is not None else hello.focus
        if self.focus not in self.sandboxes and self.sandboxes:
            self.focus = self.sandboxes[0]
        self.screen = PrefixScreen(term_out) if term_out and only is None else None
        self.log = log
        # The sandboxes' kernel lines (LOG frames): never in a pty, so a
        # program driving a REPL there (mpremote) sees only its bytes.
        self.kernel_log = kernel_log if kernel_log is not None else log
        self.hub_dropped: dict[int, int] = {}
        self.stats: dict[str, int] | None = None
        self.acks: list[int] = []
        self.done = False
        self._escape = False

    # -- from the board --------------------------------------------------
    def _frame(self, f: F.Frame) -> None:
        if f.type == F.FrameType.DATA:
            self._output(f.sb, f.payload)
        elif f.type == F.FrameType.LOG:
            self._kernel_line(f.sb, f.payload.decode("utf-8", "replace"))
        elif f.type == F.FrameType.DROPPED:
            n = int.from_bytes(f.payload, "little")
            self.hub_dropped[f.sb] = self.hub_dropped.get(f.sb, 0) + n
            self._note(f"the hub dropped {n} bytes of sb{f.sb}'s output (nobody listened)")
        elif f.type == F.FrameType.STATS:
            self.stats = F.parse_stats(f.payload)
            self._note("hub: " + ", ".join(f"{k} {v}" for k, v in self.stats.items() if v))
        elif f.type == F.FrameType.ACK:
            self.acks.append(f.payload[0])

    def _output(self, sb: int, data: bytes) -> None:
        if sb in self.ptys:
            self.ptys[sb].push(data)
            self.ptys[sb].flush()
        if self.term_out is None:
            return
        if self.screen is not None:
            self.screen.output(sb, data)
        elif sb == self.only:
            self.term_out(data)

    def _line(self, line: str, stream: TextIO | None) -> None:
        if self.screen is not None:
            self.screen.line(line)
        elif stream is not None:
            print(line, file=stream, flush=True)

    def _monitor(self, line: str) -> None:
        """A monitor's own line (it starts "[mon N] "): the monitors' stream."""
        self._line(line, self.log)

    def _kernel_line(self, sb: int, text: str) -> None:
        """A sandbox kernel's log line (heartbeat, faults): its own stream."""
        self._line(f"[sb{sb}] {text}", self.kernel_log)

    def _note(self, text: str) -> None:
        if self.screen is not None:
            self.screen.note(text)
        elif self.log is not None:
            print(f"questv console: {text}", file=self.log, flush=True)

    # -- from the user ---------------------------------------------------
    def _keys(self, data: bytes) -> None:
        start = 0
        for i, b in enumerate(data):
            if self._escape:
                self._escape = False
                start = i + 1
                self._command(b)
            elif b == F.ESCAPE:
                self.link.send_keys(self.focus, data[start:i])
                if self.only is not None:  # repl: Ctrl-] alone leaves
                    self.done = True
                    return
                self._escape = True
            if self.done:
                return
        if not self._escape:
            self.link.send_keys(self.focus, data[start:])

    def _command(self, b: int) -> None:
        digit = int(chr(b), 16) if chr(b) in "0123456789abcdefABCDEF" else None
        if b == F.ESCAPE:
            self.link.send_data(self.focus, bytes((F.ESCAPE,)))
        elif b in b"qQ":
            self.done = True
        elif b in b"sS":
            self.link.request_stats()
        elif digit is not None and digit in self.sandboxes:
            self.focus = digit
            self._note(f"typing into sb{digit}")
        elif digit is not None:
            self._note(f"sb{digit} has no console")
        else:
            self._note(HELP)

    # -- the loop ----------------------------------------------------------
    def step(self, timeout: float = 0.1) -> None:
        rd = [self.link.fileno()] + [p.master for p in self.ptys.values()]
        if self.term_in is not None:
            rd.append(self.term_in)
        wr = [p.master for p in self.ptys.values() if p.queue]
        readable, writable, _ = select.select(rd, wr, [], timeout)
        if self.link.fileno() in readable:
            for f in self.link.poll():
                self._frame(f)
            for line in self.link.take_text():
                self._monitor(line)
        else:
            self.link.maybe_resync()
        for p in self.ptys.values():
            if p.master in writable:
                p.flush()
            if p.master in readable:
                self._from_pty(p)
        if self.term_in is not None and self.term_in in readable:
            data = os.read(self.term_in, 4096)
            if not data:
                self.done = True
            else:
                self._keys(data)

    def _from_pty(self, p: SandboxPty) -> None:
        try:
            data = os.read(p.master, 4096)
        except (BlockingIOError, OSError):
            return
        # A program on the pty is a terminal user too: Ctrl-C interrupts.
        self.link.send_keys(p.sb, data)

    def serve(self, until: Callable[[], bool] = lambda: False) -> None:
        while not self.done and not until():
            self.step()

    def close(self) -> None:
        self.link.bye()
        for p in self.ptys.values():
            p.close()
        self.ptys = {}


def connect(transport: Transport, timeout: float = 5.0) -> tuple[HubLink, F.Hello,
                                                                 list[F.Frame]]:
    link = HubLink(transport)
    hello, early = link.handshake(timeout)
    return link, hello, early


class _RawTerminal:
    """Raw mode on the current terminal for the duration; restored on exit."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.saved: list | None = None

    def __enter__(self) -> Self:
        if os.isatty(self.fd):
            self.saved = termios.tcgetattr(self.fd)
            tty.setraw(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)


def _stdout_write(data: bytes) -> None:
    os.write(sys.stdout.fileno(), data)


def _session(port: str, baud: int, timeout: float, **kw: object) -> tuple[Console, list]:
    transport = open_transport(port, baud)
    try:
        link, hello, early = connect(transport, timeout)
        console = Console(link, hello, log=sys.stderr, **kw)  # type: ignore[arg-type]
    except BaseException:
        transport.close()
        raise
    return console, early


def run_console(port: str, *, baud: int = 115200, interactive: bool = False,
                timeout: float = 5.0) -> int:
    """`questv console PORT [--interactive]`: one pty per sandbox (paths
    printed), and with interactive=True every console on this terminal.
    PORT: a serial device, tcp:HOST:PORT or unix:PATH. Returns the exit status."""
    try:
        kw: dict[str, object] = {}
        if interactive:
            kw = {"term_in": sys.stdin.fileno(), "term_out": _stdout_write}
        else:
            kw = {"kernel_log": sys.stdout}
        console, early = _session(port, baud, timeout, **kw)
    except HubError as err:
        print(f"questv console: {err}", file=sys.stderr)
        return 1
    try:
        for sb, p in console.ptys.items():
            print(f"sb{sb}: {p.path}", flush=True)
        for f in early:
            console._frame(f)
        if interactive:
            print(f"[questv] {HELP}", flush=True)
            with _RawTerminal(sys.stdin.fileno()):
                console.serve()
        else:
            print("questv console: Ctrl-C to quit", flush=True)
            console.serve()
    except KeyboardInterrupt:
        pass
    except (EOFError, OSError) as err:
        print(f"\r\nquestv console: serial line lost: {err}", file=sys.stderr)
        return 1
    finally:
        console.close()
        console.link.close()
    return 0


def run_repl(port: str, sandbox: int, *, baud: int = 115200, timeout: float = 5.0) -> int:
    """`questv repl N PORT`: this terminal attached to sandbox N alone (raw
    mode, restored on exit; Ctrl-] leaves). Returns the exit status."""
    try:
        console, early = _session(port, baud, timeout, ptys=False,
                                  term_in=sys.stdin.fileno(), term_out=_stdout_write,
                                  only=sandbox)
    except HubError as err:
        print(f"questv repl: {err}", file=sys.stderr)
        return 1
    try:
        # Plain mode keeps this focus after we leave: the person stays on sbN.
        console.link.focus(sandbox)
        print(f"questv repl: sb{sandbox}; Ctrl-] to leave\r", flush=True)
        for f in early:
            console._frame(f)
        with _RawTerminal(sys.stdin.fileno()):
            console.serve()
    except (EOFError, OSError) as err:
        print(f"\r\nquestv repl: serial line lost: {err}", file=sys.stderr)
        return 1
    finally:
        console.close()
        console.link.close()
    return 0
