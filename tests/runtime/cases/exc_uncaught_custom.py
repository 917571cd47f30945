# An uncaught user exception from nested calls exits with status 1.
class Fatal(Exception):
    pass
def inner():
    raise Fatal("stop here")
def outer():
    inner()
print("start")
outer()
