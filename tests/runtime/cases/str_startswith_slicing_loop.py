# Parsing a small key=value config with string methods.
config = """
# comment
name = questv
cores=4
 debug = true
path = /a/b=c
"""
parsed = {}
for line in config.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    key, _, value = line.partition("=")
    parsed[key.strip()] = value.strip()
print(parsed)
print(int(parsed["cores"]) * 2, parsed["debug"] == "true", parsed["path"].split("/"))
