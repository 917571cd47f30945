/* Kernel threads on VCPUs: the scheduling core (kernel/sched) decides, this
 * file carries the decision out. Every scheduling event (timer interrupt,
 * a thread sleeping, waiting for its period, yielding or ending) runs with
 * interrupts off and ends in reschedule(): bring the scheduler to the
 * current time, arm the one-shot timer at its next event, switch to the
 * chosen thread. With nothing to run, the boot thread idles in HLT. */
#include "kernel.h"
#include "mem.h"
#include "thread.h"
#include "irq.h"

struct kvcpu {
	struct qvs_vcpu v;
	struct qvs_refill rq[KVCPU_REFILLS];
	bool used;
};

void ctx_switch(u64 *save_rsp, u64 load_rsp, void *save_fx, void *load_fx);
void kthread_trampoline(void);

struct sched_costs sched_costs;
static struct qvs_sched sched;
static struct kvcpu vcpus[KVCPU_MAX];
static struct kthread threads[KTHREAD_MAX];
/* A thread that ended: its stack is freed by the next thread to run (it
 * cannot free the stack it is running on). */
static struct kthread *zombie;
static struct kthread idle = { .name = "idle" };
static struct kthread *cur = &idle;
static bool cur_fg;
static u8 fx_initial[512] __attribute__((aligned(16)));
static u64 switch_start;

/* The x87/SSE state every thread starts with: default control words, no
 * exceptions unmasked. CR0.EM off and CR4.OSFXSR on let SSE run at all. */
static void fpu_init(void)
{
	u64 cr0, cr4;
	u32 mxcsr = 0x1F80;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1ull << 2)) | 1ull << 1;           /* EM off, MP on */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 1ull << 9 | 1ull << 10;                     /* OSFXSR, OSXMMEXCPT */
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	__asm__ volatile("fninit; ldmxcsr %1; fxsave64 %0" : "=m"(fx_initial) : "m"(mxcsr));
	memcpy(idle.fx, fx_initial, sizeof(idle.fx));
}

void sched_init(void)
{
	fpu_init();
	qvs_init(&sched, clock_ns());
}

struct qvs_sched *ksched(void)
{
	return &sched;
}

static void format_refused(enum qvs_status st, const struct qvs_admit_error *err, u64 c, u64 t,
			   char *why, size_t cap)
{
	if (st == QVS_E_ADMISSION)
		qvs_admit_format(err, why, cap);
	else
		fmt_buf(why, cap, "VCPU %lu ns/%lu ns refused: bad parameters", c, t);
}

struct qvs_vcpu *kvcpu_add(u64 budget_ns, u64 period_ns)
{
	char why[128];
	struct qvs_vcpu *v = kvcpu_add_why(budget_ns, period_ns, why, sizeof(why));

	if (!v)
		kprintf("%s", why);
	return v;
}

struct qvs_vcpu *kvcpu_add_why(u64 budget_ns, u64 period_ns, char *why, size_t cap)
{
	struct qvs_admit_error err;
	u64 f = irq_off();
	u32 id = 0;

	while (id < KVCPU_MAX && vcpus[id].used)
		id++;
	if (id == KVCPU_MAX) {
		irq_restore(f);
		fmt_buf(why, cap, "VCPU refused: this kernel has room for %u", KVCPU_MAX);
		return NULL;
	}
	struct kvcpu *k = &vcpus[id];
	memset(k, 0, sizeof(*k));
	/* The slot number is the VCPU's id: unique among the live ones. */
	enum qvs_status st = qvs_vcpu_add_main(&sched, &k->v, id, budget_ns, period_ns, k->rq,
					       KVCPU_REFILLS, clock_ns(), &err);
	if (st == QVS_OK)
		k->used = true;
	irq_restore(f);
	if (st != QVS_OK) {
		format_refused(st, &err, budget_ns, period_ns, why, cap);
		return NULL;
	}
	return &k->v;
}

/* Interrupts off. */
static bool vcpu_remove_locked(struct qvs_vcpu *v)
{
	struct kvcpu *k = (struct kvcpu *)(void *)v;

	if (k < vcpus || k >= vcpus + KVCPU_MAX || !k->used)
		return false;
	if (qvs_vcpu_remove(&sched, v, clock_ns()) != QVS_OK)
		return false;
	k->used = false;
	return true;
}

