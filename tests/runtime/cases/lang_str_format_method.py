# str.format with positional, keyword, index and attribute fields.
print("{} {} {}".format(1, "a", None))
print("{0} {1} {0}".format("x", "y"))
print("{a}-{b}".format(a=1, b=2))
print("{0[1]} {d[k]}".format([5, 6], d={"k": "v"}))
class P:
    x = 3
print("{p.x}".format(p=P()))
print("{:>6}|{:<6}|{:^6}|{:*^7}".format("r", "l", "c", "s"))
print("{:08.3f} {:+.1e} {:,d} {:x} {:#b}".format(3.14159, 1234.5, 9876543, 255, 5))
print("{!r} {!s}".format("q", "q"))
print("{{}} {}".format(1))
print("{:d}".format(True), "{}".format(True), format(12, "04d"), format("ab", "^6"))
print("{:.3}".format("abcdef"), "{:5.2}|".format("xyz"))
print("{:%}".format(0.125), "{:.0%}".format(0.5))
