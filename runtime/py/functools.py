# functools: reduce, partial, wraps, lru_cache, cmp_to_key, total_ordering.

_MISSING = object()


def reduce(fn, iterable, initial=_MISSING):
    it = iter(iterable)
    if initial is _MISSING:
        try:
            acc = next(it)
        except StopIteration:
            raise TypeError("reduce() of empty iterable with no initial value")
    else:
        acc = initial
    for x in it:
        acc = fn(acc, x)
    return acc


class partial:
    def __init__(self, func, *args, **kw):
        self.func = func
        self.args = args
        self.keywords = kw

    def __call__(self, *args, **kw):
        k = dict(self.keywords)
        k.update(kw)
        return self.func(*self.args, *args, **k)


def update_wrapper(wrapper, wrapped, assigned=None, updated=None):
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(wrapper, name, getattr(wrapped, name))
        except AttributeError:
            pass
    wrapper.__wrapped__ = wrapped
    return wrapper


def wraps(wrapped, assigned=None, updated=None):
    def deco(wrapper):
        return update_wrapper(wrapper, wrapped)
    return deco


def lru_cache(maxsize=128, typed=False):
    def deco(fn):
        cache = {}
        order = []
        stats = [0, 0]

        def wrapper(*args, **kw):
            key = args if not kw else args + (object,) + tuple(sorted(kw.items()))
            if key in cache:
                stats[0] += 1
                return cache[key]
            stats[1] += 1
            v = fn(*args, **kw)
            cache[key] = v
            if maxsize is not None:
                order.append(key)
                if len(order) > maxsize:
                    del cache[order.pop(0)]
            return v

        def cache_info():
            return "CacheInfo(hits=%d, misses=%d, maxsize=%r, currsize=%d)" % (stats[0], stats[1], maxsize, len(cache))

        def cache_clear():
            cache.clear()
            order.clear()
        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        update_wrapper(wrapper, fn)
        return wrapper
    if callable(maxsize):
        fn = maxsize
        maxsize = 128
        return deco(fn)
    return deco


def cache(fn):
    return lru_cache(None)(fn)


def cmp_to_key(cmp):
    class K:
        __slots__ = ("obj",)

        def __init__(self, obj):
            self.obj = obj

        def __lt__(self, other):
            return cmp(self.obj, other.obj) < 0

        def __gt__(self, other):
            return cmp(self.obj, other.obj) > 0

        def __eq__(self, other):
            return cmp(self.obj, other.obj) == 0

        def __le__(self, other):
            return cmp(self.obj, other.obj) <= 0

        def __ge__(self, other):
            return cmp(self.obj, other.obj) >= 0
    return K


def total_ordering(cls):
    d = cls.__dict__
    if "__lt__" in d:
        if "__gt__" not in d:
            cls.__gt__ = lambda a, b: not (a < b or a == b)
        if "__le__" not in d:
            cls.__le__ = lambda a, b: a < b or a == b
        if "__ge__" not in d:
            cls.__ge__ = lambda a, b: not a < b
    elif "__gt__" in d:
        if "__lt__" not in d:
            cls.__lt__ = lambda a, b: not (a > b or a == b)
        if "__ge__" not in d:
            cls.__ge__ = lambda a, b: a > b or a == b
        if "__le__" not in d:
            cls.__le__ = lambda a, b: not a > b
    return cls
