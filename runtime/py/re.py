# re for the questv runtime: a backtracking matcher over a parsed pattern.
# Supports literals, ., classes, \d\w\s\D\W\S\b\B, anchors, groups
# (capturing, (?:...), (?P<name>...), (?P=name)), backreferences,
# alternation, greedy and lazy quantifiers, and the flags I, M, S.

IGNORECASE = I = 2
MULTILINE = M = 8
DOTALL = S = 16
VERBOSE = X = 64
ASCII = A = 256
UNICODE = U = 32


class error(Exception):
    def __init__(self, msg, pattern=None, pos=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.pattern = pattern
        self.pos = pos


_DIGIT = "0123456789"
_WORDX = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
_SPACE = " \t\n\r\f\v"


def _isword(ch):
    return ch in _WORDX or (ch > "\x7f" and ch.isalpha())


def _cls_test(kind, ch):
    if kind == "d":
        return ch in _DIGIT
    if kind == "D":
        return ch not in _DIGIT
    if kind == "w":
        return _isword(ch)
    if kind == "W":
        return not _isword(ch)
    if kind == "s":
        return ch in _SPACE
    return ch not in _SPACE


class _Parser:
    def __init__(self, pat, flags):
        self.p = pat
        self.i = 0
        self.flags = flags
        self.ngroups = 0
        self.names = {}

    def err(self, msg):
        raise error(msg, self.p, self.i)

    def more(self):
        return self.i < len(self.p)

    def peek(self):
        return self.p[self.i] if self.i < len(self.p) else ""

    def alts(self):
        alts = [self.seq()]
        while self.peek() == "|":
            self.i += 1
            alts.append(self.seq())
        return alts

    def seq(self):
        items = []
        while self.more() and self.peek() not in "|)":
            item = self.atom()
            if item is None:
                continue
            item = self.quant(item)
            items.append(item)
        return items

    def quant(self, item):
        ch = self.peek()
        lo = hi = None
        if ch == "*":
            lo, hi = 0, -1
        elif ch == "+":
            lo, hi = 1, -1
        elif ch == "?":
            lo, hi = 0, 1
        elif ch == "{":
            j = self.p.find("}", self.i)
            body = self.p[self.i + 1:j] if j > 0 else ""
            parts = body.split(",")
            ok = j > 0 and len(parts) <= 2 and all(x.strip().isdigit() or x.strip() == "" for x in parts) and parts[0].strip() != "" or (j > 0 and len(parts) == 2 and parts[1].strip().isdigit())
            if not ok:
                return item
            lo = int(parts[0]) if parts[0].strip() else 0
            hi = lo if len(parts) == 1 else (int(parts[1]) if parts[1].strip() else -1)
            self.i = j
        else:
            return item
        if item[0] in ("bol", "eol", "wordb", "nwordb", "start", "end"):
            self.err("nothing to repeat")
        self.i += 1
        greedy = True
        if self.peek() == "?":
            greedy = False
            self.i += 1
        if self.peek() in ("*", "+") and self.i < len(self.p):
            self.err("multiple repeat")
        return ("rep", item, lo, hi, greedy)

    def escape_char(self, ch):
        m = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}
        return m.get(ch)

    def class_item(self):
        ch = self.p[self.i]
        self.i += 1
        if ch == "\\":
            if not self.more():
                self.err("bad escape (end of pattern)")
            e = self.p[self.i]
            self.i += 1
            if e in "dDwWsS":
                return ("cls", e)
            if e == "x":
                h = self.p[self.i:self.i + 2]
                self.i += 2
                return ("ch", chr(int(h, 16)))
            if e == "u":
                h = self.p[self.i:self.i + 4]
                self.i += 4
                return ("ch", chr(int(h, 16)))
            c = self.escape_char(e)
            if c is not None:
                return ("ch", c)
            if e == "b":
                return ("ch", "\b")
            return ("ch", e)
        return ("ch", ch)

    def charclass(self):
        neg = False
        if self.peek() == "^":
            neg = True
            self.i += 1
        items = []
        first = True
        while True:
            if not self.more():
                self.err("unterminated character set")
            if self.peek() == "]" and not first:
                self.i += 1
                break
            first = False
            a = self.class_item()
            if a[0] == "ch" and self.peek() == "-" and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                self.i += 1
                b = self.class_item()
                if b[0] != "ch":
                    self.err("bad character range")
                if b[1] < a[1]:
                    self.err("bad character range %s-%s" % (a[1], b[1]))
                items.append(("range", a[1], b[1]))
            else:
                items.append(a)
        return ("set", items, neg)

    def atom(self):
        ch = self.p[self.i]
        self.i += 1
        if ch == ".":
            return ("any",)
        if ch == "^":
            return ("bol",)
        if ch == "$":
            return ("eol",)
        if ch == "[":
            return self.charclass()
        if ch == "(":
            if self.p.startswith("?:", self.i):
                self.i += 2
                alts = self.alts()
                self.close()
                return ("ncgroup", alts)
            if self.p.startswith("?P<", self.i):
                j = self.p.find(">", self.i)
                name = self.p[self.i + 3:j]
                self.i = j + 1
                self.ngroups += 1
                idx = self.ngroups
                self.names[name] = idx
                alts = self.alts()
                self.close()
                return ("group", idx, alts)
            if self.p.startswith("?P=", self.i):
                j = self.p.find(")", self.i)
                name = self.p[self.i + 3:j]
                self.i = j + 1
                if name not in self.names:
                    self.err("unknown group name '%s'" % name)
                return ("backref", self.names[name])
            if self.p.startswith("?=", self.i) or self.p.startswith("?!", self.i):
                neg = self.p[self.i + 1] == "!"
                self.i += 2
                alts = self.alts()
                self.close()
                return ("look", alts, neg)
            if self.p.startswith("?#", self.i):
                j = self.p.find(")", self.i)
                self.i = j + 1
                return None
            if self.peek() == "?":
                j = self.i + 1
                fl = 0
                while j < len(self.p) and self.p[j] in "imsxau":
                    fl |= {"i": I, "m": M, "s": S, "x": X, "a": A, "u": U}[self.p[j]]
                    j += 1
                if j < len(self.p) and self.p[j] == ")":
                    self.flags |= fl
                    self.i = j + 1
                    return None
                self.err("unknown extension ?" + self.p[self.i + 1:self.i + 2])
            self.ngroups += 1
            idx = self.ngroups
            alts = self.alts()
            self.close()
            return ("group", idx, alts)
        if ch == ")":
            self.err("unbalanced parenthesis")
        if ch in "*+?":
            self.err("nothing to repeat")
        if ch == "{" :
            return ("ch", ch)
        if ch == "\\":
            if not self.more():
                self.err("bad escape (end of pattern)")
            e = self.p[self.i]
            self.i += 1
            if e in "dDwWsS":
                return ("cls", e)
            if e == "b":
                return ("wordb",)
            if e == "B":
                return ("nwordb",)
            if e == "A":
                return ("start",)
            if e == "Z" or e == "z":
                return ("end",)
            if e.isdigit() and e != "0":
                n = int(e)
                while self.more() and self.peek().isdigit() and n * 10 + int(self.peek()) <= self.ngroups:
                    n = n * 10 + int(self.peek())
                    self.i += 1
                return ("backref", n)
            if e == "x":
                h = self.p[self.i:self.i + 2]
                self.i += 2
                return ("ch", chr(int(h, 16)))
            if e == "u":
                h = self.p[self.i:self.i + 4]
                self.i += 4
                return ("ch", chr(int(h, 16)))
            c = self.escape_char(e)
            if c is not None:
                return ("ch", c)
            if e.isalpha():
                self.err("bad escape \\%s" % e)
            return ("ch", e)
        if self.flags & X:
            if ch in " \t\n\r\f\v":
                return None
            if ch == "#":
                while self.more() and self.peek() != "\n":
                    self.i += 1
                return None
        return ("ch", ch)

    def close(self):
        if self.peek() != ")":
            self.err("missing ), unterminated subpattern")
        self.i += 1


