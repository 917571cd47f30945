/* The local-APIC timer in one-shot mode: armed at the scheduler's next
 * event, never periodic (tickless). The monitor switched the APIC to x2APIC
 * mode and passes the timer MSRs through (docs/monitor.md). A kernel booted
 * without a monitor owns the APIC: it uses x2APIC mode where the CPU has it
 * and the xAPIC page otherwise (QEMU's default CPU). The timer's rate is
 * calibrated at boot against the TSC, which the loader measured against the
 * PIT. */
#include "kernel.h"
#include "thread.h"

#define MSR_APIC_BASE     0x01Bu
#define X2APIC_MSR_BASE   0x800u   /* x2APIC MSR = 0x800 + xAPIC offset / 16 */
/* Register offsets in the xAPIC page. */
#define APIC_EOI          0x0B0u
#define APIC_SVR          0x0F0u
#define APIC_LVT_TIMER    0x320u
#define APIC_INIT_COUNT   0x380u
#define APIC_CUR_COUNT    0x390u
#define APIC_DIVIDE       0x3E0u
#define SVR_ENABLE        (1u << 8)
#define LVT_MASKED        (1u << 16)
#define CALIBRATE_MS      10u
#define MAX_COUNT         0xFFFFFFFFull

struct timer_stats timer_stats;
void timer_isr(void);
void spurious_isr(void);
static u64 count_per_ns_32; /* 2^32 * timer counts per ns */
static u64 armed_ns = QVS_NEVER;
static volatile u32 *xapic;  /* the xAPIC page; NULL in x2APIC mode */

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static u32 apic_read(u32 reg)
{
	return xapic ? xapic[reg / 4] : (u32)rdmsr(X2APIC_MSR_BASE + reg / 16);
}

static void apic_write(u32 reg, u32 v)
{
	if (xapic)
		xapic[reg / 4] = v;
	else
		wrmsr(X2APIC_MSR_BASE + reg / 16, v);
}

static bool cpu_has_x2apic(void)
{
	u32 a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return c >> 21 & 1;
}

/* Without a monitor the machine is ours: the 8259s (still on the BIOS
 * vectors, which collide with exceptions) are masked and the APIC switched
 * to x2APIC mode, as the monitor does for its guests, or left in xAPIC mode
 * and reached through its page (identity-mapped by entry.S like all of the
 * low 4 GiB). */
static void take_apic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE) | 1u << 11;

	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	if (cpu_has_x2apic()) {
		wrmsr(MSR_APIC_BASE, base | 1u << 10);
		return;
	}
	wrmsr(MSR_APIC_BASE, base);
	xapic = (volatile u32 *)(uintptr_t)(base & 0xFFFFF000u);
}

/* Counts per millisecond: a free-running count over CALIBRATE_MS of TSC. */
static u64 calibrate(void)
{
	apic_write(APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	apic_write(APIC_DIVIDE, 0xB); /* divide by 1 */
	apic_write(APIC_INIT_COUNT, (u32)MAX_COUNT);
	u64 start = rdtsc(), c0 = apic_read(APIC_CUR_COUNT);
	while (rdtsc() - start < kboot.tsc_khz * CALIBRATE_MS)
		__asm__ volatile("pause");
	u64 c1 = apic_read(APIC_CUR_COUNT);
	apic_write(APIC_INIT_COUNT, 0);
	return (c0 - c1) / CALIBRATE_MS;
}

bool timer_init(void)
{
	if (!kernel_isolated())
		take_apic();
	else if (!(kboot.flags & QV_BI_F_X2APIC))
		return false;
	idt_set_gate(TIMER_VECTOR, timer_isr);
	idt_set_gate(SPURIOUS_VECTOR, spurious_isr);
	apic_write(APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	timer_stats.lapic_khz = calibrate();
	if (!timer_stats.lapic_khz)
		return false;
	count_per_ns_32 = (u64)(((unsigned __int128)timer_stats.lapic_khz << 32) / 1000000u);
	apic_write(APIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
	return true;
}

/* An early interrupt is harmless (the scheduler decides again and re-arms),
 * so a deadline beyond the 32-bit count is reached in several steps. The
 * count starts when it is written: the distance is taken from the clock
 * read here, not from the decision's `now` (a decision costs hundreds of
 * cycles, under Bochs hundreds of microseconds, which every timer would
 * otherwise fire late by). */
void timer_arm(u64 deadline_ns, u64 now_ns)
{
	armed_ns = deadline_ns;
	if (deadline_ns == QVS_NEVER) {
		apic_write(APIC_INIT_COUNT, 0);
		return;
	}
	u64 at = clock_ns();
	if (at < now_ns)
		at = now_ns;
	u64 delta = deadline_ns > at ? deadline_ns - at : 0;
	/* Rounded up, plus one count for the clock read above: a timer that
	 * fires a fraction of a count early finds the budget not quite spent,
	 * and costs a whole extra decision and interrupt to finish it. */
	u64 count = (u64)(((unsigned __int128)delta * count_per_ns_32 + 0xFFFFFFFFu) >> 32) + 1;
	if (count > MAX_COUNT)
		count = MAX_COUNT;
	apic_write(APIC_INIT_COUNT, (u32)count);
}

u64 timer_deadline(void)
{
	return armed_ns;
}

void timer_eoi(void)
{
	apic_write(APIC_EOI, 0);
}
