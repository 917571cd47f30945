/* Test-only attacks (kernel-test.elf): at boot N the kernel performs
 * test_attacks[N] from its boot info, aiming at the real host-physical
 * addresses the monitor reported. A contained attack never returns here:
 * the monitor stops (and, with on_fault = restart, reloads) the sandbox.
 * Printing the line after the attempt shows it was NOT contained. On its
 * first boot a test kernel also checks that bad hypercalls are refused. */
#include "kernel.h"

static void write_at(const char *what, u64 addr)
{
	kprintf("attack %u: write %s at 0x%lx", kboot.boot_count, what, addr);
	if (addr < (u64)kboot.mem_mib << 20)
		kprintf("attack %u: 0x%lx lies in this sandbox's own memory", kboot.boot_count, addr);
	*(volatile u64 *)(uintptr_t)addr = 0xBADC0FFEE0DDF00Dull;
	kprintf("attack %u NOT contained: wrote %s", kboot.boot_count, what);
}

static void touch_port(u32 device)
{
	u16 port = device < QV_MAX_DEVICES ? kboot.device_io_base[device] : 0;

	kprintf("attack %u: out to port 0x%x of device %u", kboot.boot_count, port, device);
	outb(port, 'X');
	kprintf("attack %u NOT contained: port 0x%x written", kboot.boot_count, port);
}

/* The guest may program its own core's APIC timer through x2APIC MSRs;
 * the interrupt command register, which would reach the other cores (INIT
 * resets a core), must stay the monitor's. */
static void send_init_ipi(void)
{
	u32 icr = 3u << 18 | 1u << 14 | 5u << 8; /* all but self, assert, INIT */

	kprintf("attack %u: INIT IPI to all other cores (x2APIC ICR 0x830)", kboot.boot_count);
	__asm__ volatile("wrmsr" : : "c"(0x830u), "a"(icr), "d"(0u));
	kprintf("attack %u NOT contained: IPI sent", kboot.boot_count);
}

/* Bad hypercall arguments must come back as errors, never reach outside the
 * sandbox or stop it: a console buffer beyond its memory, one longer than
 * allowed, an unknown number. */
static void probe_hypercalls(void)
{
	u64 past_end = (u64)kboot.mem_mib << 20;

	kprintf("hypercalls: version=%ld console_outside=%ld console_too_long=%ld unknown=%ld",
		hypercall(QV_HC_VERSION_QUERY, 0, 0, 0),
		hypercall(QV_HC_CONSOLE_WRITE, past_end - 8, 16, 0),
		hypercall(QV_HC_CONSOLE_WRITE, 0x100000, QV_HC_CONSOLE_MAX + 1, 0),
		hypercall(QV_HC_COUNT + 7, 0, 0, 0));
}

void attack_run(void)
{
	if (!(kboot.flags & QV_BI_F_TEST_BUILD) || kboot.boot_count >= QV_MAX_TEST_ATTACKS)
		return;
	if (kboot.boot_count == 0 && kernel_isolated())
		probe_hypercalls();
	u16 a = kboot.test_attacks[kboot.boot_count];
	u32 kind = a & 0xFF, arg = a >> 8;

	switch (kind) {
	case QV_ATTACK_WRITE_SANDBOX:
		if (arg < QV_MAX_SANDBOXES)
			write_at("sandbox canary",
				 kboot.sandbox_host_base[arg] + (u64)(uintptr_t)kernel_canary);
		break;
	case QV_ATTACK_WRITE_MONITOR:
		write_at("monitor", kboot.monitor_host_addr);
		break;
	case QV_ATTACK_WRITE_EPT:
		write_at("own EPT", kboot.ept_host_addr);
		break;
	case QV_ATTACK_IO_PORT:
		touch_port(arg);
		break;
	case QV_ATTACK_SEND_IPI:
		send_init_ipi();
		break;
	default:
		break;
	}
}
