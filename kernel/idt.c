/* The kernel's IDT: the 32 exception vectors print a register dump and
 * stop the kernel; the device vectors (devirq.c) are installed here too,
 * so that a device interrupt never meets an empty gate, and so is the
 * notice (devices.c), which a monitor may send at any time; other interrupt
 * gates (the LAPIC timer, the doorbell) come from idt_set_gate(). */
#include "kernel.h"
#include "thread.h"
#include "devirq.h"
#include "devices.h"

struct exc_frame {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

extern const u64 kisr_table[32];
/* 32 exceptions, then interrupt vectors installed with idt_set_gate(); a
 * vector without a gate is not present (#NP, which dumps and stops). */
static struct idt_gate idt[256];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection",
};

void idt_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	for (int v = 0; v < 32; v++) {
		u64 a = kisr_table[v];
		idt[v] = (struct idt_gate){ (u16)a, 0x08, 0, 0x8E, (u16)(a >> 16),
					    (u32)(a >> 32), 0 };
	}
	devirq_init();
	devices_init();
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_set_gate(u8 vector, void (*handler)(void))
{
	u64 a = (u64)(uintptr_t)handler;

	idt[vector] = (struct idt_gate){ (u16)a, 0x08, 0, 0x8E, (u16)(a >> 16), (u32)(a >> 32), 0 };
}

void kernel_exception(const struct exc_frame *f)
{
	u64 cr2, cr3;
	const char *name = f->vector < 32 && exception_names[f->vector] ?
			   exception_names[f->vector] : "reserved";

	__asm__ volatile("mov %%cr2, %0; mov %%cr3, %1" : "=r"(cr2), "=r"(cr3));
	kprintf("EXCEPTION %lu (%s) error 0x%lx at rip 0x%lx", f->vector, name, f->error, f->rip);
	kprintf("  cs 0x%lx rflags 0x%lx rsp 0x%lx ss 0x%lx cr2 0x%lx cr3 0x%lx",
		f->cs, f->rflags, f->rsp, f->ss, cr2, cr3);
	kprintf("  rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  rsi 0x%lx rdi 0x%lx rbp 0x%lx r8 0x%lx", f->rsi, f->rdi, f->rbp, f->r8);
	kprintf("  r9 0x%lx r10 0x%lx r11 0x%lx r12 0x%lx", f->r9, f->r10, f->r11, f->r12);
	kprintf("  r13 0x%lx r14 0x%lx r15 0x%lx", f->r13, f->r14, f->r15);
	kprintf("sandbox %u stopped after an exception", kboot.sandbox_id);
}
