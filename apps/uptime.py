"""The supervising sandbox's service: a line every 30 s with how long the
system has been up and what runs here."""

import quest

EVERY_MS = 30000


def main():
    while True:
        quest.sleep_ms(EVERY_MS)
        names = ", ".join(s.name for s in quest.services()) or "none"
        print(f"uptime: {quest.ticks_ms() // 1000} s; services here: {names}")


if __name__ == "__main__":
    main()
