# The os module on files and directories.
import os

print(os.listdir(), os.listdir("."), os.sep)
os.mkdir("d")
os.mkdir("d/sub")
with open("d/a.txt", "w") as f:
    f.write("12345")
with open("d/sub/b.txt", "w") as f:
    f.write("")
print(sorted(os.listdir("d")), os.listdir("d/sub"))
st = os.stat("d/a.txt")
print(len(tuple(st)), st[6], bool(st[0] & 0x8000), bool(st[0] & 0x4000))
st = os.stat("d")
print(bool(st[0] & 0x4000), bool(st[0] & 0x8000))
os.rename("d/a.txt", "d/sub/c.txt")
print(sorted(os.listdir("d/sub")), os.listdir("d"))
for bad in ("d", "d/sub", "nothing"):
    try:
        os.rmdir(bad)
    except OSError as e:
        print("rmdir", bad, e.errno)
for bad in ("nothing", "d/nothing"):
    for fn in (os.remove, os.stat, os.listdir):
        try:
            fn(bad)
        except OSError as e:
            print(fn.__name__, bad, e.errno)
try:
    os.mkdir("d")
except OSError as e:
    print("mkdir twice", e.errno)
here = os.getcwd()
os.chdir("d/sub")
print(os.getcwd() == here + "/d/sub", sorted(os.listdir()))
print(open("c.txt").read())
os.remove("c.txt")
os.unlink("b.txt")
os.chdir(here)
os.rmdir("d/sub")
os.rmdir("d")
print(os.listdir())
print(len(os.urandom(8)), type(os.urandom(0)))
