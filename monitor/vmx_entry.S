/* Entering and leaving the guest. On a VM exit the CPU lands on
 * vmx_exit_entry with RSP = the top of this core's stack (HOST_RSP); the
 * guest registers are pushed as a struct guest_regs and handed to
 * vmexit_handle, which returns when the guest is to go on. */
	.text
	.global vmx_exit_entry
vmx_exit_entry:
	pushq $0          /* pad */
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
	movq %rsp, %rdi
	call vmexit_handle
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