class Match:
    def __init__(self, pattern, string, pos, endpos, spans):
        self.re = pattern
        self.string = string
        self.pos = pos
        self.endpos = endpos
        self._spans = spans

    def _idx(self, g):
        if isinstance(g, str):
            if g not in self.re.groupindex:
                raise IndexError("no such group")
            return self.re.groupindex[g]
        if g < 0 or g >= len(self._spans):
            raise IndexError("no such group")
        return g

    def group(self, *gs):
        if not gs:
            gs = (0,)
        out = []
        for g in gs:
            sp = self._spans[self._idx(g)]
            out.append(None if sp is None else self.string[sp[0]:sp[1]])
        return out[0] if len(out) == 1 else tuple(out)

    def __getitem__(self, g):
        return self.group(g)

    def groups(self, default=None):
        return tuple(default if sp is None else self.string[sp[0]:sp[1]] for sp in self._spans[1:])

    def groupdict(self, default=None):
        return {k: (default if self._spans[v] is None else self.string[self._spans[v][0]:self._spans[v][1]])
                for k, v in self.re.groupindex.items()}

    def start(self, g=0):
        sp = self._spans[self._idx(g)]
        return -1 if sp is None else sp[0]

    def end(self, g=0):
        sp = self._spans[self._idx(g)]
        return -1 if sp is None else sp[1]

    def span(self, g=0):
        sp = self._spans[self._idx(g)]
        return (-1, -1) if sp is None else sp

    @property
    def lastindex(self):
        last = None
        for i in range(1, len(self._spans)):
            if self._spans[i] is not None:
                last = i
        return last

    def expand(self, template):
        return _expand(self, template)

    def __bool__(self):
        return True

    def __repr__(self):
        return "<re.Match object; span=%r, match=%r>" % (self._spans[0], self.group(0))


