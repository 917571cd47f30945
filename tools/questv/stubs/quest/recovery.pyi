# quest.recovery: the recovery service of the supervising sandbox
# (docs/recovery.md). Declare it as a service with module "quest.recovery".
from collections.abc import Callable
from typing import Any

ACTIONS: tuple[str, ...]
NAME: str
REQ: str
RES: str

class Policy:
    name: str
    version: int
    on_fault: Callable[[dict[str, Any]], Any]
    def __init__(self, name: str, version: int,
                 on_fault: Callable[[dict[str, Any]], Any]) -> None: ...
    @staticmethod
    def load(name: str, version: int, source: str) -> Policy:
        """Runs source in a fresh namespace; raises if it does not compile,
        raises while it runs, or has no callable on_fault."""
    @staticmethod
    def bundled(name: str) -> Policy: ...

def normalize(action: Any) -> tuple[Any, ...]:
    """The policy's answer as a tuple; ValueError if it is not an action."""

def device_index(q: Any, dev: str | int) -> int:
    """A device named by a policy (name or manifest index) as its index;
    ValueError when the manifest has no such device."""

def describe(ev: dict[str, Any]) -> str: ...

class Recovery:
    q: Any
    log: Callable[[str], Any]
    name: str
    policy: Policy | None
    def __init__(self, q: Any, policy: str = "policy", log: Callable[[str], Any] = ...,
                 fs_dir: str = "/") -> None: ...
    def decide(self, ev: dict[str, Any]) -> tuple[tuple[Any, ...] | None, str]: ...
    def apply(self, ev: dict[str, Any], act: tuple[Any, ...]) -> str: ...
    def handle(self, ev: dict[str, Any]) -> None: ...
    def check_swap(self) -> bool: ...
    def poll(self) -> int: ...

def swap_policy(name: str, source: str, q: Any, fs_dir: str = "/",
                timeout_ms: int = 10000) -> int | None:
    """Asks this sandbox's recovery service to put source in force as its
    policy; the new version, None when it serves no policy of that name;
    RuntimeError with the reason when refused."""

def run(q: Any = None, policy: str = "policy", log: Callable[[str], Any] = ...,
        poll_ms: int = 20, fs_dir: str = "/") -> None: ...
def main() -> None: ...
