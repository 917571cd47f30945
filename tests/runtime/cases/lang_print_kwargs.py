# print with sep, end, file and flush.
import sys
print("a", "b", "c", sep="-")
print("x", end="")
print("y", end="!\n")
print()
print("", sep="")
print(1, 2, sep="")
print(*[], sep="x")
print("to stdout", file=sys.stdout, flush=True)
print(None, True, 1.0, [None], sep=" | ")
sys.stdout.write("direct write\n")
print("multi\nline")
