"""The consumer end of the "readings" channel: a proportional controller that
tracks the sensor's value, reporting rarely (every 100 readings), and sends
each new setting to the actuator over "commands" when that channel exists."""

import quest

CHANNEL = "readings"
COMMANDS = "commands"  # to the actuator (apps/actuator.py)
TARGET = 50
GAIN = 0.5
EVERY = 100


def step(output, value):
    """The next actuator setting: move part of the way towards cancelling the error."""
    return output + GAIN * ((TARGET - value) - output)


def main():
    inp = quest.Channel(CHANNEL)
    # The actuator leg, when the system declares it (the demo's system.toml
    # does; a test system may not): each setting goes out with the reading's
    # sequence number, never blocking the loop on a slow actuator.
    try:
        out = quest.Channel(COMMANDS)
    except ValueError:
        out = None
    expected = 0
    lost = 0
    output = 0.0
    for received, message in enumerate(inp, 1):
        seq, value = (int(x) for x in message.split())
        if seq != expected:
            lost += seq - expected
        expected = seq + 1
        output = step(output, value)
        if out is not None:
            try:
                out.send(f"{seq} {output:.2f}".encode(), timeout_ms=0)
            except quest.ChannelFull:
                pass  # the actuator counts the gap
        if received % EVERY == 0:
            print(f"controller: {received} readings, {lost} lost, last {value}, "
                  f"output {output:.1f}")


if __name__ == "__main__":
    main()
