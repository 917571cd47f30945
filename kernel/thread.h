/* Threads, the monotonic clock and the one-shot timer of the sandbox
 * kernel, with the VCPU scheduler (kernel/sched) deciding who runs. One
 * core per sandbox: all of this is per-kernel state, touched with
 * interrupts off. docs/kernel.md, "Scheduling", describes the whole. */
#ifndef QUESTV_KERNEL_THREAD_H
#define QUESTV_KERNEL_THREAD_H

#include "questv/types.h"
#include "sched/sched.h"

#define TIMER_VECTOR    0x20u
#define SPURIOUS_VECTOR 0xFFu

/* clock.c: nanoseconds since clock_init(), from the TSC the loader measured. */
void clock_init(void);
u64 clock_ns(void);
u64 clock_ns_to_tsc(u64 ns);
u64 clock_tsc_to_ns(u64 tsc);

/* timer.c: the local-APIC timer in one-shot mode (x2APIC MSRs). */
struct timer_stats {
	u64 lapic_khz;        /* timer counts per millisecond, calibrated at boot */
	u64 irqs;
	u64 late_max_ns;      /* latest handler entry after the armed expiry */
	u64 late_sum_ns;
	u64 late_over_100us;  /* interrupts that came more than 100 us late */
	u64 late_under_10us, late_under_50us, early;
};
bool timer_init(void);    /* false: no x2APIC, no timer (polling fallback) */
void timer_arm(u64 deadline_ns, u64 now_ns);  /* QVS_NEVER disarms */
void timer_eoi(void);
u64 timer_deadline(void);
extern struct timer_stats timer_stats;

/* thread.c */
#define KTHREAD_MAX     32u
#define KVCPU_MAX       16u
#define KTHREAD_STACK   16384u  /* kernel threads; Python threads ask for more */
#define KVCPU_REFILLS   16u

struct kthread {
	struct qvs_thread qt;  /* first: a decision's thread is this kthread */
	u64 rsp;
	void (*fn)(void *);
	void *arg;
	const char *name;
	u8 *stack;             /* from kmem, freed after the thread ends */
	size_t stack_size;
	bool used;
	bool owns_vcpu;        /* its VCPU goes away with it */
	bool wake_pending;     /* kthread_wake came before kthread_block_until */
	u8 fx[512] __attribute__((aligned(16)));
};

/* Costs in TSC ticks, summed with their counts (benchmarks/sched). */
struct sched_costs {
	u64 decisions, decision_ticks, decision_max;
	u64 switches, switch_ticks, switch_max;
	u64 quiet_irqs, quiet_irq_ticks; /* timer interrupts that switched nothing */
};
extern struct sched_costs sched_costs;

void sched_init(void);     /* clock_init() and timer_init() come first */
struct qvs_vcpu *kvcpu_add(u64 budget_ns, u64 period_ns);   /* NULL: refused, said why */
/* The same, quiet: the reason goes to why[] (admission's message). */
struct qvs_vcpu *kvcpu_add_why(u64 budget_ns, u64 period_ns, char *why, size_t cap);
/* Removes a VCPU without threads; its utilization returns to admission. */
bool kvcpu_remove(struct qvs_vcpu *v);
u32 kvcpu_count(void);
struct qvs_vcpu *kvcpu_at(u32 slot);  /* NULL for a free slot */
struct kthread *kthread_spawn(struct qvs_vcpu *v, const char *name, void (*fn)(void *),
			      void *arg);
/* A thread with a stack of stack_bytes from kmem; owns_vcpu: the VCPU is
 * removed when the thread ends (a service's VCPU). The stack and the slot
 * are reclaimed after the thread ends. */
struct kthread *kthread_spawn_stack(struct qvs_vcpu *v, const char *name, void (*fn)(void *),
				    void *arg, size_t stack_bytes, bool owns_vcpu);
/* Sleeps until ns (QVS_NEVER: until woken) or until kthread_wake(). */
void kthread_block_until(u64 ns);
void kthread_wake(struct kthread *t);
void sched_run(void) __attribute__((noreturn));  /* the caller becomes the idle loop */
struct kthread *kthread_self(void);
bool kthread_foreground(void);  /* the running VCPU is within its budget */
bool kthread_running(void);     /* called from a thread (not boot/idle) */
void kthread_sleep_until(u64 ns);
void kthread_wait_period(void);
void kthread_yield(void);
void kthread_exit(void) __attribute__((noreturn));
enum qvs_status kvcpu_set(struct qvs_vcpu *v, u64 budget_ns, u64 period_ns);
struct qvs_sched *ksched(void);

/* main.c: start of this sandbox's next console slot (docs/kernel.md). */
u64 console_slot_ns(void);

/* idt.c */
void idt_set_gate(u8 vector, void (*handler)(void));

/* schedtest.c (kernel-test.elf) or schedtest_stub.c: adds the scheduling
 * workload's VCPUs and threads when this sandbox runs it. */
void schedtest_setup(void);
/* True while that workload measures (the heartbeat then holds back the
 * exit report, a synchronous monitor line). */
bool schedtest_measuring(void);

#endif
