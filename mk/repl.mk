# The MicroPython-protocol REPL (ports/repl) and the RAM filesystem
# (ports/ramfs): portable C that the sandbox kernel links, proven on the host:
#   build/host/qpy-board      the REPL on a pty or stdio, with a RAM fs
#   build/host/qpy-board-asan the same under AddressSanitizer and UBSan
#   build/host/ramfs-driver   line protocol over ramfs for the tests (ASan)
#   build/repl/libqvrepl-board.a  both built with the board flags (a check
#                             that they stay freestanding; ports/vtx links
#                             the sources itself)
#
# This fragment is read before mk/runtime.mk (alphabetical include), so the
# runtime's object list is recomputed here rather than taken from RT_HOST_OBJS.

REPL_DIR := $(BUILD)/repl
REPL_SRCS := ports/repl/repl.c ports/ramfs/ramfs.c
REPL_HDRS := ports/repl/repl.h ports/ramfs/ramfs.h runtime/qv.h
REPL_INC := -Iruntime -Iports/repl -Iports/ramfs
REPL_RT_OBJS := $(patsubst runtime/%.c,$(BUILD)/runtime/host/%.o,$(sort $(wildcard runtime/*.c)))
REPL_RT_ASAN_OBJS := $(patsubst runtime/%.c,$(BUILD)/runtime/asan/%.o,$(sort $(wildcard runtime/*.c)))
QPY_BOARD := $(BUILD)/host/qpy-board
QPY_BOARD_ASAN := $(BUILD)/host/qpy-board-asan
RAMFS_DRIVER := $(BUILD)/host/ramfs-driver
REPL_BOARD_LIB := $(REPL_DIR)/libqvrepl-board.a
REPL_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

HOST_BINARIES += $(QPY_BOARD) $(QPY_BOARD_ASAN) $(RAMFS_DRIVER)
binaries: $(REPL_BOARD_LIB)

$(QPY_BOARD): ports/hostboard/main.c $(REPL_SRCS) $(REPL_HDRS) $(REPL_RT_OBJS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(REPL_INC) ports/hostboard/main.c $(REPL_SRCS) $(REPL_RT_OBJS) -o $@

$(QPY_BOARD_ASAN): ports/hostboard/main.c $(REPL_SRCS) $(REPL_HDRS) $(REPL_RT_ASAN_OBJS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(REPL_ASAN) $(REPL_INC) ports/hostboard/main.c $(REPL_SRCS) $(REPL_RT_ASAN_OBJS) -o $@

$(RAMFS_DRIVER): ports/hostboard/ramfs_driver.c ports/ramfs/ramfs.c $(REPL_HDRS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(REPL_ASAN) $(REPL_INC) ports/hostboard/ramfs_driver.c ports/ramfs/ramfs.c -o $@

$(REPL_DIR)/board/%.o: ports/repl/%.c $(REPL_HDRS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -Os $(REPL_INC) -c $< -o $@

$(REPL_DIR)/board/%.o: ports/ramfs/%.c $(REPL_HDRS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -Os $(REPL_INC) -c $< -o $@

$(REPL_BOARD_LIB): $(REPL_DIR)/board/repl.o $(REPL_DIR)/board/ramfs.o
	@rm -f $@
	ar rcs $@ $^
