# Text files: write, read back in pieces, append, iterate, context managers.
with open("notes.txt", "w") as f:
    print(f.write("first line\n"), f.write("second – with ünïcode\n"), f.closed)
    f.write("x" * 3000 + "\n")
    print("last", file=f)
print(f.closed, f.name, f.mode)

with open("notes.txt") as f:
    print(repr(f.read(5)), repr(f.readline()), repr(f.read(8)))
    rest = f.read()
    print(len(rest), rest.count("x"), repr(rest[-6:]))
    print(repr(f.read()), repr(f.readline()))

with open("notes.txt", "a") as f:
    f.write("appended ✓\n")
lines = open("notes.txt").readlines()
print(len(lines), [len(x) for x in lines], lines[-1])
for i, line in enumerate(open("notes.txt")):
    if i != 2:
        print(i, line.rstrip("\n"))

with open("notes.txt", "w+") as f:
    f.write("abc\ndef\n")
    f.seek(0)
    print(f.readlines(), f.tell())

with open("notes.txt", "r+") as f:
    f.write("XY")
    print(repr(f.read()))

try:
    f.read()
except ValueError:
    print("closed file refuses read")
for mode in ("rw", "rr", "q", "rbt", ""):
    try:
        open("notes.txt", mode)
    except ValueError:
        print("bad mode", repr(mode))
try:
    open("no/such/file.txt")
except OSError as e:
    print("missing:", e.errno)
try:
    open("notes.txt", "x")
except OSError as e:
    print("exists:", e.errno)
with open("fresh.txt", "x") as f:
    f.write("made with x")
print(open("fresh.txt").read())
