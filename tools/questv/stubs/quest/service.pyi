from collections.abc import Callable
from typing import Any

from . import Channel

def periodic(step: Callable[[], Any], period_ms: float | None = None,
             count: int | None = None) -> int: ...

class Heartbeat:
    channel: Channel
    every_ms: int
    count: int
    def __init__(self, channel: Channel, every_ms: int = 1000) -> None: ...
    def beat(self) -> bool: ...
