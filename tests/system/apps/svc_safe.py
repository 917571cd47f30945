"""The alternate the supervisor starts when svc_crash has used up its
restarts: it says so and keeps running, sleeping between beats."""

import quest

beats = 0


def main():
    global beats
    print("svc_safe: running in place of svc_crash")
    while True:
        beats += 1
        quest.sleep_ms(500)
