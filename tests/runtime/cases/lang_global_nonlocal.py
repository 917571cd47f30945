# global and nonlocal declarations.
counter = 0
def bump():
    global counter
    counter += 1
bump(); bump()
print(counter)
def make():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    def get():
        return n
    return inc, get
inc, get = make()
inc(); inc(); inc()
print(get())
def outer():
    x = "outer"
    def mid():
        x = "mid"
        def inner():
            nonlocal x
            x = "changed"
        inner()
        return x
    return mid(), x
print(outer())
def newglobal():
    global fresh
    fresh = "made"
newglobal()
print(fresh)
