# Order of output in nested try/finally with exceptions crossing function frames.
def level3():
    try:
        print("level3 raising")
        raise LookupError("deep")
    finally:
        print("level3 finally")
def level2():
    try:
        level3()
    finally:
        print("level2 finally")
def level1():
    try:
        level2()
    except LookupError as e:
        print("level1 caught", e)
        return "handled"
    finally:
        print("level1 finally")
print(level1())
