# The VCPU scheduling core (kernel/sched): built with the board flags as a
# check that it stays freestanding, and as a host library the pytest suite
# drives with simulated time (tests/kernel/test_sched*.py).

SCHED_DIR := $(BUILD)/sched
# kernel/sched/k*.c are the kernel-side pieces (they use the kernel's clock,
# timer and threads): linked into the kernel only (mk/kernel.mk), not part
# of the core built here.
SCHED_SRCS := $(filter-out kernel/sched/k%.c,$(wildcard kernel/sched/*.c))
SCHED_HDRS := $(filter-out kernel/sched/k%.h,$(wildcard kernel/sched/*.h)) include/questv/types.h
SCHED_BOARD_OBJS := $(patsubst kernel/sched/%.c,$(SCHED_DIR)/board/%.o,$(SCHED_SRCS))
SCHED_BOARD_LIB := $(SCHED_DIR)/libqvsched-board.a
SCHED_HOST_LIB := $(SCHED_DIR)/libqvsched.so

HOST_BINARIES += $(SCHED_HOST_LIB)
# Not an image ELF, so not in BOARD_BINARIES; the kernel links these sources
# itself. Building the archive here keeps `make binaries` proving they
# compile with the board flags.
binaries: $(SCHED_BOARD_LIB)

$(SCHED_DIR)/board/%.o: kernel/sched/%.c $(SCHED_HDRS)
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -mgeneral-regs-only -c $< -o $@

$(SCHED_BOARD_LIB): $(SCHED_BOARD_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(SCHED_HOST_LIB): $(SCHED_SRCS) tests/kernel/sched_harness.c $(SCHED_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fPIC -shared -Iinclude -Ikernel/sched \
		$(SCHED_SRCS) tests/kernel/sched_harness.c -o $@
