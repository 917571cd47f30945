# questv: the two commands are `make run` and `make test` (see README.md).
#
# Each layer contributes a fragment (mk/*.mk) that builds its own outputs
# under build/ and appends them to one of these lists:
#   BOARD_BINARIES  ELF files that go into the boot image (monitor, kernel)
#   HOST_BINARIES   programs and libraries for the host (qpy, test harnesses)

SHELL := /bin/bash
BUILD := build
VENV := .venv
PY := $(VENV)/bin/python
QUESTV := $(VENV)/bin/questv
SYSTEM ?= system.toml
IMAGE := $(BUILD)/questv.iso

BOARD_BINARIES :=
HOST_BINARIES :=

# Flags every board-side C file is built with (monitor, kernel, runtime for
# the board). The kernel and monitor add -mgeneral-regs-only to the code that
# must not touch SSE state; the runtime needs floating point and keeps SSE.
BOARD_CC := gcc
BOARD_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=small -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Iinclude
BOARD_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000
HOST_CC := gcc
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror

.PHONY: all deps binaries build run test bench lint clean
all: build

include $(sort $(wildcard mk/*.mk))

deps:
	@tools/deps.sh

binaries: $(BOARD_BINARIES) $(HOST_BINARIES)

build: deps binaries
	@$(QUESTV) build $(SYSTEM) -o $(IMAGE)

run: build
	@$(QUESTV) run $(IMAGE)

test: deps binaries
	@$(VENV)/bin/pytest -q tests

bench: deps binaries
	@$(PY) benchmarks/run.py --out $(BUILD)/bench.json

lint: deps
	@$(VENV)/bin/ruff check tools tests benchmarks

clean:
	rm -rf $(BUILD)
