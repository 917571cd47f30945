# The far end of the Python channel benchmark (benchmarks/python): every
# message that arrives on "pyq" goes straight back on "pyr".

import quest


def main():
    inp = quest.Channel("pyq")
    out = quest.Channel("pyr")
    print("pyb_echo: ready")
    while True:
        out.send(inp.recv())
