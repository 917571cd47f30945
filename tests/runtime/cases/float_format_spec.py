# format() of floats with every presentation type.
x = 1234.56789
for spec in ("", ".2f", ".0f", "10.3f", "<10.1f", "^12.2f", "+.3f", "e", ".2e", "E", "g", ".3g",
             ".10g", "G", "%", ".1%", ",.2f", "_.3f", "012.3f", "#.0f", ".0e", "#g"):
    print(repr(spec), format(x, spec), format(-x, spec))
for v in (0.0, 1e-10, 1e20, 0.5, 2.5, 1.5, 0.125, 1e16, 123456789.0):
    print(format(v, "g"), format(v, ".1f"), format(v, ".3e"), "%s %r %.17g" % (v, v, v))
print(format(float("inf"), "10.2f"), format(float("nan"), "f"), format(-0.0, ".1f"))
