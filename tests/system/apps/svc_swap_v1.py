"""Version 1 of the hot-swap test service: counts, and hands its count to
the next version through save_state(). It shows it is alive by updating
the file swap_status in the sandbox's RAM file system."""

import quest

VERSION = 1
count = 0


def save_state():
    return {"version": VERSION, "count": count}


def beat():
    try:
        with open("swap_status", "w") as f:
            f.write(f"v{VERSION} {count}")
    except OSError:
        pass


def main():
    global count
    print(f"svc_swap v{VERSION}: started")
    while True:
        count += 1
        beat()
        quest.sleep_ms(100)
