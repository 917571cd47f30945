# compile() in exec and eval modes.
code = compile("result = 6 * 7", "<string>", "exec")
ns = {}
exec(code, ns)
print(ns["result"])
expr = compile("a + b", "<expr>", "eval")
print(eval(expr, {"a": 1, "b": 2}), eval(expr, {"a": "x", "b": "y"}))
try:
    compile("def (:", "bad.py", "exec")
except SyntaxError as e:
    print("SyntaxError", e.filename, e.lineno)
single = compile("z = 3", "<s>", "exec")
d = {}
exec(single, d)
print(d["z"])
