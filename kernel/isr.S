/* Exception entry: every vector gets the same frame (a zero error code
 * where the CPU pushes none), then all general registers are saved and
 * kernel_exception(struct exc_frame *) prints the dump. */
#include "questv/gpregs.h"
	.altmacro
	.text
	.macro STUB v
kisr_\v:
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21)
	.else
	pushq $0
	.endif
	pushq $\v
	jmp kisr_common
	.endm
	.macro ENTRY v
	.quad kisr_\v
	.endm

	.set v, 0
	.rept 32
	STUB %v
	.set v, v + 1
	.endr

kisr_common:
	PUSH_GPRS
	movq %rsp, %rdi
	andq $-16, %rsp
	call kernel_exception
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 8
	.global kisr_table
kisr_table:
	.set v, 0
	.rept 32
	ENTRY %v
	.set v, v + 1
	.endr
