# finally runs on return, break, continue; return in finally wins.
def f():
    try:
        return "try"
    finally:
        print("finally of f")
print(f())
def g():
    try:
        return 1
    finally:
        return 2
print(g())
for i in range(3):
    try:
        if i == 1:
            continue
        if i == 2:
            break
        print("body", i)
    finally:
        print("fin", i)
def h():
    try:
        raise ValueError
    finally:
        return "swallowed by return"
print(h())
def nested():
    try:
        try:
            return "inner"
        finally:
            print("inner finally")
    finally:
        print("outer finally")
print(nested())
