# An uncaught exception exits with status 1 after stdout was flushed.
print("before")
def fail():
    raise RuntimeError("boom")
fail()
print("never")
