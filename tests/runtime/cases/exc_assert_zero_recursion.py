# RecursionError is an exception that can be caught and the program continues.
import sys
def down(n):
    return down(n + 1)
try:
    down(0)
except RecursionError:
    print("RecursionError caught")
def ok(n):
    return 0 if n == 0 else 1 + ok(n - 1)
print(ok(200))
class R:
    def __repr__(self):
        return repr(self)
try:
    repr(R())
except RecursionError:
    print("RecursionError in repr")
print("still running", sys.getrecursionlimit() > 100)
