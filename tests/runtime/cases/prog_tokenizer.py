# A tiny expression tokenizer and recursive-descent evaluator.
def tokens(src):
    i = 0
    while i < len(src):
        c = src[i]
        if c.isspace():
            i += 1
        elif c.isdigit() or c == ".":
            j = i
            while j < len(src) and (src[j].isdigit() or src[j] == "."):
                j += 1
            yield ("num", float(src[i:j]) if "." in src[i:j] else int(src[i:j]))
            i = j
        elif c in "+-*/()^":
            yield ("op", c)
            i += 1
        else:
            raise SyntaxError("bad character %r at %d" % (c, i))
class Parser:
    def __init__(self, src):
        self.toks = list(tokens(src)) + [("end", None)]
        self.pos = 0
    def peek(self):
        return self.toks[self.pos]
    def take(self):
        t = self.toks[self.pos]
        self.pos += 1
        return t
    def expr(self):
        v = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            v = v + self.term() if self.take()[1] == "+" else v - self.term()
        return v
    def term(self):
        v = self.power()
        while self.peek() in (("op", "*"), ("op", "/")):
            v = v * self.power() if self.take()[1] == "*" else v / self.power()
        return v
    def power(self):
        v = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            return v ** self.power()
        return v
    def atom(self):
        kind, val = self.take()
        if kind == "num":
            return val
        if val == "-":
            return -self.atom()
        if val == "(":
            v = self.expr()
            self.take()
            return v
        raise SyntaxError("unexpected " + str(val))
for src in ("1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-4 + 10 / 4", "2 * (3 + (4 - 1)) ^ 2", "1.5 * 4"):
    print(src, "=", Parser(src).expr())
try:
    Parser("2 $ 3").expr()
except SyntaxError as e:
    print("SyntaxError", e)
