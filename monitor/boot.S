/* Multiboot2 entry of the monitor: GRUB leaves us in 32-bit protected mode,
 * paging off, EAX = multiboot2 magic, EBX = boot information. We switch to
 * long mode on page tables built at link time (identity map of the low
 * 4 GiB with 2 MiB pages; the top GiB, where the local APIC and other MMIO
 * live, uncached) and call mon_main(magic, mbi). */
#define MB2_MAGIC    0xE85250D6
#define MB2_ARCH_I386 0
#define PTE_P  0x1
#define PTE_W  0x2
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

	.section .mb2_header, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* module alignment tag: modules start on page boundaries */
	.balign 8
	.word 6, 0
	.long 8
	.balign 8
	.word 0, 0
	.long 8
mb2_header_end:

	.section .text.init, "ax"
	.code32
	.global mon_entry32
mon_entry32:
	cli
	movl %eax, boot_magic
	movl %ebx, boot_mbi
	movl $boot_stack_top, %esp
	lgdt gdt_ptr32
	movl %cr4, %eax
	orl $(1 << 5), %eax            /* PAE */
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx         /* IA32_EFER */
	rdmsr
	orl $(1 << 8), %eax            /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000021, %eax          /* PG, NE, PE */
	movl %eax, %cr0
	ljmp $0x08, $bsp_entry64

	.code64
bsp_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	movl boot_magic, %edi
	movl boot_mbi, %esi
	call mon_main
1:	cli
	hlt
	jmp 1b

/* APs arrive here from the real-mode trampoline, already in long mode on
 * the trampoline's GDT. Each takes the next logical index and the stack the
 * boot processor prepared for it. */
	.global ap_entry64
ap_entry64:
	movl $1, %eax
	lock xaddl %eax, ap_next_index
	cmpl $16, %eax                 /* MON_MAX_CPUS: more cores stay parked */
	jae 2f
	movq ap_stack_top(,%rax,8), %rsp
	movl %eax, %edi
	lgdt gdt_ptr64
	pushq $0x08
	leaq 1f(%rip), %rax
	pushq %rax
	lretq
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	call ap_main
2:	cli
	hlt
	jmp 2b

	.section .data.init, "aw"
	.balign 8
boot_magic:	.long 0
boot_mbi:	.long 0
gdt_ptr32:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.balign 4096
	.global pml4
pml4:
	.quad pdpt + PTE_P + PTE_W
	.fill 511, 8, 0
pdpt:
	.quad pd + PTE_P + PTE_W
	.quad pd + 0x1000 + PTE_P + PTE_W
	.quad pd + 0x2000 + PTE_P + PTE_W
	.quad pd + 0x3000 + PTE_P + PTE_W
	.fill 508, 8, 0
pd:
	.set i, 0
	.rept 1536
	.quad (i << 21) + PTE_P + PTE_W + PTE_PS
	.set i, i + 1
	.endr
	.rept 512
	.quad (i << 21) + PTE_P + PTE_W + PTE_PS + PTE_PCD + PTE_PWT
	.set i, i + 1
	.endr

	/* 0x08 code64, 0x10 data, 0x18 TSS (16 bytes, filled in by tss_load) */
	.balign 16
	.global gdt
gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF
	.quad 0x00CF92000000FFFF
	.quad 0, 0
gdt_end:
	.balign 8
	.global gdt_ptr64
gdt_ptr64:
	.word gdt_end - gdt - 1
	.quad gdt
	.global ap_next_index
ap_next_index:	.long 1

	.bss
	.balign 16
	.global ap_stack_top
ap_stack_top:	.fill 16, 8, 0   /* MON_MAX_CPUS */
	.balign 4096
boot_stack:	.fill 16384, 1, 0
boot_stack_top:
