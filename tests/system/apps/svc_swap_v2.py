"""Version 2 of the hot-swap test service: takes the count over from
version 1 (restore_state) and goes on counting from there."""

import quest

VERSION = 2
count = 0
restored = None


def save_state():
    return {"version": VERSION, "count": count}


def restore_state(state):
    global count, restored
    count = state["count"]
    restored = state
    print(f"svc_swap v{VERSION}: restored count {count} from v{state['version']}")


def beat():
    try:
        with open("swap_status", "w") as f:
            f.write(f"v{VERSION} {count} from {restored['version'] if restored else '-'}")
    except OSError:
        pass


def main():
    global count
    print(f"svc_swap v{VERSION}: started at count {count}")
    while True:
        count += 1
        beat()
        quest.sleep_ms(100)
