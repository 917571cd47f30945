# The Python runtime (runtime/) and its hosted port (ports/host/):
#   build/host/qpy          the runtime as a Linux program
#   build/host/qpy-asan     the same under AddressSanitizer and UBSan
#   build/host/libqpy.so    in-process binding for host tests (ctypes)
#   build/runtime/libqvrt.a the runtime built freestanding for the board
#   build/host/qv-ext-test  the port API test harness (tests/runtime/ext_harness.c), ASan

RT_DIR := $(BUILD)/runtime
RT_SRCS := $(sort $(wildcard runtime/*.c))
RT_HDRS := $(wildcard runtime/*.h)
RT_QSTR := $(RT_DIR)/gen/qstr.h
RT_FROZEN := $(RT_DIR)/gen/frozen_gen.h
RT_UNIDATA := $(RT_DIR)/gen/unidata.h
RT_PY := $(sort $(wildcard runtime/py/*.py))
RT_INC := -Iruntime -I$(RT_DIR)/gen
RT_HOST_CFLAGS := $(HOST_CFLAGS) -fno-math-errno $(RT_INC)
RT_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_SRCS := ports/host/main.c ports/host/port.c
QPY := $(BUILD)/host/qpy
QPY_ASAN := $(BUILD)/host/qpy-asan
LIBQPY := $(BUILD)/host/libqpy.so
LIBQVRT := $(RT_DIR)/libqvrt.a

QV_EXT_TEST := $(BUILD)/host/qv-ext-test

HOST_BINARIES += $(QPY) $(QPY_ASAN) $(LIBQPY) $(QV_EXT_TEST)
BOARD_BINARIES += $(LIBQVRT)

$(RT_QSTR): $(RT_SRCS) $(filter-out $(RT_QSTR),$(RT_HDRS)) runtime/genqstr.py
	@mkdir -p $(dir $@)
	python3 runtime/genqstr.py $@ $(RT_SRCS) $(RT_HDRS)

$(RT_UNIDATA): runtime/genunicode.py
	@mkdir -p $(dir $@)
	python3 runtime/genunicode.py $@

$(RT_FROZEN): $(RT_PY) runtime/genfrozen.py
	@mkdir -p $(dir $@)
	python3 runtime/genfrozen.py $@ $(RT_PY)

RT_HOST_OBJS := $(patsubst runtime/%.c,$(RT_DIR)/host/%.o,$(RT_SRCS))
RT_ASAN_OBJS := $(patsubst runtime/%.c,$(RT_DIR)/asan/%.o,$(RT_SRCS))
RT_PIC_OBJS := $(patsubst runtime/%.c,$(RT_DIR)/pic/%.o,$(RT_SRCS))
RT_BOARD_OBJS := $(patsubst runtime/%.c,$(RT_DIR)/board/%.o,$(RT_SRCS))

$(RT_DIR)/host/%.o: runtime/%.c $(RT_HDRS) $(RT_QSTR) $(RT_FROZEN) $(RT_UNIDATA)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -c $< -o $@

$(RT_DIR)/asan/%.o: runtime/%.c $(RT_HDRS) $(RT_QSTR) $(RT_FROZEN) $(RT_UNIDATA)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -O1 $(RT_ASAN) -c $< -o $@

$(RT_DIR)/pic/%.o: runtime/%.c $(RT_HDRS) $(RT_QSTR) $(RT_FROZEN) $(RT_UNIDATA)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -fPIC -c $< -o $@

# The board flavour is optimized for size: the text budget is 256 KiB.
$(RT_DIR)/board/%.o: runtime/%.c $(RT_HDRS) $(RT_QSTR) $(RT_FROZEN) $(RT_UNIDATA)
	@mkdir -p $(dir $@)
	$(BOARD_CC) $(BOARD_CFLAGS) -Os -fno-math-errno -nostdlib $(RT_INC) -c $< -o $@

$(QPY): $(RT_HOST_OBJS) $(HOST_SRCS) ports/host/host.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -Iports/host $(HOST_SRCS) $(RT_HOST_OBJS) -o $@

$(QPY_ASAN): $(RT_ASAN_OBJS) $(HOST_SRCS) ports/host/host.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -O1 $(RT_ASAN) -Iports/host $(HOST_SRCS) $(RT_ASAN_OBJS) -o $@

$(LIBQPY): $(RT_PIC_OBJS) ports/host/binding.c ports/host/port.c ports/host/host.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -fPIC -shared -Iports/host ports/host/binding.c ports/host/port.c $(RT_PIC_OBJS) -o $@

$(QV_EXT_TEST): $(RT_ASAN_OBJS) tests/runtime/ext_harness.c ports/host/port.c ports/host/host.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(RT_HOST_CFLAGS) -O1 $(RT_ASAN) -pthread -Iports/host tests/runtime/ext_harness.c ports/host/port.c $(RT_ASAN_OBJS) -o $@

$(LIBQVRT): $(RT_BOARD_OBJS)
	@rm -f $@
	ar rcs $@ $^

.PHONY: runtime-board-flags
runtime-board-flags:
	@echo $(BOARD_CC) $(BOARD_CFLAGS) -Os -fno-math-errno -nostdlib $(RT_INC)
