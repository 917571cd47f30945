/* Real-mode start of the application processors. Copied to TRAMPOLINE_ADDR
 * (0x8000, SIPI vector 8) by smp.c; every address here is computed relative
 * to that copy. It goes 16 -> 32 -> 64-bit on the monitor's page tables and
 * jumps to ap_entry64 in the monitor image. */
#define TRAMP 0x8000
#define REL(x) ((x) - trampoline_start + TRAMP)

	.section .rodata.init, "a"
	.code16
	.global trampoline_start, trampoline_end
trampoline_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $REL(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000021, %eax
	movl %eax, %cr0
	ljmp $0x18, $ap_entry64

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF   /* 0x08 code32 */
	.quad 0x00CF92000000FFFF   /* 0x10 data */
	.quad 0x00AF9A000000FFFF   /* 0x18 code64 */
tramp_gdt_ptr:
	.word tramp_gdt_ptr - tramp_gdt - 1
	.long REL(tramp_gdt)
trampoline_end:
