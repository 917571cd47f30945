/* Test-only attacks (kernel-test.elf): at boot N the kernel performs
 * test_attacks[N] from its boot info, aiming at the real host-physical
 * addresses the monitor reported. A contained attack never returns here:
 * the monitor stops (and, with on_fault = restart, reloads) the sandbox.
 * Printing the line after the attempt shows it was NOT contained. On its
 * first boot a test kernel also checks that bad hypercalls are refused. */
#include "kernel.h"
#include "thread.h"
#include "recovery.h"
#include "devirq.h"
#include "irq.h"

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

static u32 pci_read(u32 bdf, u32 reg)
{
	u32 addr = 0x80000000u | bdf << 8 | (reg & 0xFC), v;

	__asm__ volatile("outl %0, %1" : : "a"(addr), "Nd"((u16)0xCF8));
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((u16)0xCFC));
	return v;
}

/* The test system gives this sandbox 00:00.0 (the i440FX host bridge in
 * Bochs) and not 00:01.0 (the PIIX3 bridge): the first read must reach the
 * hardware, the second must be stopped. */
static void pci_config(void)
{
	kprintf("attack %u: pci config 00:00.0 id=0x%x", kboot.boot_count, pci_read(0, 0));
	kprintf("attack %u: pci config read of 00:01.0", kboot.boot_count);
	u32 v = pci_read(1u << 3, 0);
	kprintf("attack %u NOT contained: pci 00:01.0 id=0x%x", kboot.boot_count, v);
}

/* With an empty IDT every exception is a #GP that cannot be delivered, then
 * a double fault that cannot either: a triple fault, which exits to the
 * monitor (it would reset a bare machine). */
static void triple_fault(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) none = { 0, 0 };

	kprintf("attack %u: triple fault", kboot.boot_count);
	__asm__ volatile("cli; lidt %0; ud2" : : "m"(none));
	kprintf("attack %u NOT contained: survived a triple fault", kboot.boot_count);
}

/* Interrupts off and never on again: the scheduler, and with it the
 * watchdog thread, never runs. Only the monitor's watchdog sees it. */
static void hang(void)
{
	kprintf("attack %u: hang with interrupts off (watchdog %u ms)", kboot.boot_count,
		kboot.watchdog_ms);
	__asm__ volatile("cli");
	for (;;)
		__asm__ volatile("pause");
}

/* Not the supervisor: the monitor must refuse and report the command. The
 * refused sandbox then tries to read the fault log directly, at the
 * host-physical address its monitor reported (test builds). */
static void recover_as_outsider(u32 target)
{
	s64 rc = krecovery_command(QV_RECOVER_RESTART, target, 0);

	kprintf("attack %u: recover restart sb%u -> %ld", kboot.boot_count, target, rc);
	kprintf("attack %u: read fault log at 0x%lx", kboot.boot_count, kboot.faultlog_host_addr);
	u64 v = *(volatile u64 *)(uintptr_t)kboot.faultlog_host_addr;
	kprintf("attack %u NOT contained: read fault log 0x%lx", kboot.boot_count, v);
}

/* The supervisor's test script (recover:<target> armed in the supervisor):
 * prints every record it reads from the fault log and acknowledges it;
 * restarts the target after its first fault (while it waits, frozen);
 * after the target's first hang record, stops the running target (an NMI
 * reaches its core) and resumes it; takes the PCI host bridge from it
 * (MOVE_DEVICE) and reads its config space; a second later writes to its own
 * read-only log, which must be an EPT violation. (No quarantine here: the
 * shared test boot expects every sandbox to go on printing.) */
static u32 script_target = QV_MAX_SANDBOXES;

#define SCRIPT_POLL_NS 5000000u
#define SCRIPT_SETTLE_NS 1000000000u
/* After the hang record: longer than the test system's recovery_timeout_ms
 * and the reload, so that the victim runs again when it is stopped. */
#define SCRIPT_AFTER_HANG_NS 3000000000u

static void supervisor_script(void *arg)
{
	struct qv_fault_record rec;
	u32 t = script_target, step = kboot.boot_count ? 4 : 0; /* a later boot only reads */
	u64 settle = 0;

	(void)arg;
	kprintf("supervisor: fault log at 0x%lx, %u bytes, script for sb%u", kboot.faultlog_gpa,
		kboot.faultlog_size, t);
	for (;;) {
		int got = krecovery_next(&rec);
		if (got < 0) {
			kprintf("supervisor: no fault log mapped");
			kthread_exit();
		}
		if (got > 0) {
			kprintf("faultlog seq=%lu sb=%u kind=%s reason=%u boot=%u rip=0x%lx sym=%s+0x%x "
				"gpa=0x%lx qual=0x%lx action=%u lost=%lu", rec.seq, rec.sandbox,
				krecovery_kind_name(rec.kind), rec.exit_reason, rec.boot_count, rec.rip,
				rec.sym[0] ? rec.sym : "?", rec.sym_off, rec.gpa, rec.qual, rec.action,
				krecovery_lost());
			kprintf("supervisor: ack %lu -> %ld", rec.seq, krecovery_ack(rec.seq));
			if (rec.sandbox == t && step == 0 && rec.kind != QV_FAULT_REFUSED_COMMAND) {
				kprintf("supervisor: restart sb%u (frozen) -> %ld", t,
					krecovery_command_for(QV_RECOVER_RESTART, t,
							      rec.boot_count, 0));
				step = 1;
			} else if (rec.sandbox == t && step == 1 && rec.kind == QV_FAULT_HANG) {
				settle = clock_ns() + SCRIPT_AFTER_HANG_NS;
				step = 2;
			}
			continue;
		}
		if (step == 2 && clock_ns() >= settle) {
			kprintf("supervisor: stop sb%u (running) -> %ld", t,
				krecovery_command(QV_RECOVER_STOP, t, 0));
			kprintf("supervisor: resume sb%u -> %ld", t,
				krecovery_command(QV_RECOVER_RESUME, t, 0));
			kprintf("supervisor: resume sb%u again (running) -> %ld", t,
				krecovery_command(QV_RECOVER_RESUME, t, 0));
			kprintf("supervisor: restart sb%u (itself) -> %ld", kboot.sandbox_id,
				krecovery_command(QV_RECOVER_RESTART, kboot.sandbox_id, 0));
			/* device 0 is the UART (refused), device 1 the PCI host bridge */
			kprintf("supervisor: move device 0 to sb%u -> %ld", kboot.sandbox_id,
				krecovery_command(QV_RECOVER_MOVE_DEVICE, 0, kboot.sandbox_id));
			kprintf("supervisor: move device 1 to sb%u -> %ld", kboot.sandbox_id,
				krecovery_command(QV_RECOVER_MOVE_DEVICE, 1, kboot.sandbox_id));
			kprintf("supervisor: pci config 00:00.0 id=0x%x", pci_read(0, 0));
			settle = clock_ns() + SCRIPT_SETTLE_NS;
			step = 3;
		} else if (step == 3 && clock_ns() >= settle) {
			kprintf("supervisor: write fault log at 0x%lx", kboot.faultlog_gpa);
			*(volatile u64 *)(uintptr_t)kboot.faultlog_gpa = 0;
			kprintf("supervisor NOT contained: wrote its fault log");
			step = 4;
		}
		kthread_sleep_until(clock_ns() + SCRIPT_POLL_NS);
	}
}

/* Interrupt routing (rtc_irq / rtc_take, tests/system/test_irq_routing.py).
 * The CMOS RTC (MC146818: index port base, data port base + 1) raises IRQ 8
 * at the rate of register A while register B's PIE bit is set; reading
 * register C clears its flags, and only then can the line rise again. */
#define RTC_REG_A     0x0Au
#define RTC_REG_B     0x0Bu
#define RTC_REG_C     0x0Cu
#define RTC_A_32KHZ   0x20u  /* divider: the 32.768 kHz time base running */
#define RTC_A_8HZ     13u    /* rate 13: 32768 >> 12 = 8 interrupts a second */
#define RTC_B_PIE     0x40u
#define RTC_QUIET_BEATS 3u   /* heartbeats without an interrupt: it was moved away */
#define RTC_TAKE_AFTER_NS 5000000000ul

static u32 rtc_dev = QV_MAX_DEVICES;
static bool rtc_owner;       /* rtc_irq: owns it from boot; rtc_take: takes it */

static u8 cmos_read(u32 dev, u8 reg)
{
	u16 base = kboot.device_io_base[dev];

	outb(base, reg);
	return inb((u16)(base + 1));
}

static void cmos_write(u32 dev, u8 reg, u8 v)
{
	u16 base = kboot.device_io_base[dev];

	outb(base, reg);
	outb((u16)(base + 1), v);
}

/* In the interrupt: re-arms the RTC. */
static void rtc_ack(u32 dev)
{
	(void)cmos_read(dev, RTC_REG_C);
}

/* A thread's register C read, kept from interleaving with the handler's
 * use of the index port. */
static void rtc_rearm(u32 dev)
{
	u64 f = irq_off();
	(void)cmos_read(dev, RTC_REG_C);
	irq_restore(f);
}

