"""The last leg of the demo's control loop: applies the controller's settings
from the "commands" channel (an emulated board has no actuator, so it keeps
the setting) and reports every 100 commands how many it missed.

A missed command is one whose sequence number never arrived: the
controller never blocks on the actuator, so a slow or restarted actuator
shows up here as a gap, never as a late control loop."""

import quest

CHANNEL = "commands"
EVERY = 100


def main():
    inp = quest.Channel(CHANNEL)
    expected = None
    missed = 0
    setting = 0.0
    for received, message in enumerate(inp, 1):
        seq, value = message.split()
        seq = int(seq)
        if expected is not None and seq > expected:
            missed += seq - expected
        expected = seq + 1
        setting = float(value)
        if received % EVERY == 0:
            print(f"actuator: {received} commands, {missed} missed, setting {setting:.1f}")


if __name__ == "__main__":
    main()
