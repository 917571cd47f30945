# Console hub (kernel/console): framed protocol and hub logic. Built with the
# board flags as a check that it stays freestanding (the UART sandbox's
# kernel links the sources itself), and for the host as the library that
# tests/kernel/test_console*.py and tests/tools/test_hub*.py drive:
#   build/host/libqvconsole.so   hub + frame + tests/kernel/console_harness.c

CONSOLE_DIR := $(BUILD)/console
CONSOLE_SRCS := kernel/console/frame.c kernel/console/hub.c
CONSOLE_HDRS := kernel/console/frame.h kernel/console/hub.h include/questv/types.h
CONSOLE_BOARD_OBJS := $(CONSOLE_DIR)/board/frame.o $(CONSOLE_DIR)/board/hub.o
CONSOLE_BOARD_LIB := $(CONSOLE_DIR)/libqvconsole-board.a
CONSOLE_HOST_LIB := $(BUILD)/host/libqvconsole.so

HOST_BINARIES += $(CONSOLE_HOST_LIB)
# Not an image ELF, so not in BOARD_BINARIES; building the archive keeps
# `make binaries` proving the sources compile with the board flags.
binaries: $(CONSOLE_BOARD_LIB)

$(CONSOLE_DIR)/board/%.o: kernel/console/%.c $(CONSOLE_HDRS) mk/console.mk
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -mgeneral-regs-only -c $< -o $@

$(CONSOLE_BOARD_LIB): $(CONSOLE_BOARD_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(CONSOLE_HOST_LIB): $(CONSOLE_SRCS) tests/kernel/console_harness.c $(CONSOLE_HDRS) mk/console.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iinclude -Ikernel/console -fPIC -shared \
		$(CONSOLE_SRCS) tests/kernel/console_harness.c -o $@

# The freestanding test compiles the sources again with exactly these flags.
.PHONY: console-board-flags
console-board-flags:
	@echo $(BOARD_CC) $(BOARD_CFLAGS) -mgeneral-regs-only
