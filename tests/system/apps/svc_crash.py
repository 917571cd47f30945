"""A service that fails on purpose, for the supervisor's system test: it
starts, says so with its start count, and raises shortly after. The
supervisor restarts it per its policy (system-python.toml: backoff, limit 3,
alternate svc_safe)."""

import quest


def main():
    me = quest.Service("crasher").info()
    print(f"svc_crash: start {me.starts}")
    quest.sleep_ms(20)
    raise RuntimeError(f"svc_crash: planned failure {me.starts}")
