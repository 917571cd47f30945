"""A noisy low-criticality service beside the control loop: it computes as
hard as it can on the controller's core. Its VCPU's budget is small, so
the scheduler gives it what is left after the controller's periods and the
controller misses none (quest.Service('controller').stats() shows it); a
line every 20 s says how much it got done."""

import quest

EVERY_MS = 20000


def main():
    work = 0
    last = quest.ticks_ms()
    x = 1
    while True:
        for _ in range(1000):
            x = (x * 1103515245 + 12345) % 2147483648
        work += 1
        now = quest.ticks_ms()
        if quest.ticks_diff(now, last) >= EVERY_MS:
            print(f"noisy: {work} rounds of busy work")
            last = now


if __name__ == "__main__":
    main()
