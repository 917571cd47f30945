# The MicroPython-protocol REPL (ports/repl) and the RAM filesystem
# (ports/ramfs): portable C that the sandbox kernel links, proven on the host:
#   build/host/qpy-board      the REPL on a pty or stdio, with a RAM fs
#   build/host/qpy-board-asan the same under AddressSanitizer and UBSan
#   build/host/ramfs-driver   line protocol over ramfs for the tests (ASan)
#   build/repl/libqvrepl-board.a  both built with the board flags (a check
#                             that they stay freestanding; ports/vtx links
#                             the sources itself)
#
# This fragment is read before mk/runtime.mk (alphabetical include): the
# runtime's object lists (RT_HOST_OBJS, RT_ASAN_OBJS) are named with $$ so
# that they are expanded after every fragment has been read
# (.SECONDEXPANSION holds from here on for every fragment; a prerequisite
# list without $$ expands to itself the second time).

REPL_DIR := $(BUILD)/repl
REPL_SRCS := ports/repl/repl.c ports/ramfs/ramfs.c
REPL_HDRS := ports/repl/repl.h ports/ramfs/ramfs.h runtime/qv.h
REPL_INC := -Iruntime -Iports/repl -Iports/ramfs
QPY_BOARD := $(BUILD)/host/qpy-board
QPY_BOARD_ASAN := $(BUILD)/host/qpy-board-asan
RAMFS_DRIVER := $(BUILD)/host/ramfs-driver
REPL_BOARD_LIB := $(REPL_DIR)/libqvrepl-board.a
REPL_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

HOST_BINARIES += $(QPY_BOARD) $(QPY_BOARD_ASAN) $(RAMFS_DRIVER)
binaries: $(REPL_BOARD_LIB)

# qpy-board takes host_parse_size (and the ASan options) from the hosted port
QPY_BOARD_SRCS := ports/hostboard/main.c ports/host/port.c $(REPL_SRCS)

.SECONDEXPANSION:
$(QPY_BOARD): $(QPY_BOARD_SRCS) ports/host/host.h $(REPL_HDRS) $$(RT_HOST_OBJS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(REPL_INC) -Iports/host $(QPY_BOARD_SRCS) $(RT_HOST_OBJS) -o $@

$(QPY_BOARD_ASAN): $(QPY_BOARD_SRCS) ports/host/host.h $(REPL_HDRS) $$(RT_ASAN_OBJS) mk/repl.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(REPL_ASAN) $(REPL_INC) -Iports/host $(QPY_BOARD_SRCS) $(RT_ASAN_OBJS) -o $@

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
