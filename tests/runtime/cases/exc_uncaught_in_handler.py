# An exception raised while handling another is uncaught: exit status 1.
try:
    {}["missing"]
except KeyError:
    print("handling")
    raise RuntimeError("failed while handling")
