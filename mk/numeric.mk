# Numerics of the Python runtime (runtime/mpz.c, fpconv.c, qvmath.c).
# The runtime links these sources itself; here they become a host shared
# library that tests/runtime/test_numeric*.py drive through ctypes.
# -fno-math-errno is required: it makes __builtin_sqrt a single sqrtsd.

NUM_DIR := $(BUILD)/numeric
NUM_SRCS := runtime/mpz.c runtime/fpconv.c runtime/qvmath.c
NUM_HDRS := runtime/mpz.h runtime/fpconv.h runtime/qvmath.h $(wildcard runtime/num_*.h)
NUM_CFLAGS := -fno-math-errno
NUM_LIB := $(NUM_DIR)/libqvnum.so

$(NUM_LIB): $(NUM_SRCS) $(NUM_HDRS) mk/numeric.mk
	@mkdir -p $(NUM_DIR)
	$(HOST_CC) $(HOST_CFLAGS) $(NUM_CFLAGS) -fPIC -shared -o $@ $(NUM_SRCS)

HOST_BINARIES += $(NUM_LIB)

# The test that proves the files are freestanding compiles them with the
# board flags; it asks for the flags here so they stay the Makefile's.
.PHONY: numeric-board-flags numeric-sources
numeric-board-flags:
	@echo $(BOARD_CC) $(BOARD_CFLAGS) $(NUM_CFLAGS)
numeric-sources:
	@echo $(NUM_SRCS)
