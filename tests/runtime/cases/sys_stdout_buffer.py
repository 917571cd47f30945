# sys.stdout.buffer takes bytes; sys.stdout.write returns the characters written.
import sys

n = sys.stdout.write("text ✓\n")
sys.stdout.flush()
m = sys.stdout.buffer.write(b"raw bytes \xe2\x9c\x93\n")
k = sys.stdout.buffer.write(bytearray(b"more\n"))
sys.stdout.buffer.flush()
print(n, m, k)
try:
    sys.stdout.buffer.write("str")
except TypeError:
    print("buffer refuses str")
