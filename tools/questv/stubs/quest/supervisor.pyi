from collections.abc import Callable
from typing import Any

NEVER: str
ALWAYS: str
BACKOFF: str
POLICIES: tuple[str, ...]
POLICY_CODES: dict[int, str]
ENDED_STATES: tuple[str, ...]
LIVE_STATES: tuple[str, ...]
DEVICE_STOP_MS: int
START: str
STOP: str
BACKOFF_CAP_MS: int
HEALTHY_MS: int
RESTART: str
ALTERNATE: str
GIVE_UP: str
NOTHING: str

def last_line(text: str) -> str: ...

class Policy:
    name: str
    module: str
    restart: str
    restart_limit: int
    backoff_ms: int
    alternate: str
    def __init__(self, name: str, module: str, restart: str | int = "never",
                 restart_limit: int = 0, backoff_ms: int = 0, alternate: str = "") -> None: ...
    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Policy: ...

class Decision:
    name: str
    action: str
    module: str
    delay_ms: int
    at_ms: int
    line: str
    def __init__(self, name: str, action: str, module: str, delay_ms: int, at_ms: int,
                 line: str) -> None: ...
    @property
    def due_ms(self) -> int: ...

class Supervisor:
    def __init__(self, backoff_cap_ms: int = ..., healthy_ms: int = ...) -> None: ...
    def track(self, policy: Policy) -> Any: ...
    def backoff_delay(self, policy: Policy, n: int) -> int: ...
    def on_event(self, info: dict[str, Any], now_ms: int) -> Decision: ...
    def due(self, now_ms: int) -> list[Decision]: ...
    def next_due_ms(self) -> int | None: ...
    def cancel(self, name: str) -> None: ...

class DeviceWatch:
    """The device-bound services (svc_declared entries with a device) and the
    devices' ownership as last seen; plan() says what to start and stop."""
    bound: list[dict[str, Any]]
    epoch: int | None
    owned: dict[int, bool] | None
    def __init__(self, declared: list[dict[str, Any]]) -> None: ...
    def absent(self, name: str) -> str | None: ...
    def plan(self, devices: dict[int, dict[str, Any]],
             services: dict[str, tuple[int, str]]) -> list[tuple[Any, ...]]: ...

def start_args(spec: dict[str, Any], source: str | None = None) -> tuple[Any, ...]: ...
def run(q: Any = None, log: Callable[[str], Any] = ..., idle_ms: int = 1000,
        max_events: int | None = None) -> None: ...
def main() -> None: ...
