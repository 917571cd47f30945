/* Thread switch and the interrupt entries of the scheduler.
 *
 * ctx_switch(u64 *save_rsp, u64 load_rsp, void *save_fx, void *load_fx)
 * saves what the C ABI says a callee keeps (rbx, rbp, r12-r15) and the whole
 * x87/SSE state (FXSAVE: the Python runtime keeps doubles in XMM registers
 * across any point where the timer may preempt it) on the old thread, then
 * loads the new one. A new thread's stack is laid out by thread.c so that
 * the first load "returns" into kthread_trampoline. */
#include "questv/gpregs.h"
	.text
	.global ctx_switch
ctx_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	fxsave64 (%rdx)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	fxrstor64 (%rcx)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.global kthread_trampoline
kthread_trampoline:
	call kthread_main     /* enables interrupts, runs the body, exits */
1:	cli
	hlt
	jmp 1b

/* The LAPIC timer: the registers the C ABI lets a callee clobber are saved
 * here; timer_interrupt() may switch threads, and the interrupted thread
 * comes back through the same path later, when it is chosen again. */
	.global timer_isr
timer_isr:
	CALL_SAVING_SCRATCH timer_interrupt
	iretq

/* Spurious APIC interrupts take no EOI. */
	.global spurious_isr
spurious_isr:
	iretq
