# json.loads of valid and invalid documents.
import json
doc = '{"name": "qpy", "n": [1, -2, 3.5, 1e3, -0.0, 12345678901234567890], "ok": true, "no": false, "nil": null, "s": "a\\"b\\u00e9\\n\\ud83d\\ude00"}'
v = json.loads(doc)
print(v)
print(type(v["n"][0]).__name__, type(v["n"][2]).__name__, type(v["n"][3]).__name__)
print(json.loads("  [ ]  "), json.loads("{}"), json.loads('"x"'), json.loads("1"), json.loads("-1.5e-3"))
for bad in ("", "[1,]", "{'a': 1}", "[1 2]", '{"a" 1}', "tru", '"unterminated', "01", "[1]x"):
    try:
        json.loads(bad)
        print("accepted", repr(bad))
    except ValueError as e:
        print("ValueError", repr(bad))
print(json.loads(json.dumps({"round": [1, "trip", None]})))
