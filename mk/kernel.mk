# The sandbox kernel: build/kernel/kernel.elf, and kernel-test.elf which
# links the test-attack unit (kernel/attack.c) in place of its stub.

KERN_BUILD := $(BUILD)/kernel
KERN_CFLAGS := $(BOARD_CFLAGS) -mgeneral-regs-only -Ikernel -MMD -MP
# Test-only units (attack, schedtest) and their stubs are linked per image.
KERN_TEST_UNITS := kernel/attack.c kernel/schedtest.c kernel/chantest.c
KERN_STUBS := kernel/attack_stub.c kernel/schedtest_stub.c kernel/chantest_stub.c
KERN_SRCS := $(filter-out $(KERN_TEST_UNITS) $(KERN_STUBS),$(wildcard kernel/*.c)) \
	$(wildcard kernel/*.S) $(wildcard kernel/lib/*.c) $(wildcard kernel/sched/*.c) \
	kernel/chan/chan.c kernel/console/frame.c kernel/console/hub.c
KERN_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_SRCS))
KERN_LDFLAGS := $(BOARD_LDFLAGS) -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -T kernel/kernel.ld

$(KERN_BUILD)/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(KERN_CFLAGS) -c $< -o $@

$(KERN_BUILD)/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(KERN_CFLAGS) -c $< -o $@

KERN_STUB_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_STUBS))
KERN_TEST_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_TEST_UNITS))

$(KERN_BUILD)/kernel.elf: $(KERN_OBJS) $(KERN_STUB_OBJS) kernel/kernel.ld
	$(BOARD_CC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(KERN_STUB_OBJS) -lgcc

$(KERN_BUILD)/kernel-test.elf: $(KERN_OBJS) $(KERN_TEST_OBJS) kernel/kernel.ld
	$(BOARD_CC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(KERN_TEST_OBJS) -lgcc

BOARD_BINARIES += $(KERN_BUILD)/kernel.elf $(KERN_BUILD)/kernel-test.elf

-include $(KERN_OBJS:.o=.d) $(KERN_STUB_OBJS:.o=.d) $(KERN_TEST_OBJS:.o=.d)

# Host build of the board printf, driven by tests/kernel/test_board_fmt.py.
$(KERN_BUILD)/host/board-fmt: tests/kernel/board_fmt_harness.c kernel/lib/fmt.c kernel/lib/fmt.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Wno-format -Iinclude -o $@ tests/kernel/board_fmt_harness.c kernel/lib/fmt.c

HOST_BINARIES += $(KERN_BUILD)/host/board-fmt
