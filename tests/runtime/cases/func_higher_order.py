# map/filter/zip/sorted with functions; function composition.
nums = list(range(1, 11))
print(list(map(lambda x: x * x, nums)))
print(list(filter(lambda x: x % 3 == 0, nums)), list(filter(None, [0, 1, "", "a", None])))
print(list(map(pow, [2, 3, 4], [3, 2, 1])), list(map(str, nums[:3])))
print(list(zip(nums, "abc")), list(zip()), list(zip([1], [])))
def compose(*fns):
    def run(x):
        for f in reversed(fns):
            x = f(x)
        return x
    return run
print(compose(str, abs, lambda v: v - 10)(3))
from functools import reduce
print(reduce(lambda a, b: a * b, nums), reduce(lambda a, b: a + b, [], 0))
