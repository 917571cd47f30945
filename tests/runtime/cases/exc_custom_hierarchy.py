# A custom exception hierarchy caught at different levels.
class AppError(Exception):
    code = 1
class NetError(AppError):
    code = 2
class Timeout(NetError):
    code = 3
class DiskError(AppError):
    code = 4
def handle(exc):
    try:
        raise exc
    except Timeout as e:
        return "timeout", e.code
    except NetError as e:
        return "net", e.code
    except AppError as e:
        return "app", e.code
for exc in (Timeout("t"), NetError("n"), DiskError("d"), AppError("a")):
    print(type(exc).__name__, handle(exc))
print([c.__name__ for c in Timeout.__mro__])
