"""A fake board for the raw-REPL tests: MicroPython's raw REPL (with raw-paste and its
flow control) as a state machine that runs the code it is sent with CPython's exec."""

from __future__ import annotations

import contextlib
import io
import struct
import traceback

from questv.rawrepl import RAW_BANNER


class FakeBoard:
    """MicroPython's raw REPL as a state machine; runs code with CPython's exec."""

    def __init__(self, paste: str = "yes", window: int = 32) -> None:
        self.paste = paste          # "yes", "no" (answers R\x00) or "unknown" (old firmware)
        self.window = window
        self.out = bytearray()
        self.mode = "friendly"
        self.code = bytearray()
        self.credit = 0
        self.overrun = False
        self.pasted = 0
        self.env: dict = {}

    def read(self, timeout: float) -> bytes:
        data, self.out = bytes(self.out), bytearray()
        return data

    def run(self) -> tuple[bytes, bytes]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                exec(self.code.decode(), self.env)  # noqa: S102 (the fake board runs code)
            except Exception:  # noqa: BLE001 (a traceback, as a board prints it)
                err.write(traceback.format_exc(limit=0))
        self.code.clear()
        return out.getvalue().encode(), err.getvalue().encode()

    def write(self, data: bytes) -> None:
        for b in data:
            self.byte(b)

    def byte(self, b: int) -> None:
        if self.mode == "friendly":
            if b == 0x01:
                self.mode = "raw"
                self.out += RAW_BANNER + b">"
            return
        if self.mode == "paste":
            if b == 0x04:
                self.out += b"\x04"
                o, e = self.run()
                self.out += o + b"\x04" + e + b"\x04>"
                self.mode = "raw"
                return
            self.credit -= 1
            self.pasted += 1
            if self.credit < 0:
                self.overrun = True
            self.code.append(b)
            if self.pasted % self.window == 0:   # a window consumed: grant the next
                self.out += b"\x01"
                self.credit += self.window
            return
        # raw mode
        if b == 0x02:
            self.mode = "friendly"
            return
        if b == 0x04:
            o, e = self.run()
            self.out += b"OK" + o + b"\x04" + e + b"\x04>"
            return
        self.code.append(b)
        if self.code.endswith(b"\x05A\x01"):
            del self.code[-3:]
            if self.paste == "yes":
                self.out += b"R\x01" + struct.pack("<H", self.window)
                self.mode, self.credit, self.pasted = "paste", self.window, 0
            elif self.paste == "no":
                self.out += b"R\x00"
            else:
                self.out += RAW_BANNER + b">"
