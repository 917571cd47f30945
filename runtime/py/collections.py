# collections for the questv runtime: namedtuple, deque, OrderedDict,
# defaultdict, Counter.


def namedtuple(typename, field_names, rename=False, defaults=None, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    fields = tuple(str(f) for f in field_names)
    nf = len(fields)
    dflt = tuple(defaults) if defaults is not None else ()

    def __new__(cls, *args, **kw):
        if len(args) > nf:
            raise TypeError("%s() takes %d positional arguments but %d were given" % (typename, nf + 1, len(args) + 1))
        vals = list(args)
        for name in fields[len(args):]:
            if name in kw:
                vals.append(kw.pop(name))
            else:
                i = fields.index(name) - (nf - len(dflt))
                if i >= 0:
                    vals.append(dflt[i])
                else:
                    raise TypeError("%s() missing 1 required positional argument: '%s'" % (typename, name))
        if kw:
            raise TypeError("%s() got an unexpected keyword argument '%s'" % (typename, list(kw)[0]))
        return tuple.__new__(cls, vals)

    def __repr__(self):
        return typename + "(" + ", ".join("%s=%r" % (f, v) for f, v in zip(fields, self)) + ")"

    def _asdict(self):
        return dict(zip(fields, self))

    def _replace(self, **kw):
        return self.__class__(*[kw.pop(f, v) for f, v in zip(fields, self)])

    def _make(cls, it):
        return cls(*it)

    def __getnewargs__(self):
        return tuple(self)

    def __setattr__(self, name, value):
        raise AttributeError("can't set attribute")

    ns = {"__new__": __new__, "__repr__": __repr__, "_asdict": _asdict, "_replace": _replace,
          "_make": classmethod(_make), "_fields": fields, "_field_defaults": dict(zip(fields[nf - len(dflt):], dflt)),
          "__getnewargs__": __getnewargs__, "__setattr__": __setattr__, "__slots__": ()}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    cls = type(typename, (tuple,), ns)
    return cls


class deque:
    def __init__(self, iterable=(), maxlen=None):
        self._items = []
        self.maxlen = maxlen
        for x in iterable:
            self.append(x)

    def append(self, x):
        self._items.append(x)
        if self.maxlen is not None and len(self._items) > self.maxlen:
            del self._items[0]

    def appendleft(self, x):
        self._items.insert(0, x)
        if self.maxlen is not None and len(self._items) > self.maxlen:
            self._items.pop()

    def pop(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop()

    def popleft(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop(0)

    def extend(self, it):
        for x in it:
            self.append(x)

    def extendleft(self, it):
        for x in it:
            self.appendleft(x)

    def rotate(self, n=1):
        if self._items:
            n %= len(self._items)
            if n:
                self._items[:] = self._items[-n:] + self._items[:-n]

    def clear(self):
        self._items.clear()

    def copy(self):
        return deque(self._items, self.maxlen)

    def count(self, x):
        return self._items.count(x)

    def index(self, x, *args):
        return self._items.index(x, *args)

    def remove(self, x):
        self._items.remove(x)

    def reverse(self):
        self._items.reverse()

    def insert(self, i, x):
        self._items.insert(i, x)

    def __len__(self):
        return len(self._items)

    def __bool__(self):
        return bool(self._items)

    def __iter__(self):
        return iter(self._items)

    def __reversed__(self):
        return reversed(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __setitem__(self, i, v):
        self._items[i] = v

    def __delitem__(self, i):
        del self._items[i]

    def __contains__(self, x):
        return x in self._items

    def __eq__(self, other):
        return isinstance(other, deque) and self._items == other._items

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __repr__(self):
        if self.maxlen is None:
            return "deque(%r)" % (self._items,)
        return "deque(%r, maxlen=%d)" % (self._items, self.maxlen)


class OrderedDict(dict):
    def move_to_end(self, key, last=True):
        v = self.pop(key)
        if last:
            self[key] = v
        else:
            items = list(self.items())
            self.clear()
            self[key] = v
            for k, x in items:
                self[k] = x

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        key = next(reversed(list(self.keys()))) if last else next(iter(self.keys()))
        return key, self.pop(key)

    def __repr__(self):
        if not self:
            return "OrderedDict()"
        return "OrderedDict(%r)" % (list(self.items()),)

    def __eq__(self, other):
        if isinstance(other, OrderedDict):
            return list(self.items()) == list(other.items())
        return dict(self) == other

    def copy(self):
        return OrderedDict(self)


class defaultdict(dict):
    def __init__(self, default_factory=None, *args, **kw):
        dict.__init__(self, *args, **kw)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        v = self.default_factory()
        self[key] = v
        return v

    def __repr__(self):
        return "defaultdict(%r, %s)" % (self.default_factory, dict.__repr__(self))

    def copy(self):
        return defaultdict(self.default_factory, self)


class Counter(dict):
    def __init__(self, iterable=None, **kw):
        dict.__init__(self)
        self.update(iterable, **kw)

    def __missing__(self, key):
        return 0

    def update(self, iterable=None, **kw):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self[k] = self.get(k, 0) + v
            else:
                for k in iterable:
                    self[k] = self.get(k, 0) + 1
        for k, v in kw.items():
            self[k] = self.get(k, 0) + v

    def subtract(self, iterable=None, **kw):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self[k] = self.get(k, 0) - v
            else:
                for k in iterable:
                    self[k] = self.get(k, 0) - 1
        for k, v in kw.items():
            self[k] = self.get(k, 0) - v

    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda kv: kv[1], reverse=True)
        return items if n is None else items[:n]

    def elements(self):
        for k, v in self.items():
            for _ in range(v):
                yield k

    def total(self):
        return sum(self.values())

    def __repr__(self):
        if not self:
            return "Counter()"
        return "Counter({%s})" % ", ".join("%r: %r" % kv for kv in self.most_common())

    def __add__(self, other):
        r = Counter()
        for k in list(self) + [k for k in other if k not in self]:
            v = self.get(k, 0) + other.get(k, 0)
            if v > 0:
                r[k] = v
        return r

    def __sub__(self, other):
        r = Counter()
        for k in self:
            v = self[k] - other.get(k, 0)
            if v > 0:
                r[k] = v
        return r

    def __and__(self, other):
        r = Counter()
        for k in self:
            if k in other:
                v = min(self[k], other[k])
                if v > 0:
                    r[k] = v
        return r

    def __or__(self, other):
        r = Counter()
        for k in list(self) + [k for k in other if k not in self]:
            v = max(self.get(k, 0), other.get(k, 0))
            if v > 0:
                r[k] = v
        return r
