/* The guest's local-APIC timer. Each monitor switches its core's local APIC
 * to x2APIC mode before the launch, so that the APIC is reached through
 * MSRs only (its MMIO page is off in x2APIC mode, and EPT maps nothing
 * there anyway). The MSR bitmap then lets the guest touch exactly the timer:
 * the LVT timer entry, initial/current count, divide configuration, the
 * TSC deadline, the spurious-vector register and EOI. Everything else,
 * above all the ICR (IPIs, INIT, SIPI to other cores), still exits and is a
 * fault of the sandbox. External-interrupt exiting stays off: the timer
 * vector reaches the guest's IDT without a VM exit. */
#include "mon.h"
#include "vmx.h"
#include "../kernel/lib/uart.h"

#define MSR_APIC_BASE      0x01Bu
#define APIC_BASE_EXTD     (1ull << 10)
#define APIC_BASE_EN       (1ull << 11)
#define X2APIC_EOI         0x80Bu
#define X2APIC_SVR         0x80Fu
#define X2APIC_ISR0        0x810u
#define X2APIC_ICR         0x830u
#define X2APIC_LVT_TIMER   0x832u
#define X2APIC_LVT_LINT0   0x835u
#define X2APIC_INIT_COUNT  0x838u
#define X2APIC_CUR_COUNT   0x839u
#define X2APIC_DIVIDE      0x83Eu
#define MSR_TSC_DEADLINE   0x6E0u
#define LVT_MASKED         (1u << 16)
#define PIC1_DATA          0x21u
#define PIC2_DATA          0xA1u

/* The MSRs the guest may read and write without an exit (timer only). */
const u32 lapic_guest_msrs[] = {
	X2APIC_EOI, X2APIC_SVR, X2APIC_LVT_TIMER, X2APIC_INIT_COUNT, X2APIC_CUR_COUNT,
	X2APIC_DIVIDE, MSR_TSC_DEADLINE,
};
const size_t lapic_guest_msr_count = sizeof(lapic_guest_msrs) / sizeof(lapic_guest_msrs[0]);

bool lapic_has_x2apic(void)
{
	u32 a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return c >> 21 & 1;
}

bool lapic_send_vector(u32 core, u8 vector)
{
	if (!lapic_has_x2apic())
		return false;
	/* x2APIC ICR: destination in the high half; fixed delivery, physical
	 * destination, edge, assert are all zero bits: only the vector. */
	wrmsr(X2APIC_ICR, (u64)mon.cpus[core].apic_id << 32 | vector);
	return true;
}

/* A timer left armed, or an interrupt left in service, by a sandbox that
 * faulted must not reach the next boot of the sandbox. */
void lapic_guest_timer_reset(void)
{
	if (!lapic_has_x2apic())
		return;
	wrmsr(X2APIC_LVT_TIMER, LVT_MASKED);
	wrmsr(X2APIC_INIT_COUNT, 0);
	for (int n = 0; n < 256; n++) {
		bool in_service = false;
		for (u32 i = 0; i < 8; i++)
			in_service |= rdmsr(X2APIC_ISR0 + i) != 0;
		if (!in_service)
			break;
		wrmsr(X2APIC_EOI, 0);
	}
}

/* Called by every monitor on its own core just before the first launch. */
void __init lapic_guest_timer_setup(void)
{
	/* The 8259s keep their BIOS vectors (0x08: the guest's double fault);
	 * no sandbox owns them, so they stay masked once guests enable IF. */
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	if (!lapic_has_x2apic())
		return;
	u64 base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	wrmsr(X2APIC_LVT_LINT0, LVT_MASKED);
	wrmsr(X2APIC_DIVIDE, 0xB); /* divide by 1 */
	lapic_guest_timer_reset();
}
