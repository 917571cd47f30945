/* Per-core descriptor tables of the monitor: the shared GDT gets a TSS
 * (VM exits need a non-null host TR), an IDT reports a monitor exception
 * instead of letting it become a silent triple fault, and GS points at the
 * core's own block for this_cpu(). */
#include "mon.h"

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct idt_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

extern u64 gdt[];
extern const u64 mon_isr_table[32];

static struct tss tss = { .iomap_base = sizeof(struct tss) };
static struct idt_gate idt[32];
static struct spinlock tss_lock;

#define GDT_TSS_SEL 0x18

static void __init idt_fill(void)
{
	for (int v = 0; v < 32; v++) {
		u64 a = mon_isr_table[v];
		idt[v] = (struct idt_gate){ (u16)a, 0x08, 0, 0x8E, (u16)(a >> 16),
					    (u32)(a >> 32), 0 };
	}
}

/* Every core loads TR from the same descriptor; the busy bit is cleared
 * before each load, under a lock, because LTR refuses a busy descriptor. */
static void __init tss_load(void)
{
	u64 base = (u64)(uintptr_t)&tss, limit = sizeof(tss) - 1;

	spin_lock(&tss_lock);
	gdt[3] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ull << 40 |
		 ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
	gdt[4] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS_SEL));
	spin_unlock(&tss_lock);
}

void __init cpu_setup_tables(struct mon_cpu *c)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	c->self = c;
	u64 gs = (u64)(uintptr_t)c;
	__asm__ volatile("wrmsr" : : "c"(0xC0000101u), "a"((u32)gs), "d"((u32)(gs >> 32)));
	if (c->index == 0)
		idt_fill();
	__asm__ volatile("lidt %0" : : "m"(idtr));
	tss_load();
}

/* Called by the exception stubs (isr.S) with the vector, error code and the
 * interrupted RIP. The monitor takes no exceptions by design, so any is a
 * monitor bug: stop this core loudly. */
void mon_exception(u64 vector, u64 error, u64 rip)
{
	u64 cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	mon_panic("monitor exception %lu error 0x%lx rip 0x%lx cr2 0x%lx", vector, error, rip, cr2);
}
