# Every built-in module named by the issue can be imported.
import sys, gc, time, math, struct, collections, json, binascii, heapq, random, errno, asyncio, re
for m in (sys, gc, time, math, struct, collections, json, binascii, heapq, random, errno, asyncio, re):
    print(m.__name__, type(m).__name__)
import math as m2
from math import sqrt, pi as PI
print(m2 is math, sqrt(16.0), PI == math.pi)
def local_import():
    import json
    return json.dumps([1])
print(local_import())
