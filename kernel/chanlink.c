/* Attaching the channels the monitor mapped. The list is copied out of the
 * page it arrives in, like the boot info, and checked before it is trusted;
 * the ring code then distrusts whatever the peer writes. */
#include "kernel.h"
#include "thread.h"
#include "chanlink.h"
#include "irq.h"

#define X2APIC_EOI      0x80Bu
#define CREATE_RETRY_NS 1000000u   /* between two requests while the peer has not asked */
#define FOREVER_NS      (1ull << 50) /* 13 days: longer is for ever */
#define BELL_SLEEP_NS   10000000u  /* longest sleep between two polls with the doorbell */

static struct qv_chaninfo info;
static struct kchan ends[QV_CHANINFO_MAX];
static volatile u64 doorbell_irqs;

void doorbell_isr(void);          /* doorbell.S */
void doorbell_interrupt(void);

/* From doorbell.S: count, then EOI (the x2APIC EOI register is one of the
 * few the monitor lets the guest write). */
void doorbell_interrupt(void)
{
	doorbell_irqs = doorbell_irqs + 1;
	/* EOI before a wake may switch threads: the vector stays in service
	 * until then, and it would hold off the timer's lower one. */
	__asm__ volatile("wrmsr" : : "c"(X2APIC_EOI), "a"(0), "d"(0));
	for (u32 i = 0; i < info.n_channels; i++) {
		struct kthread *t = ends[i].sleeper;
		if (t) {
			ends[i].sleeper = NULL;
			kthread_wake(t);
		}
	}
}

u64 chanlink_doorbell_irqs(void)
{
	return doorbell_irqs;
}

