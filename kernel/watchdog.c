/* Heartbeats for the monitor's hung-sandbox watchdog: when the boot info
 * asks (watchdog_ms > 0), a thread on a VCPU of its own sends
 * QV_HC_HEARTBEAT every half interval, so one late period is tolerated. A
 * kernel that stops scheduling (a spin with interrupts off) stops the
 * heartbeats, and the monitor's VMX-preemption timer sees it. Also starts
 * the test kernel's attack threads, which need the scheduler too. */
#include "kernel.h"
#include "thread.h"
#include "recovery.h"

#define WATCHDOG_BUDGET_SHARE 10u
#define WATCHDOG_MIN_BUDGET_NS 1000000u

static u64 beat_ns;

static void watchdog_thread(void *arg)
{
	(void)arg;
	for (;;) {
		s64 rc = hypercall(QV_HC_HEARTBEAT, 0, 0, 0);
		if (rc < 0) {
			kprintf("watchdog: heartbeat refused (%ld), stopping", rc);
			kthread_exit();
		}
		kthread_sleep_until(clock_ns() + beat_ns);
	}
}

void watchdog_start(void)
{
	attack_threads_start();
	if (!kernel_isolated() || !kboot.watchdog_ms)
		return;
	beat_ns = (u64)kboot.watchdog_ms * 1000000u / 2;
	u64 budget = beat_ns / WATCHDOG_BUDGET_SHARE;
	struct qvs_vcpu *v = kvcpu_add(budget < WATCHDOG_MIN_BUDGET_NS ? WATCHDOG_MIN_BUDGET_NS
								 : budget, beat_ns);
	if (!v || !kthread_spawn(v, "watchdog", watchdog_thread, NULL)) {
		kprintf("watchdog: no VCPU or thread for the heartbeat: none sent");
		return;
	}
	kprintf("watchdog: heartbeat every %lu ms (watchdog %u ms)", beat_ns / 1000000u,
		kboot.watchdog_ms);
}
