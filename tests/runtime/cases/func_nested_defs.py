# Functions defined inside loops and conditionals.
funcs = []
for i in range(3):
    def f(x, i=i):
        return x * i
    funcs.append(f)
print([fn(10) for fn in funcs])
flag = True
if flag:
    def g():
        return "first"
else:
    def g():
        return "second"
print(g())
def factory(kind):
    if kind == "sq":
        def op(x):
            return x * x
    else:
        def op(x):
            return -x
    return op
print(factory("sq")(5), factory("neg")(5))
