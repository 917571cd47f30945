# json.dumps of all JSON types with CPython's default formatting.
import json
print(json.dumps({"a": 1, "b": [1, 2.5, None, True, False], "c": {"d": "e"}}))
print(json.dumps([]), json.dumps({}), json.dumps("s"), json.dumps(1e100), json.dumps(-0.0), json.dumps(10 ** 20))
print(json.dumps("quote\" back\\ nl\n tab\t ctl\x01 é €"))
print(json.dumps("é", ensure_ascii=False), json.dumps([1, 2], separators=(",", ":")))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True), json.dumps({1: "int key", 2.5: "f", True: "b", None: "n"}))
print(json.dumps({"k": [1, {"x": []}]}, indent=2))
print(json.dumps((1, 2)), json.dumps(float("inf")), json.dumps(float("nan")))
try:
    json.dumps({1, 2})
except TypeError as e:
    print("TypeError")
