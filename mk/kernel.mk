# The sandbox kernel: build/kernel/kernel.elf, and kernel-test.elf which
# links the test-attack unit (kernel/attack.c) in place of its stub.
# Both link the Python runtime (build/runtime/libqvrt.a, mk/runtime.mk) and
# its port onto the kernel (ports/vtx with ports/repl and ports/ramfs).
# Kernel C is built with -mgeneral-regs-only (an interrupt handler never
# touches SSE state); the runtime and the port use SSE for floats, and every
# thread switch saves that state (kernel/switch.S).

KERN_BUILD := $(BUILD)/kernel
KERN_CFLAGS := $(BOARD_CFLAGS) -mgeneral-regs-only -Ikernel -MMD -MP
# Test-only units (attack, schedtest) and their stubs are linked per image.
KERN_TEST_UNITS := kernel/attack.c kernel/schedtest.c kernel/chantest.c
KERN_STUBS := kernel/attack_stub.c kernel/schedtest_stub.c kernel/chantest_stub.c
KERN_SRCS := $(filter-out $(KERN_TEST_UNITS) $(KERN_STUBS),$(wildcard kernel/*.c)) \
	$(wildcard kernel/*.S) $(wildcard kernel/lib/*.c) $(wildcard kernel/sched/*.c) \
	kernel/chan/chan.c kernel/console/frame.c kernel/console/hub.c
KERN_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_SRCS))
# The port: board flags without -mgeneral-regs-only, sized like the runtime.
# modquest.c is built twice: kernel-test.elf's copy with -DQV_KERNEL_TEST, so
# code only the board tests need (fault injection) can stay out of kernel.elf.
VTX_SRCS := $(filter-out ports/vtx/modquest.c,$(wildcard ports/vtx/*.c)) ports/repl/repl.c \
	ports/ramfs/ramfs.c
VTX_OBJS := $(patsubst ports/%.c,$(KERN_BUILD)/ports/%.o,$(VTX_SRCS))
VTX_QUEST := $(KERN_BUILD)/ports/vtx/modquest.o
VTX_QUEST_TEST := $(KERN_BUILD)/ports/vtx/modquest-test.o
VTX_CFLAGS := $(BOARD_CFLAGS) -Os -fno-math-errno -Ikernel -Iruntime -Iports/vtx -Iports/repl \
	-Iports/ramfs -MMD -MP
KERN_RT_LIB := $(BUILD)/runtime/libqvrt.a

$(KERN_BUILD)/ports/%.o: ports/%.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(VTX_CFLAGS) -c $< -o $@

$(VTX_QUEST_TEST): ports/vtx/modquest.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(VTX_CFLAGS) -DQV_KERNEL_TEST -c $< -o $@

KERN_LDFLAGS := $(BOARD_LDFLAGS) -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -T kernel/kernel.ld

$(KERN_BUILD)/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(KERN_CFLAGS) -c $< -o $@

$(KERN_BUILD)/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(KERN_CFLAGS) -c $< -o $@

KERN_STUB_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_STUBS))
KERN_TEST_OBJS := $(patsubst kernel/%,$(KERN_BUILD)/%.o,$(KERN_TEST_UNITS))

$(KERN_BUILD)/kernel.elf: $(KERN_OBJS) $(KERN_STUB_OBJS) $(VTX_OBJS) $(VTX_QUEST) $(KERN_RT_LIB) \
		kernel/kernel.ld
	$(BOARD_CC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(KERN_STUB_OBJS) $(VTX_OBJS) $(VTX_QUEST) \
		$(KERN_RT_LIB) -lgcc

$(KERN_BUILD)/kernel-test.elf: $(KERN_OBJS) $(KERN_TEST_OBJS) $(VTX_OBJS) $(VTX_QUEST_TEST) \
		$(KERN_RT_LIB) kernel/kernel.ld
	$(BOARD_CC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(KERN_TEST_OBJS) $(VTX_OBJS) \
		$(VTX_QUEST_TEST) $(KERN_RT_LIB) -lgcc

BOARD_BINARIES += $(KERN_BUILD)/kernel.elf $(KERN_BUILD)/kernel-test.elf

-include $(KERN_OBJS:.o=.d) $(KERN_STUB_OBJS:.o=.d) $(KERN_TEST_OBJS:.o=.d) $(VTX_OBJS:.o=.d) \
	$(VTX_QUEST:.o=.d) $(VTX_QUEST_TEST:.o=.d)

# Host build of the board printf, driven by tests/kernel/test_board_fmt.py.
$(KERN_BUILD)/host/board-fmt: tests/kernel/board_fmt_harness.c kernel/lib/fmt.c kernel/lib/fmt.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Wno-format -Iinclude -o $@ tests/kernel/board_fmt_harness.c kernel/lib/fmt.c

HOST_BINARIES += $(KERN_BUILD)/host/board-fmt

# Host build of the port's bundle loader, driven by tests/kernel/test_bundle_loader.py.
$(KERN_BUILD)/host/bundle-loader: tests/kernel/bundle_harness.c ports/vtx/bundle.c ports/vtx/vtx.h \
		kernel/lib/fmt.c kernel/console/frame.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iinclude -Ikernel -Iruntime -Iports/vtx -o $@ \
		tests/kernel/bundle_harness.c ports/vtx/bundle.c kernel/lib/fmt.c kernel/console/frame.c

HOST_BINARIES += $(KERN_BUILD)/host/bundle-loader
