"""The producer end of the "readings" channel: one reading per period.

The reading is a triangle wave (no sensor on an emulated board); the
controller in the other sandbox sees whether any reading was lost."""

import quest

CHANNEL = "readings"


def reading(n):
    """A value from 0 to 100 and back, one step per period."""
    phase = n % 200
    return phase if phase <= 100 else 200 - phase


def main():
    out = quest.Channel(CHANNEL)
    n = 0
    while True:
        quest.wait_period()
        # "sequence value": the sequence number lets the consumer count gaps.
        out.send(f"{n} {reading(n)}".encode())
        n += 1


if __name__ == "__main__":
    main()
