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
static u64 irq_entry_ns;       /* when it entered the handler */
static u32 irq_vcpu;           /* the VCPU it interrupted */
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

static u32 late_bucket(u64 late)
{
	u32 b = 0;

	while (b < TIMER_LATE_BUCKETS - 1 && late >= (u64)timer_late_bounds_us[b] * 1000u)
		b++;
	return b;
}

/* `b` is late_bucket(late): a decision counted twice (every event, budget
 * ends) finds its bucket once, inside the decision's cost. */
static void late_count_in(struct timer_late_hist *h, u32 b, u64 late)
{
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
 * hundreds of cycles, under Bochs hundreds of microseconds), and the count
 * is written right after that read. Whatever runs between the two delays
 * every interrupt by its cost, a delay the early margin then has to learn
 * as delivery latency: with the decision trace and this function's
 * bookkeeping in between (~100 instructions, 25 us under Bochs) the learnt
 * margin reached its 100 us cap and budget ends were decided up to 139 us
 * late. So the trace hook and the bookkeeping (lateness, slack, dispatch)
 * come after the write; what they set applies from the next decision on. */
void timer_arm(u64 deadline_ns, u64 now_ns)
{
	struct qvs_sched *s = ksched();
	u64 at = clock_ns();

	if (at < now_ns)
		at = now_ns;
	/* Whether this event is the chunk's end, asked with the slack in force
	 * at the decision: the one it has until the bookkeeping below. */
	bool budget = deadline_ns != QVS_NEVER && deadline_ns == qvs_chunk_end(s);
	bool due = decision_due;
	u64 was_armed = armed_ns, was_fire = fire_ns;
	bool was_budget = armed_budget;

	armed_budget = budget && deadline_ns > at;
	armed_ns = deadline_ns;
	if (deadline_ns == QVS_NEVER) {
		apic_write(APIC_INIT_COUNT, 0);
	} else {
		early_used = timer_latency.early_ns;
		fire_ns = deadline_ns > early_used ? deadline_ns - early_used : 0;
		u64 delta = fire_ns > at ? fire_ns - at : 0;
		/* Rounded up, plus one count for the clock read above. */
		u64 count =
			(u64)(((unsigned __int128)delta * count_per_ns_32 + 0xFFFFFFFFu) >> 32) + 1;
		if (count > MAX_COUNT)
			count = MAX_COUNT;
		apic_write(APIC_INIT_COUNT, (u32)count);
	}
	/* The state the decision left, before the bookkeeping below changes
	 * the slack and dispatch it was made with. */
	schedtest_decision(s, now_ns);

	timer_latency.budget_past += budget && deadline_ns <= at;
	if (due) {
		/* The interrupt's delivery (set to fire -> handler entry); that of
		 * budget interrupts (they come while a thread runs with interrupts
		 * on) is the early margin. */
		if (irq_entry_ns >= was_fire) {
			u64 entry = irq_entry_ns - was_fire;
			late_count_in(&timer_latency.entry, late_bucket(entry), entry);
			if (was_budget && entry <= TIMER_SLACK_CAP_NS) {
				u64 e = recent_max_add(&early_max, entry);
				timer_latency.early_ns = e;
				if (e > timer_latency.early_max_ns)
					timer_latency.early_max_ns = e;
			}
		}
		if (was_budget && irq_entry_ns > was_armed) {
			timer_latency.budget_irq_late[irq_vcpu < 7u ? irq_vcpu : 7u]++;
			if (irq_entry_ns - was_armed > timer_latency.budget_irq_late_max_ns) {
				timer_latency.budget_irq_late_max_ns = irq_entry_ns - was_armed;
				timer_latency.budget_irq_late_vcpu = irq_vcpu;
			}
		}
		/* How late the decision came after the event, and the slack: from
		 * the event to the decision's clock read when the handler waited
		 * for it (the wait ends at the first clock read at or past the
		 * event: under Bochs up to 10 us past it, half of all budget ends
		 * were decided 20-30 us after theirs against a slack of 19 us,
		 * each a small overrun and a debt), from the handler's entry when
		 * the interrupt came after it (that lateness is the early
		 * margin's to learn). */
		u64 late = now_ns > was_armed ? now_ns - was_armed : 0;
		u64 from = irq_entry_ns > was_armed ? irq_entry_ns : was_armed;
		if (was_budget && late > timer_latency.budget.max_ns) {
			timer_latency.worst_entry_ns = (s64)(irq_entry_ns - was_armed);
			timer_latency.worst_ready_ns = (s64)(irq_ready_ns - was_armed);
			timer_latency.worst_path_ns = now_ns - irq_ready_ns;
			timer_latency.worst_vcpu = irq_vcpu;
		}
		u32 b = late_bucket(late);
		late_count_in(&timer_latency.all, b, late);
		if (was_budget)
			late_count_in(&timer_latency.budget, b, late);
		u64 path = now_ns > from ? now_ns - from : 0;
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
	/* The decision's cost: a chunk needs more budget than that (plus the
	 * slack) to start, or its timer comes before the decision is over,
	 * while interrupts are still off, and is taken only after it. So it is
	 * counted to here, the trace and the bookkeeping after the timer was
	 * set included (then only the switch is left), not only to the clock
	 * read the timer is set from: with that, chunks started just above the
	 * threshold had their budget interrupt held off by the decision's own
	 * tail (the latest budget end of one boot: interrupt 56 us late). */
	u64 done = clock_ns();
	if (done - now_ns <= TIMER_DISPATCH_CAP_NS) {
		u64 d = recent_max_add(&dispatch_max, done - now_ns);
		if (d != timer_latency.dispatch_ns) {
			timer_latency.dispatch_ns = d;
			if (d > timer_latency.dispatch_max_ns)
				timer_latency.dispatch_max_ns = d;
			qvs_set_dispatch(s, d);
		}
	}
}

/* Called by the timer interrupt handler first thing. Waits for the event
 * itself if the interrupt came within the early margin before it (not if
 * it is a step towards a far deadline or a stale interrupt: the scheduler
 * then just re-arms). Only the clock reads and the wait are done here:
 * whatever else ran before the decision's own clock read would make every
 * decision that much later than its event (an interrupt that came after
 * the event is not waited for, so its bookkeeping, ~80 instructions under
 * Bochs, was all path: the latest budget end of one boot was decided 30 us
 * after its interrupt came). timer_arm does the bookkeeping (delivery
 * latency, the early margin learnt from it) once the next timer is set. */
u64 timer_deadline(void)
{
	u64 now = clock_ns(), t = now;
	const struct qvs_vcpu *c;

	if (armed_ns == QVS_NEVER)
		return armed_ns;
	if (now < armed_ns && armed_ns - now <= early_used + TIMER_SPIN_MARGIN_NS) {
		while (t < armed_ns) {
			__asm__ volatile("pause");
			t = clock_ns();
		}
		timer_latency.waits++;
		timer_latency.wait_ns += t - now;
	}
	irq_entry_ns = now;
	irq_ready_ns = t;
	c = ksched()->cur;
	irq_vcpu = c ? c->id : 7u;
	decision_due = true;
	return armed_ns;
}

void timer_eoi(void)
{
	apic_write(APIC_EOI, 0);
}
