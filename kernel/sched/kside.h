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
	struct timer_late_hist all;     /* every timer interrupt (armed deadline to handler) */
	struct timer_late_hist budget;  /* those armed for a chunk's budget exhaustion */
	u64 slack_ns;                   /* the slack in use now */
	u64 slack_max_ns;               /* the largest slack used so far */
	u64 slack_updates;
};
extern struct timer_latency timer_latency;

/* Budget-exhaustion interrupts later than this are not the interrupt's
 * delivery latency but a stall (a hypercall the monitor spends milliseconds
 * on): they are counted, and charged as overruns, but do not raise the
 * slack, which every chunk would then pay for. */
#define TIMER_SLACK_CAP_NS 200000u
/* The slack is the latest budget interrupt among the last this many. */
#define TIMER_SLACK_WINDOW 64u

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
