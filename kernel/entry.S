/* Entry of the sandbox kernel in 32-bit protected mode, paging off, from
 * either loader: a questv monitor (EAX = QV_BOOT_MAGIC, EBX = boot info) or
 * GRUB directly (EAX = multiboot2 magic, EBX = multiboot2 information).
 * Builds nothing at run time: the page tables (identity map of the low
 * 4 GiB, 2 MiB pages) are laid out by the assembler. */
#define MB2_MAGIC 0xE85250D6

	.section .mb2_header, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	.word 0, 0
	.long 8
mb2_end:

	.section .text.entry, "ax"
	.code32
	.global kernel_entry32
kernel_entry32:
	cli
	movl %eax, entry_magic
	movl %ebx, entry_info
	movl $kstack_top, %esp
	lgdt gdt_ptr
	movl %cr4, %eax
	orl $(1 << 5), %eax       /* PAE */
	movl %eax, %cr4
	movl $kpml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx    /* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax     /* PG, PE */
	movl %eax, %cr0
	ljmp $0x08, $entry64

	.code64
entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq $kstack_top, %rsp
	movl entry_magic, %edi
	movl entry_info, %esi
	call kmain
1:	cli
	hlt
	jmp 1b

	.data
	.balign 8
entry_magic:	.long 0
entry_info:	.long 0
	.balign 16
gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF   /* 0x08 code64 */
	.quad 0x00CF92000000FFFF   /* 0x10 data */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt

	.balign 4096
kpml4:
	.quad kpdpt + 3
	.fill 511, 8, 0
kpdpt:
	.quad kpd + 3
	.quad kpd + 0x1000 + 3
	.quad kpd + 0x2000 + 3
	.quad kpd + 0x3000 + 3
	.fill 508, 8, 0
kpd:
	.set i, 0
	.rept 2048
	.quad (i << 21) + 0x83
	.set i, i + 1
	.endr

	.bss
	.balign 4096
kstack:	.fill 16384, 1, 0
	.global kstack_top
kstack_top:
