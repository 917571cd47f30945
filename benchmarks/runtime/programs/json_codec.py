# JSON encode/decode of nested records.
import json

def make_doc(i):
    return {
        "id": i,
        "name": "item-%d" % i,
        "price": i * 1.25,
        "tags": ["t%d" % (i % 7), "u%d" % (i % 5), "common"],
        "active": i % 3 == 0,
        "parent": None if i % 4 else i // 4,
        "dims": {"w": i % 13, "h": i % 11, "unit": "cm"},
        "note": "quote \" and unicode \u00e9 and newline \n",
    }

docs = [make_doc(i) for i in range(400)]
total = 0
same = 0
for rnd in range(60):
    text = json.dumps(docs)
    back = json.loads(text)
    same += back == docs
    total += len(text) + sum(d["dims"]["w"] for d in back)
    docs[rnd]["price"] += 1
print("json_codec", total, back[5]["name"], same)
