/* Starting the other cores: the INIT-SIPI-SIPI sequence of the Intel
 * MultiProcessor Specification, sent to "all excluding self", with the
 * real-mode trampoline at TRAMPOLINE_ADDR. Each AP takes the next logical
 * index in ap_entry64 (boot.S). */
#include "mon.h"
#include "../kernel/lib/uart.h"

#define TRAMPOLINE_ADDR 0x8000u
#define LAPIC_ID        0x020u
#define LAPIC_SVR       0x0F0u
#define LAPIC_ICR_LO    0x300u
#define LAPIC_ICR_HI    0x310u
#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_PENDING      (1u << 12)
#define ICR_INIT         (5u << 8)
#define ICR_STARTUP      (6u << 8)

extern const char trampoline_start[], trampoline_end[];
extern u64 ap_stack_top[MON_MAX_CPUS];

static volatile u32 *__init lapic_reg(u32 off)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1Bu)); /* IA32_APIC_BASE */
	u64 base = ((u64)hi << 32 | lo) & ~0xFFFull;
	return (volatile u32 *)(uintptr_t)(base + off);
}

u32 __init lapic_id(void)
{
	return *lapic_reg(LAPIC_ID) >> 24;
}

static void __init delay_us(u64 us)
{
	u64 end = rdtsc() + mon.tsc_khz * us / 1000;

	while (rdtsc() < end)
		__asm__ volatile("pause");
}

static void __init send_ipi(u32 icr)
{
	*lapic_reg(LAPIC_ICR_HI) = 0;
	*lapic_reg(LAPIC_ICR_LO) = icr;
	while (*lapic_reg(LAPIC_ICR_LO) & ICR_PENDING)
		__asm__ volatile("pause");
}

void __init smp_start_aps(void)
{
	u32 want = mon.manifest->machine_cores;

	if (want > MON_MAX_CPUS)
		want = MON_MAX_CPUS;
	memcpy((void *)(uintptr_t)TRAMPOLINE_ADDR, trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	for (u32 i = 1; i < MON_MAX_CPUS; i++)
		ap_stack_top[i] = (u64)(uintptr_t)mem_alloc_pages(MON_STACK_SIZE / PAGE_SIZE) +
				  MON_STACK_SIZE;
	*lapic_reg(LAPIC_SVR) |= 0x100; /* software-enable the local APIC */
	send_ipi(ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_INIT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		send_ipi(ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_STARTUP | (TRAMPOLINE_ADDR >> 12));
		delay_us(200);
	}
	/* Wait up to 100 ms for the cores the manifest expects. */
	u64 end = rdtsc() + mon.tsc_khz * 100;
	while (__atomic_load_n(&mon.n_cpus, __ATOMIC_ACQUIRE) < want && rdtsc() < end)
		__asm__ volatile("pause");
}