static void rtc_start(u32 dev)
{
	rtc_dev = dev;
	rtc_owner = true;
	devirq_set_handler(dev, rtc_ack);
	u64 f = irq_off();
	cmos_write(dev, RTC_REG_A, RTC_A_32KHZ | RTC_A_8HZ);
	cmos_write(dev, RTC_REG_B, (u8)(cmos_read(dev, RTC_REG_B) | RTC_B_PIE));
	(void)cmos_read(dev, RTC_REG_C);
	irq_restore(f);
	kprintf("rtc: device %u at port 0x%x, vector 0x%x, periodic interrupt at 8 Hz", dev,
		kboot.device_io_base[dev], QV_DEVICE_VECTOR(dev));
}

/* Both roles print the count at every heartbeat slot. The owner, once the
 * interrupts stop (moved away), reads its former port: an I/O fault. The
 * supervisor moves the device to itself after a while, then re-arms it
 * (a flag set while the routing changed would hold the line high). */
static void rtc_thread(void *arg)
{
	u64 take_at = clock_ns() + RTC_TAKE_AFTER_NS, last = 0;
	u32 quiet = 0, dev = rtc_dev;

	(void)arg;
	for (;;) {
		kthread_sleep_until(console_slot_ns());
		u64 n = devirq_count(dev);
		kprintf("rtc irqs=%lu", n);
		if (kboot.boot_count == 0 && rtc_owner && n) {
			quiet = n == last ? quiet + 1 : 0;
			if (quiet == RTC_QUIET_BEATS) {
				kprintf("rtc: no interrupt for %u heartbeats: read port 0x%x",
					quiet, kboot.device_io_base[dev]);
				rtc_rearm(dev);
				kprintf("attack %u NOT contained: read port 0x%x", kboot.boot_count,
					kboot.device_io_base[dev]);
			}
		} else if (!rtc_owner && clock_ns() >= take_at) {
			s64 rc = krecovery_command(QV_RECOVER_MOVE_DEVICE, dev, kboot.sandbox_id);
			kprintf("rtc: move device %u to sb%u -> %ld", dev, kboot.sandbox_id, rc);
			if (rc == 0)
				rtc_rearm(dev);
			rtc_owner = true;
		}
		last = n;
	}
}

static void rtc_take(u32 dev)
{
	rtc_dev = dev;
	devirq_set_handler(dev, rtc_ack);
	kprintf("rtc: will take device %u in %lu ms", dev, RTC_TAKE_AFTER_NS / 1000000u);
}

void attack_threads_start(void)
{
	struct qvs_vcpu *v;

	if (rtc_dev < QV_MAX_DEVICES) {
		v = kvcpu_add(1000000u, 20000000u);
		if (!v || !kthread_spawn(v, "rtc", rtc_thread, NULL))
			kprintf("rtc: no VCPU or thread");
	}
	if (script_target >= QV_MAX_SANDBOXES)
		return;
	v = kvcpu_add(1000000u, 10000000u);
	if (!v || !kthread_spawn(v, "supervisor", supervisor_script, NULL))
		kprintf("supervisor: no VCPU or thread for the script");
}

static void recover(u32 target)
{
	if (kboot.sandbox_id != kboot.supervisor) {
		recover_as_outsider(target);
		return;
	}
	/* The supervisor: its script runs as a thread once the scheduler is up,
	 * and prints the records of every later boot too. */
	script_target = target;
}

void attack_run(void)
{
	if (!(kboot.flags & QV_BI_F_TEST_BUILD))
		return;
	/* The supervisor's script goes on in every later boot: it reads the log
	 * from where the last boot acknowledged. */
	for (u32 i = 0; kboot.sandbox_id == kboot.supervisor && i < QV_MAX_TEST_ATTACKS; i++)
		if ((kboot.test_attacks[i] & 0xFF) == QV_TEST_RECOVER)
			script_target = kboot.test_attacks[i] >> 8;
	if (kboot.boot_count >= QV_MAX_TEST_ATTACKS)
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
	case QV_ATTACK_PCI_CONFIG:
		pci_config();
		break;
	case QV_ATTACK_TRIPLE_FAULT:
		triple_fault();
		break;
	case QV_ATTACK_HANG:
		hang();
		break;
	case QV_TEST_RECOVER:
		recover(arg);
		break;
	case QV_TEST_RTC_IRQ:
		if (arg < QV_MAX_DEVICES)
			rtc_start(arg);
		break;
	case QV_TEST_RTC_TAKE:
		if (arg < QV_MAX_DEVICES)
			rtc_take(arg);
		break;
	case QV_ATTACK_WRITE_IOAPIC:
		/* guest-physical = the IOAPIC's host address: EPT maps nothing there */
		write_at("ioapic", 0xFEC00000ul);
		break;
	default:
		break;
	}
}
