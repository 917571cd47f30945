# One console line per event, tagged with the time and the source.
#
#     from quest import log
#     lg = log.Logger("ctl")
#     lg.info("started, period", 10, "ms")   ->  "[  1234.567] ctl info: started, period 10 ms"
#
# Levels below `level` (DEBUG < INFO < WARN < ERROR) are dropped. The line goes
# to print(), which is the interpreter's console (the sandbox's, through the
# hub).

DEBUG = 10
INFO = 20
WARN = 30
ERROR = 40
_NAMES = {DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error"}


def _now_ms():
    try:
        import _quest
        return _quest.ticks_us() / 1000
    except ImportError:
        import time
        return time.monotonic() * 1000


class Logger:
    def __init__(self, name, level=INFO, out=print):
        self.name = name
        self.level = level
        self.out = out

    def log(self, level, *args):
        if level < self.level:
            return
        text = " ".join(str(a) for a in args)
        self.out(f"[{_now_ms():10.3f}] {self.name} {_NAMES.get(level, level)}: {text}")

    def debug(self, *args):
        self.log(DEBUG, *args)

    def info(self, *args):
        self.log(INFO, *args)

    def warn(self, *args):
        self.log(WARN, *args)

    def error(self, *args):
        self.log(ERROR, *args)


_default = Logger("app")


def info(*args):
    _default.info(*args)


def warn(*args):
    _default.warn(*args)


def error(*args):
    _default.error(*args)
