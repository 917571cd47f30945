/* Entering and leaving the guest. On a VM exit the CPU lands on
 * vmx_exit_entry with RSP = the top of this core's stack (HOST_RSP); the
 * guest registers are pushed as a struct guest_regs and handed to
 * vmexit_handle, which returns when the guest is to go on. */
#include "questv/gpregs.h"
	.text
	.global vmx_exit_entry
vmx_exit_entry:
	pushq $0          /* pad */
	PUSH_GPRS
	movq %rsp, %rdi
	call vmexit_handle
	POP_GPRS
	addq $8, %rsp
	vmresume
	call vmx_resume_failed

/* int vmx_launch(struct guest_regs *r): returns only if VMLAUNCH fails. */
	.global vmx_launch
vmx_launch:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq 0(%rdi), %rax
	movq 8(%rdi), %rbx
	movq 16(%rdi), %rcx
	movq 24(%rdi), %rdx
	movq 32(%rdi), %rsi
	movq 48(%rdi), %rbp
	movq 56(%rdi), %r8
	movq 64(%rdi), %r9
	movq 72(%rdi), %r10
	movq 80(%rdi), %r11
	movq 88(%rdi), %r12
	movq 96(%rdi), %r13
	movq 104(%rdi), %r14
	movq 112(%rdi), %r15
	movq 40(%rdi), %rdi
	vmlaunch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	movl $-1, %eax
	ret
