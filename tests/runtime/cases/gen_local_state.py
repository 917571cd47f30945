# Independent generator instances keep independent state, including locals and try blocks.
def acc(start):
    total = start
    try:
        while True:
            v = yield total
            total += v
    finally:
        print("acc", start, "closed at", total)
a = acc(0)
b = acc(100)
next(a); next(b)
print(a.send(5), b.send(1), a.send(5), b.send(2))
a.close()
b.close()
def nested_loops():
    for i in range(3):
        for j in range(2):
            yield i, j
print(list(nested_loops()))
