# Passing iterators and generators to builtins consumes them.
def gen(n):
    for i in range(n):
        yield i * i
print(sum(gen(10)), max(gen(5)), min(gen(5)), sorted(gen(4), reverse=True), list(gen(0)))
it = iter([1, 2, 3, 4])
print(next(it), list(it), list(it))
z = zip(gen(3), gen(5))
print(list(z))
e = enumerate(gen(3), start=10)
print(list(e))
print(dict(zip("abc", gen(3))), tuple(gen(3)), set(gen(3)) == {0, 1, 4})
