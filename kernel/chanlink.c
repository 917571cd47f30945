/* Attaching the channels the monitor mapped. The list is copied out of the
 * page it arrives in, like the boot info, and checked before it is trusted;
 * the ring code then distrusts whatever the peer writes. */
#include "kernel.h"
#include "chanlink.h"

static struct qv_chaninfo info;
static struct kchan ends[QV_CHANINFO_MAX];

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
}

void chanlink_init(void)
{
	const struct qv_chaninfo *ci = (const void *)(uintptr_t)QV_CHANINFO_GPA;

	if (!kernel_isolated() || !info_valid(ci))
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
