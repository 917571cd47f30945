# A float table printed with str, repr, %g and f-strings.
import math
for i in range(-8, 9, 2):
    v = 10.0 ** i * math.pi
    print(str(v), "%.6g" % v, f"{v:.3e}", f"{v:12.4f}")