bool kvcpu_remove(struct qvs_vcpu *v)
{
	u64 f = irq_off();
	bool ok = vcpu_remove_locked(v);

	irq_restore(f);
	return ok;
}

u32 kvcpu_count(void)
{
	u32 n = 0;

	for (u32 i = 0; i < KVCPU_MAX; i++)
		n += vcpus[i].used;
	return n;
}

struct qvs_vcpu *kvcpu_at(u32 i)
{
	return i < KVCPU_MAX && vcpus[i].used ? &vcpus[i].v : NULL;
}

enum qvs_status kvcpu_set(struct qvs_vcpu *v, u64 budget_ns, u64 period_ns)
{
	struct qvs_admit_error err;
	u64 f = irq_off();
	enum qvs_status st = qvs_vcpu_set_main(&sched, v, budget_ns, period_ns, clock_ns(), &err);

	irq_restore(f);
	if (st != QVS_OK) {
		char why[128];

		format_refused(st, &err, budget_ns, period_ns, why, sizeof(why));
		kprintf("%s", why);
	}
	return st;
}

/* The first switch to a thread pops six zeroed callee-saved registers and
 * returns into kthread_trampoline with a 16-byte aligned stack. */
struct kthread *kthread_spawn(struct qvs_vcpu *v, const char *name, void (*fn)(void *),
			      void *arg)
{
	return kthread_spawn_stack(v, name, fn, arg, KTHREAD_STACK, false);
}

/* Interrupts off: frees what the thread that ended last left behind. */
static void reap(void)
{
	struct kthread *z = zombie;

	if (!z || z == cur)
		return;
	zombie = NULL;
	kmem_free(z->stack);
	z->stack = NULL;
	z->used = false;
}

struct kthread *kthread_spawn_stack(struct qvs_vcpu *v, const char *name, void (*fn)(void *),
				    void *arg, size_t stack_bytes, bool owns_vcpu)
{
	u64 f = irq_off();
	struct kthread *t = NULL;

	reap();
	for (u32 i = 0; i < KTHREAD_MAX && !t; i++)
		if (!threads[i].used)
			t = &threads[i];
	if (t)
		t->used = true;
	irq_restore(f);
	if (!t) {
		kprintf("thread %s refused: this kernel has room for %u", name, KTHREAD_MAX);
		return NULL;
	}
	stack_bytes = (stack_bytes + 4095) & ~(size_t)4095;
	u8 *stack = kmem_alloc(stack_bytes, 4096);
	if (!stack) {
		t->used = false;
		kprintf("thread %s refused: no memory for a %lu KiB stack", name,
			(u64)stack_bytes / 1024);
		return NULL;
	}
	u64 *top = (u64 *)(void *)(stack + stack_bytes);

	memset(t, 0, sizeof(*t));
	t->used = true;
	t->stack = stack;
	t->stack_size = stack_bytes;
	t->owns_vcpu = owns_vcpu;
	t->fn = fn;
	t->arg = arg;
	t->name = name;
	memcpy(t->fx, fx_initial, sizeof(t->fx));
	top[-1] = 0;
	top[-2] = (u64)(uintptr_t)kthread_trampoline;
	memset(top - 8, 0, 6 * sizeof(u64));
	t->rsp = (u64)(uintptr_t)(top - 8);
	f = irq_off();
	enum qvs_status st = qvs_thread_add(&sched, &t->qt, v, clock_ns());
	if (st != QVS_OK) {
		t->used = false;
		irq_restore(f);
		kmem_free(stack);
		kprintf("thread %s refused: its VCPU is not usable", name);
		return NULL;
	}
	irq_restore(f);
	return t;
}

/* Interrupts off. True when another thread ran in between. */
static bool reschedule(void)
{
	u64 t0 = rdtsc();
	u64 now = clock_ns();
	struct qvs_decision d = qvs_schedule(&sched, now);
	struct kthread *next = d.thread ? (struct kthread *)(void *)d.thread : &idle;

	timer_arm(d.next_event, now);
	cur_fg = d.foreground;
	u64 t1 = rdtsc();
	sched_costs.decisions++;
	sched_costs.decision_ticks += t1 - t0;
	if (t1 - t0 > sched_costs.decision_max)
		sched_costs.decision_max = t1 - t0;
	if (next == cur)
		return false;
	struct kthread *prev = cur;
	cur = next;
	switch_start = rdtsc();
	ctx_switch(&prev->rsp, next->rsp, prev->fx, next->fx);
	/* Back on prev's stack: somebody switched to us. */
	reap();
	u64 ticks = rdtsc() - switch_start;
	sched_costs.switches++;
	sched_costs.switch_ticks += ticks;
	if (ticks > sched_costs.switch_max)
		sched_costs.switch_max = ticks;
	return true;
}

