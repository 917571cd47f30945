/* The general-purpose register frame that both the monitor's VM-exit entry
 * and the kernel's exception entry build on the stack: rax at the lowest
 * address, r15 at the highest, the order of their C structs (struct
 * guest_regs in the monitor, the exception frame in the kernel).
 * CALL_SAVING_SCRATCH is the body of an interrupt entry that calls C: only
 * the registers the C ABI lets a callee clobber are saved around the call,
 * on a 16-byte aligned stack. */
#ifndef QUESTV_GPREGS_H
#define QUESTV_GPREGS_H
#ifdef __ASSEMBLER__

.macro PUSH_GPRS
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
.endm

.macro POP_GPRS
	popq %rax
	popq %rbx
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rbp
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
.endm

.macro CALL_SAVING_SCRATCH fn
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbp
	movq %rsp, %rbp
	andq $-16, %rsp
	cld
	call \fn
	movq %rbp, %rsp
	popq %rbp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
.endm

#endif
#endif
