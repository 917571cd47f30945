"""A service that fails on purpose, for the supervisor's system test: it
starts, says so, and raises shortly after. The supervisor restarts it per
its policy (system-python.toml: backoff, limit 3, alternate svc_safe)."""

import quest


def main():
    print(f"svc_crash: start at {quest.ticks_ms()} ms")
    quest.sleep_ms(20)
    raise RuntimeError("svc_crash: planned failure")
