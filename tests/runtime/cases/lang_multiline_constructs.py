# Implicit and explicit line joining, semicolons, compound one-liners.
x = (1 +
     2 +
     3)
y = [
    1,
    2,
]
z = 1 + \
    2
print(x, y, z); print("semi")
if x: print("one-liner if")
for i in range(2): print("loop", i)
def f(a,
      b=2,
      ):
    return a + b
print(f(
    1,
))
d = {
    "a": 1,  # comment
    # comment line
    "b": 2,
}
print(d)
s = ("implicit "
     "concat")
print(s)
