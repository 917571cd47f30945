# time module: monotonic clocks advance; sleep sleeps at least as long.
import time
t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic()
time.sleep(0.02)
p1 = time.perf_counter()
m1 = time.monotonic()
print(p1 - p0 >= 0.015, m1 >= m0, time.time() >= t0, type(t0).__name__)
print(time.time() > 1.5e9)
ns0 = time.monotonic_ns() if hasattr(time, "monotonic_ns") else 0
print(isinstance(ns0, int))
