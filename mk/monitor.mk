# The monitor (VMX root): build/monitor/monitor.elf, the multiboot2 kernel
# GRUB loads. It links its own build of the board library in kernel/lib.

MON_BUILD := $(BUILD)/monitor
MON_CFLAGS := $(BOARD_CFLAGS) -mgeneral-regs-only -MMD -MP
MON_SRCS := $(wildcard monitor/*.c) $(wildcard monitor/*.S)
MON_LIB_SRCS := kernel/lib/string.c kernel/lib/fmt.c kernel/lib/uart.c
MON_OBJS := $(patsubst monitor/%,$(MON_BUILD)/%.o,$(MON_SRCS)) \
	$(patsubst kernel/lib/%,$(MON_BUILD)/lib/%.o,$(MON_LIB_SRCS)) \
	$(MON_BUILD)/chan/chan.c.o

$(MON_BUILD)/%.c.o: monitor/%.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(MON_CFLAGS) -c $< -o $@

$(MON_BUILD)/%.S.o: monitor/%.S
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(MON_CFLAGS) -c $< -o $@

$(MON_BUILD)/lib/%.c.o: kernel/lib/%.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(MON_CFLAGS) -c $< -o $@

# The ring's own sizing (qv_chan_layout) decides which pages get mapped.
$(MON_BUILD)/chan/chan.c.o: kernel/chan/chan.c
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(MON_CFLAGS) -c $< -o $@

$(MON_BUILD)/monitor.elf: $(MON_OBJS) monitor/monitor.ld
	$(BOARD_CC) $(BOARD_LDFLAGS) -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -T monitor/monitor.ld -o $@ $(MON_OBJS) -lgcc

# Host build of the monitor's pure parts, driven by tests/monitor.
$(MON_BUILD)/host/monitor-unit: tests/monitor/unit.c monitor/manifest.c monitor/ept.c \
		monitor/faultlog.c monitor/faultlog.h monitor/manifest.h monitor/ept.h \
		include/questv/faultlog.h include/questv/manifest.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -DQUESTV_HOST_UNIT -Iinclude -o $@ $(filter %.c,$^)

BOARD_BINARIES += $(MON_BUILD)/monitor.elf
HOST_BINARIES += $(MON_BUILD)/host/monitor-unit

-include $(MON_OBJS:.o=.d)
