# input() reads lines from standard input (the harness gives an empty stdin).
try:
    line = input()
    print("read", repr(line))
except EOFError:
    print("EOFError")
try:
    input("prompt> ")
except EOFError:
    print("EOFError again")
