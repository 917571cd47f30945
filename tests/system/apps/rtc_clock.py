"""A device-bound service (tests/system/system-python.toml: the CMOS RTC,
owned by sb4, standby in sb3): it turns on the RTC's periodic interrupt
(8 Hz), waits for each one with quest.Device.wait_irq, acknowledges it by
reading register C, and every 8 interrupts prints a line naming the sandbox
it runs in. Moved with its device (the policy's ("move_service", ...)), the
same lines come from the new sandbox."""

import quest

INDEX, DATA = 0, 1          # the RTC's two ports: register index, data
REG_A, REG_B, REG_C = 0x0A, 0x0B, 0x0C
RATE_8HZ = 13               # 32768 >> (rate - 1)
PIE = 0x40                  # register B: periodic interrupt enable


def read(dev, reg):
    dev.out8(INDEX, reg)
    return dev.in8(DATA)


def write(dev, reg, value):
    dev.out8(INDEX, reg)
    dev.out8(DATA, value)


def main():
    dev = quest.Device("rtc")
    me = quest.sandbox()["id"]
    write(dev, REG_A, (read(dev, REG_A) & 0xF0) | RATE_8HZ)
    write(dev, REG_B, read(dev, REG_B) | PIE)
    read(dev, REG_C)        # a periodic interrupt already pending is dropped
    print(f"clock: sb{me} drives {dev.name} (port {dev.io_base:#x}, irq {dev.irq})")
    ticks = 0
    while True:
        if dev.wait_irq(2000):
            read(dev, REG_C)
            ticks += 1
            if ticks % 8 == 0:
                print(f"clock: sb{me} ticks={ticks}")
        else:
            read(dev, REG_C)
            print(f"clock: sb{me} no interrupt in 2 s")
