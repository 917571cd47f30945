/* A minimal multiboot2 kernel for host tests of `questv build` and `run`:
 * it prints a line and the GRUB magic on COM1 and halts, so a test can see
 * that GRUB loaded it and that the serial stream reaches the host. */
	.set MB2_MAGIC, 0xE85250D6
	.set MB2_ARCH_I386, 0
	.set COM1, 0x3F8

	.section .text
	.code32
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.short 0, 0            /* end tag: type 0, flags 0, size 8 */
	.long 8
mb2_header_end:

	.globl _start
_start:
	mov %eax, %ebp         /* 0x36D76289 when a multiboot2 loader entered us */
	/* Nobody set the UART up (GRUB stays off the serial line): 8N1, 115200. */
	mov $COM1 + 3, %dx
	mov $0x80, %al         /* LCR: divisor latch access */
	out %al, %dx
	mov $COM1, %dx
	mov $1, %al            /* divisor 1 = 115200 baud */
	out %al, %dx
	mov $COM1 + 1, %dx
	xor %al, %al
	out %al, %dx
	mov $COM1 + 3, %dx
	mov $0x03, %al         /* LCR: 8 data bits, no parity, 1 stop bit */
	out %al, %dx
	mov $message, %esi
	call puts
	cmp $0x36D76289, %ebp
	jne 1f
	mov $magic_ok, %esi
	call puts
1:	cli
2:	hlt
	jmp 2b

/* esi: NUL-terminated string. Polls LSR bit 5 (THR empty) before each byte. */
puts:
	mov $COM1 + 5, %dx
3:	in %dx, %al
	test $0x20, %al
	jz 3b
	lodsb
	test %al, %al
	jz 4f
	mov $COM1, %dx
	out %al, %dx
	jmp puts
4:	ret

	.section .rodata
message:
	.asciz "mb2stub: hello from the stub kernel\r\n"
magic_ok:
	.asciz "mb2stub: multiboot2 magic ok\r\n"
