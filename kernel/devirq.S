/* Device interrupt entries (devirq.c): one stub per device vector
 * QV_DEVICE_VECTOR(d), d = 0..31, each calling devirq_interrupt(d) with the
 * registers the C ABI lets it clobber saved, like the doorbell's. %rdi is
 * saved once more around the call because it carries the argument. */
#include "questv/gpregs.h"
	.altmacro
	.text
	.macro STUB d
devirq_\d:
	pushq %rdi
	movl $\d, %edi
	CALL_SAVING_SCRATCH devirq_interrupt
	popq %rdi
	iretq
	.endm
	.macro ENTRY d
	.quad devirq_\d
	.endm

	.set d, 0
	.rept 32
	STUB %d
	.set d, d + 1
	.endr

	.section .rodata
	.balign 8
	.global devirq_stubs
devirq_stubs:
	.set d, 0
	.rept 32
	ENTRY %d
	.set d, d + 1
	.endr
