# A JSON-backed inventory: parse, modify, serialize.
import json
src = '{"items": [{"sku": "a1", "qty": 3, "price": 2.5}, {"sku": "b2", "qty": 0, "price": 10}, {"sku": "c3", "qty": 7, "price": 0.75}]}'
inv = json.loads(src)
for it in inv["items"]:
    it["value"] = round(it["qty"] * it["price"], 2)
inv["items"] = [it for it in inv["items"] if it["qty"] > 0]
inv["total"] = sum(it["value"] for it in inv["items"])
print(json.dumps(inv, sort_keys=True))
print(json.dumps(inv["items"][0], indent=1))
