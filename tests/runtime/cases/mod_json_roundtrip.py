# json round trips of nested structures.
import json
data = {"users": [{"id": i, "name": "user%d" % i, "score": i * 1.5, "tags": ["t%d" % j for j in range(i % 3)]}
                  for i in range(5)], "meta": {"count": 5, "valid": True, "next": None}}
s = json.dumps(data)
print(len(s), s[:80])
back = json.loads(s)
print(back == data, back["users"][3]["tags"], back["meta"])
print(json.dumps(json.loads('{"z": 1, "a": {"y": 2, "b": 3}}')))
floats = [0.1, 1 / 3, 1e-7, 123456789.0, 2.5e20]
print(json.dumps(floats), json.loads(json.dumps(floats)) == floats)
