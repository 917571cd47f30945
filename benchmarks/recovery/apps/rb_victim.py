# The recovery benchmark's victim (benchmarks/recovery/bench.py): at its
# sandbox's first boot it waits for the supervisor's recovery service to be
# up, then triple-faults; at every later boot it says, first thing, the TSC
# at which it runs again (quest.ticks_cpu: the unit of the monitor's lines).
import quest


def main():
    tsc = quest.ticks_cpu()
    sb = quest.sandbox()
    if sb["boot_count"] == 0:
        quest.sleep_ms(6000)
        quest._inject("triple")
    print(f"rb_victim: answering at boot {sb['boot_count']} tsc {tsc}")
    while True:
        quest.sleep_ms(1000)