static u64 tsc_now(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

static void cpu_relax(void *ctx)
{
	(void)ctx;
	__asm__ volatile("pause");
}

const struct qv_chan_wait chanlink_wait = { tsc_now, cpu_relax, NULL, NULL, false };

/* Consumer with the doorbell: sleep until a doorbell, unless one came
 * since the last wake (it may be the ring for the message the ring code is
 * about to find: then there is nothing to sleep for). In a thread, the
 * thread blocks (other threads run) and the doorbell's handler wakes it; a
 * wake between the check and the block is kept by the scheduler, so none
 * is lost. The block ends after BELL_SLEEP_NS in any case, so a receive's
 * timeout is kept to within that. Outside threads (boot), the core halts:
 * STI;HLT leaves no gap for the interrupt to slip in before the halt. */
static void bell_sleep(void *ctx)
{
	struct kchan *k = ctx;
	u64 f = irq_off();

	if (!(f & RFLAGS_IF) || doorbell_irqs != k->bell_seen) {
		k->bell_seen = doorbell_irqs;
		irq_restore(f);
		__asm__ volatile("pause");
		return;
	}
	k->sleeps++;
	if (kthread_running()) {
		k->sleeper = kthread_self();
		irq_restore(f);
		kthread_block_until(clock_ns() + BELL_SLEEP_NS);
		f = irq_off();
		k->sleeper = NULL;
	} else {
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
	if (doorbell_irqs != k->bell_seen)
		k->wakes++;
	k->bell_seen = doorbell_irqs;
	irq_restore(f);
}

s64 chanlink_ring(struct kchan *k)
{
	s64 r = hypercall(QV_HC_DOORBELL, k->info.index, 0, 0);

	k->rings++;
	if (r < 0) {
		k->rings_refused++;
		k->ring_error = r;
	}
	return r;
}

static void bell_ring(void *ctx)
{
	chanlink_ring(ctx);
}

static void bell_setup(struct kchan *k)
{
	bool producer = k->info.role == QV_CHAN_ROLE_PRODUCER;

	k->bell = (struct qv_chan_wait){ tsc_now, producer ? cpu_relax : bell_sleep, k,
					 producer ? bell_ring : NULL, !producer };
	k->bell_seen = doorbell_irqs;
}

const struct qv_chan_wait *chanlink_bell_wait(struct kchan *k)
{
	return &k->bell;
}

static bool info_valid(const struct qv_chaninfo *ci)
{
	return ci->magic == QV_CHANINFO_MAGIC && ci->version == QV_CHANINFO_VERSION &&
	       ci->size >= sizeof(*ci) && ci->n_channels <= QV_CHANINFO_MAX;
}

static void attach(struct kchan *k)
{
	const struct qv_chaninfo_entry *e = &k->info;
	void *prod = (void *)(uintptr_t)e->prod_gpa;
	void *cons = (void *)(uintptr_t)e->cons_gpa;

	if (e->role == QV_CHAN_ROLE_PRODUCER)
		k->attach = qv_chan_tx_attach(&k->tx, prod, cons, e->slot_size, e->slot_count);
	else
		k->attach = qv_chan_rx_attach(&k->rx, prod, cons, e->slot_size, e->slot_count);
	bell_setup(k);
}

void chanlink_init(void)
{
	const struct qv_chaninfo *ci = (const void *)(uintptr_t)QV_CHANINFO_GPA;

	if (!kernel_isolated())
		return;
	/* Before interrupts are on: a doorbell rung for this sandbox's previous
	 * life may still be pending in the local APIC. */
	idt_set_gate(QV_DOORBELL_VECTOR, doorbell_isr);
	if (!info_valid(ci))
		return;
	info = *ci;
	for (u32 i = 0; i < info.n_channels; i++) {
		struct kchan *k = &ends[i];
		k->info = info.ch[i];
		attach(k);
	}
}

void chanlink_report(void)
{
	for (u32 i = 0; i < info.n_channels; i++) {
		struct kchan *k = &ends[i];
		char name[QV_NAME_LEN + 1] = { 0 };
		memcpy(name, k->info.name, QV_NAME_LEN);
		kprintf("channel %s: %s sb%u, %u B x %u, prod 0x%lx cons 0x%lx, %s", name,
			k->info.role == QV_CHAN_ROLE_PRODUCER ? "to" : "from", k->info.peer, k->info.slot_size, k->info.slot_count, k->info.prod_gpa,
			k->info.cons_gpa, qv_chan_status_name(k->attach));
	}
}

u32 chanlink_count(void)
{
	return info.n_channels;
}

struct kchan *chanlink_at(u32 i)
{
	return i < info.n_channels ? &ends[i] : NULL;
}

struct kchan *chanlink_find(u32 index)
{
	for (u32 i = 0; i < info.n_channels; i++)
		if (ends[i].info.index == index)
			return &ends[i];
	return NULL;
}

const struct qv_chaninfo *chanlink_info(void)
{
	return &info;
}

struct kchan *chanlink_by_name(const char *name)
{
	size_t len = strnlen(name, QV_NAME_LEN + 1);

	if (len > QV_NAME_LEN)
		return NULL;
	for (u32 i = 0; i < chanlink_count(); i++)
		if (!memcmp(ends[i].info.name, name, len) &&
		    (len == QV_NAME_LEN || !ends[i].info.name[len]))
			return &ends[i];
	return NULL;
}

static bool entry_is(const struct qv_chaninfo_entry *e, const struct qv_chan_request *q,
		     const struct qv_chan_layout *lay)
{
	u64 pages = lay->producer_pages;

	return !memcmp(e->name, q->name, QV_NAME_LEN) && e->role == q->role &&
	       e->peer == q->peer && e->slot_size == q->slot_size &&
	       e->slot_count == q->slot_count && e->producer_pages == pages &&
	       e->index >= QV_CHANINFO_RT_INDEX && !(e->prod_gpa & (QV_CHAN_PAGE - 1)) &&
	       e->prod_gpa >= (u64)kboot.mem_mib << 20 &&
	       e->cons_gpa == e->prod_gpa + pages * QV_CHAN_PAGE &&
	       e->cons_gpa + QV_CHAN_PAGE <= (4ull << 30);
}

/* The monitor answered with the list position of the new end: the entry is
 * checked against what was asked before it is attached. */
static struct kchan *adopt(s64 pos, const struct qv_chan_request *q,
			   const struct qv_chan_layout *lay, int *err)
{
	const struct qv_chaninfo *ci = (const void *)(uintptr_t)QV_CHANINFO_GPA;

	if (!info_valid(ci) || (u64)pos >= ci->n_channels || !entry_is(&ci->ch[pos], q, lay)) {
		*err = QV_HC_EINVAL;
		return NULL;
	}
	struct qv_chaninfo_entry e = ci->ch[pos];
	u64 f = irq_off();
	struct kchan *k = chanlink_by_name(q->name);
	if (!k && info.n_channels < QV_CHANINFO_MAX) {
		u32 n = info.n_channels;
		k = &ends[n];
		memset(k, 0, sizeof(*k));
		k->info = e;
		info.ch[n] = e;
		attach(k);
		info.generation = ci->generation;
		__atomic_store_n(&info.n_channels, n + 1, __ATOMIC_RELEASE);
	}
	irq_restore(f);
	if (!k)
		*err = QV_HC_ENOMEM;
	return k;
}

static void wait_retry(void)
{
	if (kthread_self()) {
		kthread_sleep_until(clock_ns() + CREATE_RETRY_NS);
		return;
	}
	u64 until = rdtsc() + kboot.tsc_khz * CREATE_RETRY_NS / 1000000u;
	while (rdtsc() < until)
		__asm__ volatile("pause");
}

struct kchan *chanlink_create(const char *name, u32 peer, u32 slot_size, u32 slot_count,
			      bool producer, u64 timeout_ns, int *err)
{
	struct qv_chan_request q;
	struct qv_chan_layout lay;
	size_t len = name ? strnlen(name, QV_NAME_LEN + 1) : 0;
	int dummy;

	if (!err)
		err = &dummy;
	*err = 0;
	if (!len || len > QV_NAME_LEN || qv_chan_layout(slot_size, slot_count, &lay) != QV_CHAN_OK) {
		*err = QV_HC_EINVAL;
		return NULL;
	}
	memset(&q, 0, sizeof(q));
	memcpy(q.name, name, len);
	q.peer = peer;
	q.slot_size = slot_size;
	q.slot_count = slot_count;
	q.role = producer ? QV_CHAN_ROLE_PRODUCER : QV_CHAN_ROLE_CONSUMER;
	struct kchan *k = chanlink_by_name(name);
	if (k) {
		/* Ours already (a second call, or listed again after a restart). */
		bool same = k->info.role == q.role && k->info.peer == peer &&
			    k->info.slot_size == slot_size && k->info.slot_count == slot_count;
		*err = same && k->attach == QV_CHAN_OK ? 0 : QV_HC_EINVAL;
		return *err ? NULL : k;
	}
	if (!kernel_isolated()) {
		*err = QV_HC_ENOSYS;
		return NULL;
	}
	bool forever = timeout_ns >= FOREVER_NS;
	u64 start = rdtsc(), ticks = timeout_ns / 1000u * kboot.tsc_khz / 1000u;
	for (;;) {
		s64 r = hypercall(QV_HC_CHAN_CREATE, (u64)(uintptr_t)&q, sizeof(q), 0);
		if (r >= 0)
			return adopt(r, &q, &lay, err);
		if (r != QV_HC_EBUSY) {
			*err = (int)r;
			return NULL;
		}
		if (!forever && rdtsc() - start >= ticks) {
			hypercall(QV_HC_CHAN_CREATE, (u64)(uintptr_t)&q, sizeof(q), 1);
			*err = QV_HC_EBUSY;
			return NULL;
		}
		wait_retry();
	}
}
