# SystemExit and KeyboardInterrupt are not caught by `except Exception`.
import sys
for exc in (SystemExit(3), KeyboardInterrupt()):
    try:
        try:
            raise exc
        except Exception:
            print("wrong: caught by Exception")
    except BaseException as e:
        print("caught by BaseException:", type(e).__name__)
try:
    sys.exit(5)
except SystemExit as e:
    print("exit code", e.code)
try:
    sys.exit("message")
except SystemExit as e:
    print("exit code", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("exit code", e.code)
