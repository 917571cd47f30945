# json for the questv runtime: dumps/loads with CPython's formatting. The
# common cases run in C (_json); indent, default= and the hooks run here.
import _json


class JSONDecodeError(ValueError):
    def __init__(self, msg, doc, pos):
        lineno = doc.count("\n", 0, pos) + 1
        colno = pos - doc.rfind("\n", 0, pos)
        ValueError.__init__(self, "%s: line %d column %d (char %d)" % (msg, lineno, colno, pos))
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno


_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _str(s, ensure_ascii):
    out = ['"']
    for ch in s:
        e = _ESC.get(ch)
        if e:
            out.append(e)
            continue
        o = ord(ch)
        if o < 0x20 or (ensure_ascii and o > 0x7e):
            if o > 0xffff:
                o -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xd800 | (o >> 10), 0xdc00 | (o & 0x3ff)))
            else:
                out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _float(f, allow_nan):
    if f != f:
        r = "NaN"
    elif f == float("inf"):
        r = "Infinity"
    elif f == -float("inf"):
        r = "-Infinity"
    else:
        return repr(f)
    if not allow_nan:
        raise ValueError("Out of range float values are not JSON compliant")
    return r


def _key(k, opts):
    if isinstance(k, str):
        return k
    if k is True:
        return "true"
    if k is False:
        return "false"
    if k is None:
        return "null"
    if isinstance(k, int):
        return int.__repr__(k)
    if isinstance(k, float):
        return _float(k, opts["allow_nan"])
    if opts["skipkeys"]:
        return None
    raise TypeError("keys must be str, int, float, bool or None, not %s" % type(k).__name__)


def _enc(o, opts, level, out):
    if isinstance(o, str):
        out.append(_str(o, opts["ensure_ascii"]))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o, opts["allow_nan"]))
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        ind = opts["indent"]
        item_sep = opts["item_sep"]
        if ind is not None:
            level += 1
            nl = "\n" + ind * level
            item_sep = item_sep.rstrip() + nl
            out.append("[" + nl)
        else:
            out.append("[")
        first = True
        for x in o:
            if not first:
                out.append(item_sep)
            first = False
            _enc(x, opts, level, out)
        if ind is not None:
            out.append("\n" + ind * (level - 1))
        out.append("]")
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        ind = opts["indent"]
        item_sep = opts["item_sep"]
        if ind is not None:
            level += 1
            nl = "\n" + ind * level
            item_sep = item_sep.rstrip() + nl
            out.append("{" + nl)
        else:
            out.append("{")
        items = list(o.items())
        if opts["sort_keys"]:
            items.sort(key=lambda kv: kv[0])
        first = True
        for k, v in items:
            ks = _key(k, opts)
            if ks is None:
                continue
            if not first:
                out.append(item_sep)
            first = False
            out.append(_str(ks, opts["ensure_ascii"]))
            out.append(opts["key_sep"])
            _enc(v, opts, level, out)
        if ind is not None:
            out.append("\n" + ind * (level - 1))
        out.append("}")
    else:
        d = opts["default"]
        if d is None:
            raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)
        _enc(d(o), opts, level, out)


def dumps(obj, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None,
          indent=None, separators=None, default=None, sort_keys=False, **kw):
    if isinstance(indent, int):
        indent = " " * indent
    if separators is None:
        separators = (", ", ": ") if indent is None else (",", ": ")
    if indent is None and default is None and cls is None:
        return _json.encode(obj, ensure_ascii, allow_nan, sort_keys, separators[0], separators[1], skipkeys)
    opts = {"skipkeys": skipkeys, "ensure_ascii": ensure_ascii, "allow_nan": allow_nan,
            "indent": indent, "item_sep": separators[0], "key_sep": separators[1],
            "default": default, "sort_keys": sort_keys}
    out = []
    _enc(obj, opts, 0, out)
    return "".join(out)


def dump(obj, fp, **kw):
    fp.write(dumps(obj, **kw))


_WS = " \t\n\r"


