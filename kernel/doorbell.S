/* The doorbell interrupt (QV_DOORBELL_VECTOR, installed by chanlink.c):
 * the registers the C ABI lets doorbell_interrupt() clobber are saved
 * around it. It only counts and acknowledges; whoever waits for a channel
 * sees the count change when its halt ends. */
	.text
	.global doorbell_isr
doorbell_isr:
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
	call doorbell_interrupt
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
	iretq
