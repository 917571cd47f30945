"""A periodic service: runs once per period of its VCPU and says so every 10 s.

Its period and budget come from system.toml ([[sandbox.service]] "ticker"),
so a missed deadline shows in quest.VCPU.current().stats()."""

import quest

EVERY = 100  # periods between two lines (10 s at the default 100 ms period)


def main():
    n = 0
    start = quest.ticks_ms()
    while True:
        quest.wait_period()
        n += 1
        if n % EVERY == 0:
            up = quest.ticks_diff(quest.ticks_ms(), start) // 1000
            print(f"ticker: {n} periods, {up} s")


if __name__ == "__main__":
    main()
