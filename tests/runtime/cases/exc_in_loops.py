# Exceptions interacting with loops, break/continue, and functions.
results = []
for x in [1, 0, "a", 4, None]:
    try:
        results.append(10 // x)
    except ZeroDivisionError:
        results.append("div0")
        continue
    except TypeError:
        results.append("type")
        if x is None:
            break
    finally:
        results.append("f")
print(results)
def gen_errors():
    for i in range(3):
        try:
            yield i
        finally:
            print("cleanup", i)
# Close explicitly: when an abandoned generator is finalized is up to the collector.
gen = gen_errors()
for v in gen:
    if v == 1:
        break
gen.close()
print("after loop")
count = 0
while True:
    try:
        count += 1
        if count == 3:
            raise StopIteration
    except StopIteration:
        break
print(count)
