/* Exception stubs of the monitor: normalise the frame (a zero error code
 * where the CPU pushes none) and call mon_exception(vector, error, rip).
 * Vector 2 is no exception: an NMI in VMX root is the supervisor's monitor
 * poking a core that is in the monitor already (recovery.c); the core
 * looks at its command slot before its next VM entry, so the stub only
 * returns (its IRET also ends NMI blocking). */
	.altmacro
	.text
	.macro STUB v
isr_\v:
	.if (\v == 2)
	iretq
	.endif
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21)
	.else
	pushq $0
	.endif
	movq $\v, %rdi
	jmp isr_common
	.endm
	.macro ENTRY v
	.quad isr_\v
	.endm

	.set v, 0
	.rept 32
	STUB %v
	.set v, v + 1
	.endr

isr_common:
	popq %rsi              /* error code */
	movq (%rsp), %rdx      /* rip */
	andq $-16, %rsp
	call mon_exception
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 8
	.global mon_isr_table
mon_isr_table:
	.set v, 0
	.rept 32
	ENTRY %v
	.set v, v + 1
	.endr
