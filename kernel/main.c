/* The sandbox kernel, first step: long mode (entry.S), an IDT, the boot
 * info, an "up" line, the test attack of this boot (test builds), then a
 * heartbeat at a fixed interval that also checks the canary page. */
#include "kernel.h"
#include "mem.h"
#include "thread.h"

#define MB2_BOOT_MAGIC 0x36D76289u
#define DIRECT_HEARTBEAT_MS 1000u
#define EXIT_REPORT_EVERY 4u
#define HEARTBEAT_SHARE 20u
/* The channel test workload: 4 of every 10 ms (docs/channels.md); the
 * console hub 3 of every 10 ms (a 256-byte line at 115200 baud takes 22 ms,
 * so it often runs on in background). */
#define CHANTEST_BUDGET_NS 4000000u
#define CHANTEST_PERIOD_NS 10000000u
#define HUB_BUDGET_NS 3000000u
#define HUB_PERIOD_NS 10000000u
#define HUB_POLL_NS 2000000u

struct qv_bootinfo kboot;

struct mb2_tag {
	u32 type, size;
};

struct mb2_mmap_entry {
	u64 base, len;
	u32 type, reserved;
};

/* MiB of usable RAM from 0 up to the end of the range that holds 1 MiB. */
static u32 direct_mem_mib(u64 mbi)
{
	u32 total = *(const u32 *)(uintptr_t)mbi;

	for (u64 p = mbi + 8; p + 8 <= mbi + total;) {
		const struct mb2_tag *t = (const void *)(uintptr_t)p;
		if (t->type == 0)
			break;
		if (t->type == 6) {
			u32 esize = ((const u32 *)t)[2];
			for (u64 e = p + 16; esize && e + esize <= p + t->size; e += esize) {
				const struct mb2_mmap_entry *m = (const void *)(uintptr_t)e;
				if (m->type == 1 && m->base <= QV_KERNEL_MIN_GPA &&
				    m->base + m->len > QV_KERNEL_MIN_GPA)
					return (u32)((m->base + m->len) >> 20);
			}
		}
		p += (t->size + 7) & ~7u;
	}
	return 0;
}

/* GRUB started us without a monitor: we own the whole machine, so we take
 * the UART and measure the TSC ourselves. */
static void boot_direct(u64 mbi)
{
	memset(&kboot, 0, sizeof(kboot));
	kboot.magic = QV_BOOT_MAGIC;
	kboot.version = QV_BOOTINFO_VERSION;
	kboot.size = sizeof(kboot);
	memcpy(kboot.name, "direct", 7);
	kboot.mem_mib = direct_mem_mib(mbi);
	kboot.heartbeat_ms = DIRECT_HEARTBEAT_MS;
	kboot.uart_port = UART_COM1;
	kboot.n_sandboxes = 1;
	kboot.tsc_khz = pit_measure_tsc_khz();
}

static bool boot_from_monitor(u64 info)
{
	const struct qv_bootinfo *bi = (const void *)(uintptr_t)info;

	if (bi->magic != QV_BOOT_MAGIC || bi->version != QV_BOOTINFO_VERSION ||
	    bi->size < sizeof(kboot))
		return false;
	kboot = *bi;
	kboot.recovery_note[sizeof(kboot.recovery_note) - 1] = 0; /* read as a C string */
	return true;
}

/* Until the console hub serialises the consoles, the UART owner writes the
 * serial line without the monitors' lock. So that lines do not interleave,
 * every sandbox prints only in its own slot of a grid laid on the TSC, which
 * all cores share: period / n_sandboxes wide, starting at id * width. */
static u64 next_slot(u64 now, u64 period)
{
	u64 n = kboot.n_sandboxes ? kboot.n_sandboxes : 1;
	u64 offset = period / n * (kboot.sandbox_id % n);
	u64 base = now - now % period + offset;

	return base > now ? base : base + period;
}

static void wait_until(u64 tsc)
{
	while (rdtsc() < tsc) {
		chantest_idle();
		conlink_poll();
		__asm__ volatile("pause");
	}
}

static u64 heartbeat_period;   /* TSC ticks */
static bool chan_workload;     /* this boot runs a channel test workload */

