# math domain and range errors.
import math
for f, args in [(math.sqrt, (-1,)), (math.log, (0,)), (math.log, (-1,)), (math.acos, (2,)),
                (math.asin, (-2,)), (math.exp, (1000,)), (math.factorial, (-1,)),
                (math.pow, (0, -1)), (math.fmod, (1, 0)), (math.log10, (-5,)), (math.factorial, (2.5,))]:
    try:
        print(f.__name__, f(*args))
    except ValueError as e:
        print(f.__name__, "ValueError", e)
    except OverflowError as e:
        print(f.__name__, "OverflowError", e)
    except TypeError:
        print(f.__name__, "TypeError")
print(math.sqrt(math.inf), math.exp(-1000), math.atan(math.inf) == math.pi / 2)
