"""The consumer end of the "readings" channel: a proportional controller that
tracks the sensor's value, reporting rarely (every 100 readings)."""

import quest

CHANNEL = "readings"
TARGET = 50
GAIN = 0.5
EVERY = 100


def step(output, value):
    """The next actuator setting: move part of the way towards cancelling the error."""
    return output + GAIN * ((TARGET - value) - output)


def main():
    inp = quest.Channel(CHANNEL)
    expected = 0
    lost = 0
    output = 0.0
    for received, message in enumerate(inp, 1):
        seq, value = (int(x) for x in message.split())
        if seq != expected:
            lost += seq - expected
        expected = seq + 1
        output = step(output, value)
        if received % EVERY == 0:
            print(f"controller: {received} readings, {lost} lost, last {value}, "
                  f"output {output:.1f}")


if __name__ == "__main__":
    main()