u64 console_slot_ns(void)
{
	u64 now = rdtsc();

	return clock_ns() + clock_tsc_to_ns(next_slot(now, heartbeat_period) - now);
}

static void heartbeat_thread(void *arg)
{
	(void)arg;
	for (u32 n = 1;; n++) {
		kthread_sleep_until(console_slot_ns());
		conlink_poll();
		kprintf("sandbox %u heartbeat %u canary=%s", kboot.sandbox_id, n,
			canary_intact() ? "ok" : "CHANGED");
		chantest_report();
		if (kernel_isolated() && n % EXIT_REPORT_EVERY == 0 && !schedtest_measuring())
			hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
	}
}

/* The channel test workload polls its channels whenever its VCPU runs. */
static void chantest_thread(void *arg)
{
	(void)arg;
	for (;;) {
		chantest_idle();
		kthread_yield();
	}
}

/* The console hub forwards every sandbox's output and reads the UART. */
static void hub_thread(void *arg)
{
	(void)arg;
	for (;;) {
		conlink_poll();
		kthread_sleep_until(clock_ns() + HUB_POLL_NS);
	}
}

/* The heartbeat is a thread on a VCPU of its own, with a twentieth of its
 * period as budget: a line or two on the console. */
static void start_threads(u64 period_ms)
{
	u64 t_ns = period_ms * 1000000u;
	struct qvs_vcpu *v = kvcpu_add(t_ns / HEARTBEAT_SHARE, t_ns);

	if (v)
		kthread_spawn(v, "heartbeat", heartbeat_thread, NULL);
	v = conlink_is_hub() ? kvcpu_add(HUB_BUDGET_NS, HUB_PERIOD_NS) : NULL;
	if (v)
		kthread_spawn(v, "hub", hub_thread, NULL);
	v = chan_workload ? kvcpu_add(CHANTEST_BUDGET_NS, CHANTEST_PERIOD_NS) : NULL;
	if (v)
		kthread_spawn(v, "chantest", chantest_thread, NULL);
	schedtest_setup();
	watchdog_start();
	port_start();
	sched_run();
}

/* Without a local-APIC timer (no x2APIC) the heartbeat polls the TSC. */
static void heartbeat_loop(u64 period)
{
	u64 next = next_slot(rdtsc(), period);

	for (u32 n = 1;; n++) {
		wait_until(next);
		kprintf("sandbox %u heartbeat %u canary=%s", kboot.sandbox_id, n,
			canary_intact() ? "ok" : "CHANGED");
		chantest_report();
		if (kernel_isolated() && n % EXIT_REPORT_EVERY == 0)
			hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
		next = next_slot(rdtsc(), period);
	}
}

void kmain(u32 magic, u32 info)
{
	if (magic == MB2_BOOT_MAGIC)
		boot_direct(info);
	else if (magic != QV_BOOT_MAGIC || !boot_from_monitor(info))
		for (;;)
			__asm__ volatile("cli; hlt"); /* no console to complain on */
	console_init();
	idt_init();
	kmem_init();
	chanlink_init();
	conlink_init();
	canary_fill();
	u64 up = rdtsc();
	u64 period = kboot.tsc_khz * kboot.heartbeat_ms;
	if (period)
		wait_until(next_slot(up, period));
	if (!kernel_isolated())
		kprintf("running without isolation: booted directly, no monitor");
	u32 a, b, c, d;
	/* Reported so the tests can see the monitor hides VMX from its guest. */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	kprintf("sandbox %u up: core %u, %u MiB (boot %u, tsc %lu, cpuid vmx=%u hypervisor=%u)",
		kboot.sandbox_id, kboot.core, kboot.mem_mib, kboot.boot_count, up, c >> 5 & 1,
		c >> 31);
	chanlink_report();
	attack_run();
	chan_workload = chantest_start();
	if (!period)
		for (;;)
			__asm__ volatile("cli; hlt");
	heartbeat_period = period;
	clock_init();
	if (timer_init()) {
		sched_init();
		start_threads(kboot.heartbeat_ms);
	}
	kprintf("no local-APIC timer: heartbeat without the scheduler");
	heartbeat_loop(period);
}
