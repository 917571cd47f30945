# Exception class hierarchy and catching by base class.
pairs = [(ZeroDivisionError, ArithmeticError), (OverflowError, ArithmeticError),
         (KeyError, LookupError), (IndexError, LookupError), (UnboundLocalError, NameError),
         (RecursionError, RuntimeError), (NotImplementedError, RuntimeError),
         (FileNotFoundError, OSError), (TimeoutError, OSError), (ModuleNotFoundError, ImportError),
         (StopIteration, Exception), (KeyboardInterrupt, BaseException), (SystemExit, BaseException),
         (GeneratorExit, BaseException), (UnicodeError, ValueError), (AssertionError, Exception),
         (KeyboardInterrupt, Exception), (StopAsyncIteration, Exception), (MemoryError, Exception)]
for sub, base in pairs:
    print(sub.__name__, base.__name__, issubclass(sub, base))
try:
    [][1]
except LookupError as e:
    print("caught as LookupError:", type(e).__name__)
try:
    raise FileNotFoundError(2, "No such file")
except OSError as e:
    print(type(e).__name__, e.errno, e.strerror, e)
