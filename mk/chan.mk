# Channels (kernel/chan): the ring and its C API. Built with the board flags
# as a check that it stays freestanding (the kernel links the source
# itself), and for the host as the library and programs that
# tests/kernel/test_chan*.py drive:
#   libqvchan.so      the core plus tests/kernel/chan_harness.c, via ctypes
#   chan_stress       producer and consumer as two threads or two processes
#   chan_stress_tsan  the same under ThreadSanitizer (no data race)
#   chan_fuzz_asan    the consumer over producer pages read from stdin,
#                     under AddressSanitizer and UBSan
#   chan_bench        send/recv loop for instruction counts (callgrind)
#   libqvchanrt.so    the monitors' run-time channels (monitor/hc_chan.c)
#                     over stand-ins for the rest of the monitor
#                     (tests/kernel/chan_rt_harness.c), via ctypes
#   libqvchanmon.so   monitor/chan.c and hc_chan.c together (-DQUESTV_HOST_UNIT)
#                     over tests/kernel/chan_mon_harness.c, via ctypes

CHAN_DIR := $(BUILD)/chan
CHAN_SRCS := kernel/chan/chan.c
CHAN_HDRS := kernel/chan/chan.h include/questv/types.h
CHAN_BOARD_LIB := $(CHAN_DIR)/libqvchan-board.a
CHAN_HOST_LIB := $(CHAN_DIR)/libqvchan.so
CHAN_STRESS := $(CHAN_DIR)/chan_stress
CHAN_STRESS_TSAN := $(CHAN_DIR)/chan_stress_tsan
CHAN_FUZZ := $(CHAN_DIR)/chan_fuzz_asan
CHAN_BENCH := $(CHAN_DIR)/chan_bench
CHAN_RT_LIB := $(CHAN_DIR)/libqvchanrt.so
CHAN_RT_SRCS := monitor/hc_chan.c monitor/chan_list.c monitor/ept.c kernel/chan/chan.c \
	tests/kernel/chan_rt_harness.c tests/kernel/chan_harness_mon.c
CHAN_MON_LIB := $(CHAN_DIR)/libqvchanmon.so
CHAN_MON_SRCS := monitor/chan.c monitor/chan_list.c monitor/hc_chan.c monitor/ept.c \
	kernel/chan/chan.c tests/kernel/chan_mon_harness.c tests/kernel/chan_harness_mon.c
CHAN_RT_HDRS := monitor/chan.h monitor/mon.h monitor/ept.h include/questv/chaninfo.h \
	include/questv/hypercall.h tests/kernel/chan_harness_mon.h $(CHAN_HDRS)
CHAN_HOST_FLAGS := $(HOST_CFLAGS) -Iinclude -Ikernel/chan
CHAN_ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

HOST_BINARIES += $(CHAN_HOST_LIB) $(CHAN_STRESS) $(CHAN_STRESS_TSAN) $(CHAN_FUZZ) $(CHAN_BENCH) \
	$(CHAN_RT_LIB) $(CHAN_MON_LIB)
# Not an image ELF, so not in BOARD_BINARIES; building the archive keeps
# `make binaries` proving the source compiles with the board flags.
binaries: $(CHAN_BOARD_LIB)

$(CHAN_DIR)/board/chan.o: kernel/chan/chan.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -mgeneral-regs-only -c $< -o $@

$(CHAN_BOARD_LIB): $(CHAN_DIR)/board/chan.o
	@rm -f $@
	ar rcs $@ $^

$(CHAN_HOST_LIB): $(CHAN_SRCS) tests/kernel/chan_harness.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CHAN_HOST_FLAGS) -fPIC -shared $(CHAN_SRCS) tests/kernel/chan_harness.c -o $@

$(CHAN_STRESS): $(CHAN_SRCS) tests/kernel/chan_stress.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CHAN_HOST_FLAGS) -pthread $(CHAN_SRCS) tests/kernel/chan_stress.c -o $@

$(CHAN_STRESS_TSAN): $(CHAN_SRCS) tests/kernel/chan_stress.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CHAN_HOST_FLAGS) -fsanitize=thread -pthread $(CHAN_SRCS) tests/kernel/chan_stress.c -o $@

$(CHAN_FUZZ): $(CHAN_SRCS) tests/kernel/chan_fuzz.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CHAN_HOST_FLAGS) $(CHAN_ASAN_FLAGS) $(CHAN_SRCS) tests/kernel/chan_fuzz.c -o $@

$(CHAN_BENCH): $(CHAN_SRCS) tests/kernel/chan_bench.c $(CHAN_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CHAN_HOST_FLAGS) $(CHAN_SRCS) tests/kernel/chan_bench.c -o $@

# The harness calls hc_chan.c as the exit handler would; -fsanitize keeps
# its pointer work honest.
$(CHAN_RT_LIB): $(CHAN_RT_SRCS) $(CHAN_RT_HDRS) mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iinclude -fPIC -shared -fsanitize=undefined \
		-fno-sanitize-recover=all $(CHAN_RT_SRCS) -o $@

$(CHAN_MON_LIB): $(CHAN_MON_SRCS) $(CHAN_RT_HDRS) kernel/lib/uart.h monitor/vmx.h mk/chan.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -DQUESTV_HOST_UNIT -Iinclude -fPIC -shared -fsanitize=undefined \
		-fno-sanitize-recover=all $(CHAN_MON_SRCS) -o $@

# The freestanding test compiles the source again with exactly these flags.
.PHONY: chan-board-flags
chan-board-flags:
	@echo $(BOARD_CC) $(BOARD_CFLAGS) -mgeneral-regs-only
