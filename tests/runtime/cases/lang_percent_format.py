# printf-style % formatting.
print("%d %i %s %r" % (42, -7, "str", "str"))
print("%5d|%-5d|%05d|%+d|% d" % (42, 42, 42, 42, 42))
print("%x %X %o %#x %#o" % (255, 255, 8, 255, 8))
print("%.2f %10.3f %-10.1f| %e %.3E %g %G" % (3.14159, 2.5, 1.25, 12345.678, 0.00012, 0.0001, 1e20))
print("%c%c %%" % (65, "b"))
print("%(name)s is %(age)d" % {"name": "Al", "age": 30})
print("%s" % [1, 2], "%s" % (("t",),), "%s" % None)
print("%*d|%-*s|%.*f" % (5, 1, 4, "x", 2, 1.0))
try:
    print("%d %d" % (1,))
except TypeError as e:
    print("TypeError", e)
try:
    print("%d" % (1, 2))
except TypeError as e:
    print("TypeError", e)
print(b"%s-%d" % (b"ab", 5))
