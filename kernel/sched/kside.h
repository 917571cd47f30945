/*
 * Kernel-side scheduling pieces that live next to the core (kernel/sched)
 * but are not part of it: they use the kernel (clock, timer, threads) and
 * are linked only into the kernel. mk/sched.mk keeps kernel/sched/k*.c out
 * of the host library and of the freestanding check of the core.
 *
 * - timer.c: how late timer interrupts arrive, and the scheduler's slack
 *   (qvs_set_slack) derived from it;
 * - kio.c: I/O VCPUs for kernel threads.
 */
#ifndef QUESTV_KERNEL_SCHED_KSIDE_H
#define QUESTV_KERNEL_SCHED_KSIDE_H

#include "questv/types.h"
#include "sched.h"

struct kthread;

/* ---- timer latency (kernel/timer.c) ---- */

/* Buckets of lateness, in microseconds: below 5, 10, 20, 30, 40, 50, 75,
 * 100, 200, 1000, and 1000 or more. */
#define TIMER_LATE_BUCKETS 11u
extern const u32 timer_late_bounds_us[TIMER_LATE_BUCKETS - 1];

struct timer_late_hist {
	u64 n[TIMER_LATE_BUCKETS];
	u64 count;
	u64 max_ns;
	u64 sum_ns;
};

struct timer_latency {
	struct timer_late_hist entry;   /* delivery: set to fire -> handler entry */
	struct timer_late_hist all;     /* every event -> the decision's clock read */
	struct timer_late_hist budget;  /* the same for budget exhaustions */
	u64 budget_past;                /* budget timers armed after their event */
	u64 early_ns;                   /* the timer fires this much before the event */
	u64 early_max_ns;
	u64 waits, wait_ns;             /* the handler waited for the event */
	u64 slack_ns;                   /* the scheduler's slack: event (or handler entry) to decision */
	u64 slack_max_ns;
	u64 dispatch_ns;                /* the dispatch in use now: a decision to timer_arm's end */
	u64 dispatch_max_ns;
	/* Budget interrupts that reached the handler after their event (its
	 * decision is late), by the running VCPU's id (7: 7 and above), and
	 * the VCPU of the latest of them. */
	u64 budget_irq_late[8];
	u64 budget_irq_late_max_ns;
	u32 budget_irq_late_vcpu;
	/* The latest budget decision: when its interrupt entered the handler
	 * and when the handler was ready, from the event (signed), its path to
	 * the decision, and the VCPU that ran. */
	s64 worst_entry_ns, worst_ready_ns;
	u64 worst_path_ns;
	u32 worst_vcpu;
};
extern struct timer_latency timer_latency;

/* Latencies beyond this are not the interrupt's delivery or the handler's
 * path but a stall (a hypercall the monitor spends milliseconds on, a
 * section with interrupts off): they are counted, and charged as overruns,
 * but not learnt, which every interrupt or chunk would then pay for. */
#define TIMER_SLACK_CAP_NS 100000u
/* The handler waits for the event if it came at most this much more before
 * it than the early margin (the count's rounding). */
#define TIMER_SPIN_MARGIN_NS 5000u
/* Each learnt figure is the largest of the last this many samples: the
 * early margin (delivery latency of budget interrupts), the slack (handler
 * path), the dispatch (decision: clock read to timer armed). */
#define TIMER_SLACK_WINDOW 64u
#define TIMER_DISPATCH_CAP_NS 1000000u

/* ---- decision hook ---- */

/* Called by timer_arm at every decision (interrupts off): the test kernel's
 * decision trace (kernel/schedtest.c); empty in kernel.elf
 * (kernel/schedtest_stub.c). */
void schedtest_decision(const struct qvs_sched *s, u64 now_ns);

/* ---- I/O VCPUs and events (kernel/sched/kio.c) ---- */

#define KIO_MAX 2u

/* Adds an I/O VCPU with utilization limit `util_ppm` (parts per million),
 * bound to the Main VCPU `main`: work it does on a request from `main` has
 * budget C = T_main * U per activation and takes `main`'s priority.
 * NULL when refused (admission or room; the reason is printed). */
struct qvs_vcpu *kvcpu_add_io(struct qvs_vcpu *main, u32 util_ppm);

/* The Main VCPU an I/O VCPU is bound to (NULL for a Main VCPU). */
struct qvs_vcpu *kvcpu_io_bound(const struct qvs_vcpu *io);

/* A request for the I/O thread `t` (on an I/O VCPU, waiting in
 * kthread_block_until(QVS_NEVER)) on behalf of Main VCPU `owner` (NULL: the
 * VCPU it is bound to): the I/O VCPU inherits that VCPU's priority and its
 * budget follows it; then kthread_wake(t), which reschedules, so that the
 * I/O VCPU, placed just above its owner, preempts it at once. Callable from
 * threads and interrupt handlers. */
void kio_wake(struct kthread *t, struct qvs_vcpu *owner);

#endif
