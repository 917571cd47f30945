"""A fake board for the host-side console tests: the real C hub (through
console_binding) at the far end of a socketpair, served by a thread."""

from __future__ import annotations

import select
import socket
import threading

from console_binding import CHub


class FakeBoard:
    def __init__(self, sandboxes: tuple[int, ...], hub_sb: int = 0,
                 sock: socket.socket | None = None) -> None:
        # Either a socketpair (host_sock is the host's end) or a connection
        # the host side opened itself (a TCP serial line).
        if sock is None:
            self.host_sock, self._sock = socket.socketpair()
        else:
            self.host_sock, self._sock = None, sock
        self.hub = CHub(sandboxes, hub_sb)
        self.lock = threading.Lock()
        self.sent = bytearray()  # everything the hub put on the line
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake-board")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.005)
            if ready:
                try:
                    data = self._sock.recv(65536)
                except ConnectionResetError:
                    return
                if not data:
                    return
                with self.lock:
                    self.hub.rx(data)
            with self.lock:
                self.hub.pump()
                out = self.hub.take_out()
            if out:
                self.sent += out
                try:
                    self._sock.sendall(out)
                except OSError:
                    return

    def output(self, sb: int, data: bytes) -> None:
        with self.lock:
            assert self.hub.output(sb, data) == len(data)

    def take_in(self, sb: int) -> bytes:
        with self.lock:
            return self.hub.take_in(sb)

    def call(self, name: str, *args: object) -> object:
        with self.lock:
            attr = getattr(self.hub, name)
            return attr(*args) if callable(attr) else attr

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        if self.host_sock is not None:
            self.host_sock.close()
        self.hub.close()
