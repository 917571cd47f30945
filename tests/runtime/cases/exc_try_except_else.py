# try/except/else/finally ordering.
def run(v):
    out = []
    try:
        out.append("try")
        if v == 1:
            raise ValueError("one")
        if v == 2:
            raise KeyError("two")
    except ValueError as e:
        out.append("value:" + str(e))
    except (KeyError, IndexError) as e:
        out.append("lookup:" + repr(e))
    else:
        out.append("else")
    finally:
        out.append("finally")
    return out
for v in range(3):
    print(run(v))
try:
    try:
        raise TypeError("inner")
    except ValueError:
        print("wrong handler")
    finally:
        print("inner finally")
except TypeError as e:
    print("outer caught", e)
