/* The local-APIC timer in one-shot mode: armed at the scheduler's next
 * event, never periodic (tickless). The monitor switched the APIC to x2APIC
 * mode and passes the timer MSRs through (docs/monitor.md). A kernel booted
 * without a monitor owns the APIC: it uses x2APIC mode where the CPU has it
 * and the xAPIC page otherwise (QEMU's default CPU). The timer's rate is
 * calibrated at boot against the TSC, which the loader measured against the
 * PIT. */
#include "kernel.h"
#include "thread.h"
#include "sched/kside.h"

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
struct timer_latency timer_latency;
const u32 timer_late_bounds_us[TIMER_LATE_BUCKETS - 1] = { 5, 10, 20, 30, 40, 50, 75, 100, 200,
							     1000 };
void timer_isr(void);
void spurious_isr(void);
static u64 count_per_ns_32; /* 2^32 * timer counts per ns */
static u64 armed_ns = QVS_NEVER; /* the event the scheduler asked for */
static u64 fire_ns;            /* when the timer was set to fire: armed_ns - early */
static u64 early_used;         /* the early margin applied to it */
static bool armed_budget;      /* the event is the running chunk's exhaustion */
static bool decision_due;      /* an interrupt came; its decision's timer_arm is next */
static u64 irq_ready_ns;       /* when the handler was done waiting for the event */
static volatile u32 *xapic;  /* the xAPIC page; NULL in x2APIC mode */

/* The largest of the last TIMER_SLACK_WINDOW samples: the maximum of the
 * current and the previous half window. */
struct recent_max {
	u64 cur, prev;
	u32 n;
};

static struct recent_max early_max, path_max, dispatch_max;

static u64 recent_max_add(struct recent_max *m, u64 x)
{
	if (x > m->cur)
		m->cur = x;
	if (++m->n == TIMER_SLACK_WINDOW / 2) {
		m->prev = m->cur;
		m->cur = 0;
		m->n = 0;
	}
	return m->cur > m->prev ? m->cur : m->prev;
}

static void late_count(struct timer_late_hist *h, u64 late)
{
	u32 b = 0;

	while (b < TIMER_LATE_BUCKETS - 1 && late >= (u64)timer_late_bounds_us[b] * 1000u)
		b++;
	h->n[b]++;
	h->count++;
	h->sum_ns += late;
	if (late > h->max_ns)
		h->max_ns = late;
}

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

/* Events come on time (docs/scheduling.md, "In the kernel"): the timer is
 * set to fire `early` before the event the scheduler asked for, `early`
 * being the interrupt's delivery latency learnt from budget interrupts (it
 * comes while a thread runs with interrupts on); the handler waits out the
 * rest (timer_deadline). The scheduler's slack is the handler's own path
 * from there to the decision's clock read, so a chunk's end is decided at
 * its budget's end, neither before (budget lost) nor after (an overrun).
 *
 * An early interrupt is otherwise harmless (the scheduler decides again and
 * re-arms), so a deadline beyond the 32-bit count is reached in several
 * steps. The count starts when it is written: the distance is taken from
 * the clock read here, not from the decision's `now` (a decision costs
 * hundreds of cycles, under Bochs hundreds of microseconds). */
void timer_arm(u64 deadline_ns, u64 now_ns)
{
	struct qvs_sched *s = ksched();
	u64 at = clock_ns();

	schedtest_decision(s, now_ns);

	if (at < now_ns)
		at = now_ns;
	if (decision_due) {
		/* How late the decision came after the event, and the handler's
		 * path from its wait to the decision's clock read. */
		u64 late = now_ns > armed_ns ? now_ns - armed_ns : 0;
		late_count(&timer_latency.all, late);
		if (armed_budget)
			late_count(&timer_latency.budget, late);
		u64 path = now_ns > irq_ready_ns ? now_ns - irq_ready_ns : 0;
		if (path <= TIMER_SLACK_CAP_NS) {
			u64 slack = recent_max_add(&path_max, path);
			if (slack != timer_latency.slack_ns) {
				timer_latency.slack_ns = slack;
				if (slack > timer_latency.slack_max_ns)
					timer_latency.slack_max_ns = slack;
				qvs_set_slack(s, slack);
			}
		}
		decision_due = false;
	}
	/* The decision's cost up to here: a chunk needs more budget than that
	 * (plus the slack) to start, or its timer is armed too late. */
	if (at - now_ns <= TIMER_DISPATCH_CAP_NS) {
		u64 d = recent_max_add(&dispatch_max, at - now_ns);
		if (d != timer_latency.dispatch_ns) {
			timer_latency.dispatch_ns = d;
			if (d > timer_latency.dispatch_max_ns)
				timer_latency.dispatch_max_ns = d;
			qvs_set_dispatch(s, d);
		}
	}
	/* The scheduler asks for a chunk's end `slack` before its budget runs
	 * out (kernel/sched/sched.c, next_event). */
	bool budget = s->cur_fg && deadline_ns != QVS_NEVER &&
		      deadline_ns == s->chunk_start + s->chunk_budget -
					 (s->chunk_budget > s->slack ? s->slack : s->chunk_budget);
	armed_budget = budget && deadline_ns > at;
	timer_latency.budget_past += budget && deadline_ns <= at;
	armed_ns = deadline_ns;
	if (deadline_ns == QVS_NEVER) {
		apic_write(APIC_INIT_COUNT, 0);
		return;
	}
	early_used = timer_latency.early_ns;
	fire_ns = deadline_ns > early_used ? deadline_ns - early_used : 0;
	u64 delta = fire_ns > at ? fire_ns - at : 0;
	/* Rounded up, plus one count for the clock read above. */
	u64 count = (u64)(((unsigned __int128)delta * count_per_ns_32 + 0xFFFFFFFFu) >> 32) + 1;
	if (count > MAX_COUNT)
		count = MAX_COUNT;
	apic_write(APIC_INIT_COUNT, (u32)count);
}

/* Called by the timer interrupt handler first thing. Learns the delivery
 * latency and waits for the event itself if the interrupt came within the
 * early margin before it (not if it is a step towards a far deadline or a
 * stale interrupt: the scheduler then just re-arms). */
u64 timer_deadline(void)
{
	u64 now = clock_ns();

	if (armed_ns == QVS_NEVER)
		return armed_ns;
	if (now >= fire_ns) {
		u64 entry = now - fire_ns;
		late_count(&timer_latency.entry, entry);
		if (armed_budget && entry <= TIMER_SLACK_CAP_NS) {
			u64 e = recent_max_add(&early_max, entry);
			timer_latency.early_ns = e;
			if (e > timer_latency.early_max_ns)
				timer_latency.early_max_ns = e;
		}
	}
	if (now < armed_ns && armed_ns - now <= early_used + TIMER_SPIN_MARGIN_NS) {
		u64 t = now;
		while (t < armed_ns) {
			__asm__ volatile("pause");
			t = clock_ns();
		}
		timer_latency.waits++;
		timer_latency.wait_ns += t - now;
	}
	irq_ready_ns = clock_ns();
	decision_due = true;
	return armed_ns;
}

void timer_eoi(void)
{
	apic_write(APIC_EOI, 0);
}
