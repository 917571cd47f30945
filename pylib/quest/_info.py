# quest.sandbox(), quest.stats() and the Record they return (loaded on first
# use). docs/quest.md, "The sandbox".

import _quest


class Record:
    # Read-only fields as attributes and as items.

    def __init__(self, fields):
        self.__dict__.update(fields)

    def __getitem__(self, key):
        return self.__dict__[key]

    def keys(self):
        return self.__dict__.keys()

    def as_dict(self):
        return dict(self.__dict__)

    def __repr__(self):
        inner = ", ".join(f"{k}={self.__dict__[k]!r}" for k in sorted(self.__dict__))
        return f"Record({inner})"


def svc_infos():
    out = []
    for i in range(_quest.svc_count()):
        info = _quest.svc_info(i)
        if info is not None:
            out.append(info)
    return out


def sandbox():
    # id, name, core(s), memory, devices, channels, services, supervising
    # sandbox and boot count.
    d = _quest.sandbox()
    d["channels"] = [Record(c) for c in d["channels"]]
    d["devices"] = [Record(x) for x in d["devices"]]
    d["services"] = [Record({"name": s["name"], "state": s["state"], "id": s["id"]})
                     for s in svc_infos()]
    return Record(d)


def stats():
    # The calling interpreter's heap and the kernel's scheduler figures.
    return Record(_quest.stats())
