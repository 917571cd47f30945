# Assigning to the builtins module changes what every module sees.
import builtins


def f():
    return answer  # noqa: F821


builtins.answer = 42
print(answer, f())  # noqa: F821
builtins.answer = 43
print(f())
orig = print


def shout(*a):
    orig("wrapped:", *a)


builtins.print = shout
print("x")
exec("print('from exec')")
builtins.print = orig
print("y")
del builtins.answer
try:
    f()
except NameError as e:
    print(e)
answer = "global wins"
print(f())
print(len("abc"), builtins.len is len)
