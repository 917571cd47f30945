# Format errors are ValueError/KeyError/IndexError like CPython.
cases = [lambda: "{".format(1), lambda: "{0}{1}".format(1), lambda: "{x}".format(y=1),
         lambda: format(1, "z"), lambda: format("s", "d"), lambda: "%z" % 1, lambda: "{:d}".format(1.5)]
for c in cases:
    try:
        c()
        print("no error")
    except (ValueError, KeyError, IndexError, TypeError) as e:
        print(type(e).__name__)