class _Parser:
    def __init__(self, s, object_hook, parse_float, parse_int, object_pairs_hook):
        self.s = s
        self.n = len(s)
        self.hook = object_hook
        self.pairs_hook = object_pairs_hook
        self.pf = parse_float
        self.pi = parse_int

    def err(self, msg, pos):
        raise JSONDecodeError(msg, self.s, pos)

    def ws(self, i):
        s = self.s
        n = self.n
        while i < n and s[i] in _WS:
            i += 1
        return i

    def value(self, i):
        s = self.s
        i = self.ws(i)
        if i >= self.n:
            self.err("Expecting value", i)
        ch = s[i]
        if ch == '"':
            return self.string(i + 1)
        if ch == "{":
            return self.obj(i + 1)
        if ch == "[":
            return self.arr(i + 1)
        if s.startswith("null", i):
            return None, i + 4
        if s.startswith("true", i):
            return True, i + 4
        if s.startswith("false", i):
            return False, i + 5
        if s.startswith("NaN", i):
            return float("nan"), i + 3
        if s.startswith("Infinity", i):
            return float("inf"), i + 8
        if s.startswith("-Infinity", i):
            return -float("inf"), i + 9
        return self.number(i)

    def number(self, i):
        s = self.s
        j = i
        if j < self.n and s[j] == "-":
            j += 1
        if j >= self.n or not s[j].isdigit():
            self.err("Expecting value", i)
        if s[j] == "0":
            j += 1
        else:
            while j < self.n and s[j].isdigit():
                j += 1
        isf = False
        if j < self.n and s[j] == "." and j + 1 < self.n and s[j + 1].isdigit():
            isf = True
            j += 1
            while j < self.n and s[j].isdigit():
                j += 1
        if j < self.n and s[j] in "eE":
            k = j + 1
            if k < self.n and s[k] in "+-":
                k += 1
            if k < self.n and s[k].isdigit():
                isf = True
                j = k
                while j < self.n and s[j].isdigit():
                    j += 1
        t = s[i:j]
        return (self.pf(t) if isf else self.pi(t)), j

    def string(self, i):
        s = self.s
        out = []
        start = i
        while True:
            j = i
            while j < self.n and s[j] != '"' and s[j] != "\\" and s[j] >= " ":
                j += 1
            out.append(s[i:j])
            if j >= self.n:
                self.err("Unterminated string starting at", start - 1)
            ch = s[j]
            if ch == '"':
                return "".join(out), j + 1
            if ch != "\\":
                self.err("Invalid control character at", j)
            if j + 1 >= self.n:
                self.err("Unterminated string starting at", start - 1)
            e = s[j + 1]
            if e == "u":
                h = s[j + 2:j + 6]
                if len(h) != 4 or not all(c in "0123456789abcdefABCDEF" for c in h):
                    self.err("Invalid \\uXXXX escape", j + 1)
                cp = int(h, 16)
                i = j + 6
                if 0xd800 <= cp < 0xdc00 and s[i:i + 2] == "\\u":
                    lo = int(s[i + 2:i + 6], 16)
                    if 0xdc00 <= lo < 0xe000:
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
                        i += 6
                out.append(chr(cp))
                continue
            m = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(e)
            if m is None:
                self.err("Invalid \\escape", j)
            out.append(m)
            i = j + 2

    def obj(self, i):
        pairs = []
        i = self.ws(i)
        s = self.s
        if i < self.n and s[i] == "}":
            return self.finish_obj(pairs), i + 1
        while True:
            i = self.ws(i)
            if i >= self.n or s[i] != '"':
                self.err("Expecting property name enclosed in double quotes", i)
            k, i = self.string(i + 1)
            i = self.ws(i)
            if i >= self.n or s[i] != ":":
                self.err("Expecting ':' delimiter", i)
            v, i = self.value(i + 1)
            pairs.append((k, v))
            i = self.ws(i)
            if i < self.n and s[i] == "}":
                return self.finish_obj(pairs), i + 1
            if i >= self.n or s[i] != ",":
                self.err("Expecting ',' delimiter", i)
            i += 1

    def finish_obj(self, pairs):
        if self.pairs_hook is not None:
            return self.pairs_hook(pairs)
        d = dict(pairs)
        if self.hook is not None:
            return self.hook(d)
        return d

    def arr(self, i):
        out = []
        i = self.ws(i)
        s = self.s
        if i < self.n and s[i] == "]":
            return out, i + 1
        while True:
            v, i = self.value(i)
            out.append(v)
            i = self.ws(i)
            if i < self.n and s[i] == "]":
                return out, i + 1
            if i >= self.n or s[i] != ",":
                self.err("Expecting ',' delimiter", i)
            i += 1


def loads(s, cls=None, object_hook=None, parse_float=None, parse_int=None, parse_constant=None,
          object_pairs_hook=None, **kw):
    if isinstance(s, (bytes, bytearray)):
        s = s.decode()
    if not isinstance(s, str):
        raise TypeError("the JSON object must be str, bytes or bytearray, not %s" % type(s).__name__)
    if object_hook is None and parse_float is None and parse_int is None and object_pairs_hook is None and cls is None:
        try:
            return _json.decode(s)
        except ValueError as e:
            if len(e.args) == 2 and isinstance(e.args[1], int):
                raise JSONDecodeError(e.args[0], s, e.args[1]) from None
            raise
    p = _Parser(s, object_hook, parse_float or float, parse_int or int, object_pairs_hook)
    v, i = p.value(0)
    i = p.ws(i)
    if i != len(s):
        p.err("Extra data", i)
    return v


def load(fp, **kw):
    return loads(fp.read(), **kw)
