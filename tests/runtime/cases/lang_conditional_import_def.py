# Definitions and imports inside conditionals and functions.
import sys
if sys.maxsize > 2 ** 32:
    BITS = 64
else:
    BITS = 32
print(BITS)
try:
    import json as codec
except ImportError:
    codec = None
print(codec.dumps({"bits": BITS}))
def lazy():
    from math import sqrt
    return sqrt(49)
print(lazy())