class Pattern:
    def __init__(self, pattern, flags):
        self.pattern = pattern
        p = _Parser(pattern, flags)
        self._alts = p.alts()
        if p.more():
            p.err("unbalanced parenthesis")
        self.flags = p.flags
        self.groups = p.ngroups
        self.groupindex = dict(p.names)

    def __repr__(self):
        return "re.compile(%r)" % (self.pattern,)

    def _at(self, s, pos, endpos):
        m = _Matcher(self, s, endpos)
        e = m.run(pos)
        if e is None:
            return None
        m.spans[0] = (pos, e)
        return Match(self, s, pos, endpos, m.spans)

    def match(self, string, pos=0, endpos=None):
        endpos = len(string) if endpos is None else min(endpos, len(string))
        return self._at(string, pos, endpos)

    def fullmatch(self, string, pos=0, endpos=None):
        endpos = len(string) if endpos is None else min(endpos, len(string))
        m = _Matcher(self, string, endpos)
        m.full = True
        e = m.run(pos)
        if e is None:
            return None
        m.spans[0] = (pos, e)
        return Match(self, string, pos, endpos, m.spans)

    def search(self, string, pos=0, endpos=None):
        endpos = len(string) if endpos is None else min(endpos, len(string))
        for p in range(pos, endpos + 1):
            m = self._at(string, p, endpos)
            if m is not None:
                return m
        return None

    def finditer(self, string, pos=0, endpos=None):
        endpos = len(string) if endpos is None else min(endpos, len(string))
        p = pos
        while p <= endpos:
            m = self.search(string, p, endpos)
            if m is None:
                return
            yield m
            e = m.end()
            p = e + 1 if e == m.start() else e

    def findall(self, string, pos=0, endpos=None):
        out = []
        for m in self.finditer(string, pos, endpos):
            if self.groups == 0:
                out.append(m.group(0))
            elif self.groups == 1:
                out.append(m.group(1) or "")
            else:
                out.append(tuple(g or "" for g in m.groups()))
        return out

    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]

    def subn(self, repl, string, count=0):
        out = []
        last = 0
        n = 0
        for m in self.finditer(string):
            if count and n >= count:
                break
            out.append(string[last:m.start()])
            out.append(repl(m) if callable(repl) else _expand(m, repl))
            last = m.end()
            n += 1
        out.append(string[last:])
        return "".join(out), n

    def split(self, string, maxsplit=0):
        out = []
        last = 0
        n = 0
        for m in self.finditer(string):
            if maxsplit and n >= maxsplit:
                break
            out.append(string[last:m.start()])
            out.extend(m.groups())
            last = m.end()
            n += 1
        out.append(string[last:])
        return out


