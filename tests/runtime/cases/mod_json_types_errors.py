# json: dumps of nested tuples/unicode keys, loads of whitespace and escapes, errors are ValueError.
import json
print(json.dumps({"ключ": ("v", 1)}), json.dumps({"a": "\u2028"}), json.dumps("\x7f"))
print(json.loads(' \n\t{"a" : [ 1 , 2 ] }\n'), json.loads('"\\/\\b\\f\\r\\t"'))
print(json.loads("[1e2, 1E-2, -0, 0.5]"), json.loads('{"dup": 1, "dup": 2}'))
print(json.dumps(json.loads('{"n": 1.0}')), json.dumps([1.0, 100.0, 1.5e300]))
err = json.JSONDecodeError if hasattr(json, "JSONDecodeError") else ValueError
print(issubclass(err, ValueError))
try:
    json.loads("[")
except ValueError:
    print("ValueError")
class Obj:
    pass
try:
    json.dumps(Obj())
except TypeError:
    print("TypeError")