void kthread_main(void)
{
	/* A fresh thread's first switch skipped the measurement at the end of
	 * reschedule(). */
	u64 ticks = rdtsc() - switch_start;

	sched_costs.switches++;
	sched_costs.switch_ticks += ticks;
	if (ticks > sched_costs.switch_max)
		sched_costs.switch_max = ticks;
	reap();
	__asm__ volatile("sti" : : : "memory");
	cur->fn(cur->arg);
	kthread_exit();
}

void timer_interrupt(void)
{
	u64 t0 = rdtsc();
	u64 now = clock_ns();
	u64 due = timer_deadline();
	timer_eoi();
	timer_stats.irqs++;
	timer_stats.early += now < due;
	if (due != QVS_NEVER && now > due) {
		timer_stats.late_sum_ns += now - due;
		timer_stats.late_over_100us += now - due > 100000;
		timer_stats.late_under_10us += now - due < 10000;
		timer_stats.late_under_50us += now - due < 50000;
		if (now - due > timer_stats.late_max_ns)
			timer_stats.late_max_ns = now - due;
	}
	if (!reschedule()) {
		sched_costs.quiet_irqs++;
		sched_costs.quiet_irq_ticks += rdtsc() - t0;
	}
}

void sched_run(void)
{
	for (;;) {
		__asm__ volatile("cli" : : : "memory");
		reschedule();
		__asm__ volatile("sti; hlt" : : : "memory");
	}
}

struct kthread *kthread_self(void)
{
	return cur;
}

bool kthread_running(void)
{
	return cur != &idle;
}

bool kthread_foreground(void)
{
	return cur_fg;
}

void kthread_sleep_until(u64 ns)
{
	u64 f = irq_off();

	qvs_thread_sleep_until(&sched, &cur->qt, ns, clock_ns());
	reschedule();
	irq_restore(f);
}

void kthread_wait_period(void)
{
	u64 f = irq_off();

	qvs_thread_wait_period(&sched, &cur->qt, clock_ns());
	reschedule();
	irq_restore(f);
}

void kthread_yield(void)
{
	u64 f = irq_off();

	qvs_thread_yield(&sched, &cur->qt, clock_ns());
	reschedule();
	irq_restore(f);
}

void kthread_block_until(u64 ns)
{
	u64 f = irq_off();

	if (cur->wake_pending)
		cur->wake_pending = false;
	else if (ns == QVS_NEVER)
		qvs_thread_block(&sched, &cur->qt, clock_ns());
	else
		qvs_thread_sleep_until(&sched, &cur->qt, ns, clock_ns());
	reschedule();
	irq_restore(f);
}

/* A sleeper is woken by moving its expiry to now: the scheduler releases
 * expired sleepers at its next decision, which this call makes. A wake
 * that comes before the block is remembered, so none is lost. Callable
 * from interrupt handlers (interrupts are off there already). */
void kthread_wake(struct kthread *t)
{
	u64 f = irq_off();

	if (t->qt.state == QVS_SLEEPING) {
		t->qt.wake_at = 0;
		reschedule();
	} else if (t->qt.state == QVS_BLOCKED) {
		qvs_thread_wake(&sched, &t->qt, clock_ns());
		reschedule();
	} else if (t->qt.state != QVS_DETACHED) {
		t->wake_pending = true;
	}
	irq_restore(f);
}

void kthread_exit(void)
{
	irq_off();
	qvs_thread_exit(&sched, &cur->qt, clock_ns());
	if (cur->owns_vcpu)
		vcpu_remove_locked(cur->qt.vcpu);
	if (cur != &idle)
		zombie = cur;
	reschedule();
	for (;;)
		__asm__ volatile("cli; hlt"); /* never chosen again */
}