def _expand(m, t):
    out = []
    i = 0
    n = len(t)
    while i < n:
        ch = t[i]
        if ch == "\\" and i + 1 < n:
            e = t[i + 1]
            if e.isdigit():
                j = i + 1
                while j < n and t[j].isdigit() and j < i + 3:
                    j += 1
                out.append(m.group(int(t[i + 1:j])) or "")
                i = j
                continue
            if e == "g" and i + 2 < n and t[i + 2] == "<":
                j = t.index(">", i)
                name = t[i + 3:j]
                out.append(m.group(int(name) if name.isdigit() else name) or "")
                i = j + 1
                continue
            c = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(e)
            if c is None:
                if e.isalpha():
                    raise error("bad escape \\%s" % e)
                c = "\\" + e
            out.append(c)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class _Matcher:
    def __init__(self, pat, s, end):
        self.s = s
        self.end = end
        self.flags = pat.flags
        self.spans = [None] * (pat.groups + 1)
        self.alts = pat._alts
        self.full = False

    def run(self, pos):
        full = self.full
        end = self.end
        for alt in self.alts:
            r = self.seq(alt, 0, pos, lambda p: p if (not full or p == end) else None)
            if r is not None:
                return r
        return None

    def eq(self, a, b):
        if self.flags & I:
            return a.lower() == b.lower()
        return a == b

    def single(self, item, pos):
        # does a one-character item match at pos?
        if pos >= self.end:
            return False
        ch = self.s[pos]
        t = item[0]
        if t == "ch":
            return self.eq(ch, item[1])
        if t == "any":
            return ch != "\n" or bool(self.flags & S)
        if t == "cls":
            return _cls_test(item[1], ch)
        if t == "set":
            hit = False
            for it in item[1]:
                k = it[0]
                if k == "ch":
                    if self.eq(ch, it[1]):
                        hit = True
                        break
                elif k == "range":
                    if it[1] <= ch <= it[2] or (self.flags & I and (it[1] <= ch.lower() <= it[2] or it[1] <= ch.upper() <= it[2])):
                        hit = True
                        break
                elif _cls_test(it[1], ch):
                    hit = True
                    break
            return hit != item[2]
        return False

    def seq(self, seq, i, pos, k):
        s = self.s
        while i < len(seq):
            item = seq[i]
            t = item[0]
            if t in ("ch", "any", "cls", "set"):
                if not self.single(item, pos):
                    return None
                pos += 1
                i += 1
                continue
            if t == "bol":
                if not (pos == 0 or (self.flags & M and s[pos - 1] == "\n")):
                    return None
                i += 1
                continue
            if t == "eol":
                if not (pos == self.end or (pos == self.end - 1 and s[pos] == "\n") or (self.flags & M and s[pos] == "\n")):
                    return None
                i += 1
                continue
            if t == "start":
                if pos != 0:
                    return None
                i += 1
                continue
            if t == "end":
                if pos != self.end:
                    return None
                i += 1
                continue
            if t == "wordb" or t == "nwordb":
                a = pos > 0 and _isword(s[pos - 1])
                b = pos < self.end and _isword(s[pos])
                if (a != b) != (t == "wordb"):
                    return None
                i += 1
                continue
            if t == "backref":
                sp = self.spans[item[1]]
                if sp is None:
                    return None
                sub = s[sp[0]:sp[1]]
                if not all(self.eq(x, y) for x, y in zip(s[pos:pos + len(sub)], sub)) or pos + len(sub) > self.end:
                    return None
                pos += len(sub)
                i += 1
                continue
            if t == "look":
                ok = False
                for alt in item[1]:
                    if self.seq(alt, 0, pos, lambda p: p) is not None:
                        ok = True
                        break
                if ok == item[2]:
                    return None
                i += 1
                continue
            if t == "group" or t == "ncgroup":
                return self.group(item, seq, i, pos, k)
            if t == "rep":
                return self.rep(item, seq, i, pos, k)
            raise error("internal: " + t)
        return k(pos)

    def group(self, item, seq, i, pos, k):
        alts = item[-1]
        idx = item[1] if item[0] == "group" else None
        for alt in alts:
            def after(p, idx=idx):
                if idx is None:
                    return self.seq(seq, i + 1, p, k)
                old = self.spans[idx]
                self.spans[idx] = (pos, p)
                r = self.seq(seq, i + 1, p, k)
                if r is None:
                    self.spans[idx] = old
                return r
            r = self.seq(alt, 0, pos, after)
            if r is not None:
                return r
        return None

    def rep(self, item, seq, i, pos, k):
        sub, lo, hi, greedy = item[1], item[2], item[3], item[4]
        if sub[0] in ("ch", "any", "cls", "set"):
            n = 0
            limit = self.end - pos if hi < 0 else min(hi, self.end - pos)
            while n < limit and self.single(sub, pos + n):
                n += 1
            if n < lo:
                return None
            rng = range(n, lo - 1, -1) if greedy else range(lo, n + 1)
            for c in rng:
                r = self.seq(seq, i + 1, pos + c, k)
                if r is not None:
                    return r
            return None

        def attempt(count, p):
            if greedy:
                if hi < 0 or count < hi:
                    r = self.seq([sub], 0, p, lambda q: attempt(count + 1, q) if q != p else None)
                    if r is not None:
                        return r
                if count >= lo:
                    return self.seq(seq, i + 1, p, k)
                return None
            if count >= lo:
                r = self.seq(seq, i + 1, p, k)
                if r is not None:
                    return r
            if hi < 0 or count < hi:
                return self.seq([sub], 0, p, lambda q: attempt(count + 1, q) if q != p else None)
            return None
        return attempt(0, pos)


_cache = {}


def compile(pattern, flags=0):
    if isinstance(pattern, Pattern):
        return pattern
    key = (pattern, flags)
    p = _cache.get(key)
    if p is None:
        p = Pattern(pattern, flags)
        if len(_cache) > 100:
            _cache.clear()
        _cache[key] = p
    return p


def match(pattern, string, flags=0):
    return compile(pattern, flags).match(string)


def fullmatch(pattern, string, flags=0):
    return compile(pattern, flags).fullmatch(string)


def search(pattern, string, flags=0):
    return compile(pattern, flags).search(string)


def findall(pattern, string, flags=0):
    return compile(pattern, flags).findall(string)


def finditer(pattern, string, flags=0):
    return compile(pattern, flags).finditer(string)


def sub(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).sub(repl, string, count)


def subn(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).subn(repl, string, count)


def split(pattern, string, maxsplit=0, flags=0):
    return compile(pattern, flags).split(string, maxsplit)


def escape(pattern):
    out = []
    for ch in pattern:
        if ch.isalnum() or ch == "_" or ord(ch) > 127:
            out.append(ch)
        else:
            out.append("\\" + ch)
    return "".join(out)


def purge():
    _cache.clear()
