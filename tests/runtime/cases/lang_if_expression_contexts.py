# Conditional expressions in arguments, subscripts, returns and lambdas.
def sign(n):
    return "neg" if n < 0 else "zero" if n == 0 else "pos"
print([sign(n) for n in (-2, 0, 5)])
data = [10, 20, 30]
print(data[0 if len(data) < 2 else -1], max(1 if True else 2, 0), (lambda x: x if x else "empty")(""))
print("%s items" % ("no" if not data else len(data)), f"{'yes' if data else 'no'}")
