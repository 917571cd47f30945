# time.sleep accepts floats and ints; elapsed time is measured with perf_counter.
import time
t0 = time.perf_counter()
time.sleep(0)
time.sleep(0.01)
time.sleep(0.005)
dt = time.perf_counter() - t0
print(dt >= 0.012, dt < 5)
