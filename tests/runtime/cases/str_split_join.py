# split/rsplit/splitlines/partition/join.
print("a,b,,c".split(","), "a b  c ".split(), "  lead trail  ".split(" "), "".split(), "".split(","))
print("a,b,c,d".split(",", 2), "a,b,c,d".rsplit(",", 2), "a b c".rsplit(None, 1))
print("l1\nl2\r\nl3\rl4".splitlines(), "x\n\ny\n".splitlines(), "a\nb\n".splitlines(True))
print("key=value=x".partition("="), "novalue".partition("="), "a.b.c".rpartition("."), "abc".rpartition("x"))
print("-".join(["a", "b", "c"]), "".join([]), ", ".join(map(str, range(5))), "x".join("abc"))
try:
    ",".join([1, 2])
except TypeError as e:
    print("TypeError", e)
try:
    "a".split("")
except ValueError as e:
    print("ValueError", e)
print("\t a\tb \n".split(), "one  two".split(" "))
