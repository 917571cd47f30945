/* Channels in the monitor. The sizes come from qv_chan_layout, the same
 * function both ends use (kernel/chan/chan.c is linked in), so the pages the
 * monitor maps are exactly the pages the ring code touches. Every monitor
 * computes the same placement from the same manifest; only the boot
 * processor places and zeroes the memory, before any sandbox runs. */
#include "chan.h"
#include "manifest.h"
#include "vmx.h"
#include "questv/chaninfo.h"
#include "../kernel/chan/chan.h"
#include "../kernel/lib/uart.h"

struct mon_chan {
	u64 host;                  /* producer region; the consumer page follows */
	struct qv_chan_layout lay;
};

static struct mon_chan chans[QV_MAX_CHANNELS];
volatile u32 *chan_uart_lock;

_Static_assert(sizeof(struct qv_chaninfo) <= PAGE_SIZE, "the channel list is one page");
static u64 uart_lock_host;

static u64 chan_gpa(const struct sandbox *sb, u32 i);

#define MSR_EPT_VPID_CAP 0x48Cu

/* The sandbox that owns the UART at COM1, the monitors' serial line. */
static bool owns_com1(const struct sandbox *sb)
{
	const struct qv_manifest_header *h = mon.manifest;

	for (u32 d = 0; d < h->n_devices; d++) {
		const struct qv_manifest_device *dev = manifest_device(h, d);
		if (dev->owner == sb->cfg.id && dev->kind == QV_DEV_UART16550 &&
		    dev->io_base == UART_COM1 && dev->io_len)
			return true;
	}
	return false;
}

/* Just above the sandbox's last channel. */
static u64 uart_lock_gpa(const struct sandbox *sb)
{
	return chan_gpa(sb, mon.manifest->n_channels);
}

static const struct qv_manifest_channel *mchan(u32 i)
{
	return manifest_channel(mon.manifest, i);
}

static bool is_end(const struct qv_manifest_channel *c, u32 sb)
{
	return c->producer == sb || c->consumer == sb;
}

const char *__init chan_plan(u64 *bytes)
{
	const struct qv_manifest_header *h = mon.manifest;
	u32 per_sandbox[QV_MAX_SANDBOXES] = { 0 };
	u64 total = 0;

	if (h->n_channels > QV_MAX_CHANNELS)
		return "more channels than the monitor supports";
	for (u32 i = 0; i < h->n_channels; i++) {
		const struct qv_manifest_channel *c = mchan(i);
		if (c->producer >= mon.n_sandboxes || c->consumer >= mon.n_sandboxes ||
		    c->producer == c->consumer)
			return "a channel needs two different existing sandboxes";
		if (qv_chan_layout(c->slot_size, c->slot_count, &chans[i].lay) != QV_CHAN_OK)
			return "a channel's slot size or slot count is out of range";
		if (++per_sandbox[c->producer] > QV_CHANINFO_MAX ||
		    ++per_sandbox[c->consumer] > QV_CHANINFO_MAX)
			return "a sandbox is an end of more channels than the boot info lists";
		chans[i].host = total;
		total += (u64)chans[i].lay.total_pages * PAGE_SIZE;
	}
	*bytes = total + chan_rt_pool_bytes();
	return NULL;
}

void __init chan_place(u64 base)
{
	u64 end = base;

	for (u32 i = 0; i < mon.manifest->n_channels; i++) {
		chans[i].host += base;
		end = chans[i].host + (u64)chans[i].lay.total_pages * PAGE_SIZE;
		memset((void *)(uintptr_t)chans[i].host, 0,
		       (u64)chans[i].lay.total_pages * PAGE_SIZE);
	}
	chan_rt_pool_place(end); /* zeroed page by page as it is handed out */
}

u64 chan_rt_window_gpa(const struct sandbox *sb)
{
	return ALIGN_UP(uart_lock_gpa(sb) + PAGE_SIZE, 2ull << 20);
}

bool chan_declared(const char *name)
{
	for (u32 i = 0; i < mon.manifest->n_channels; i++)
		if (memcmp(mchan(i)->name, name, QV_NAME_LEN) == 0)
			return true;
	return false;
}

static u64 window_gpa(const struct sandbox *sb)
{
	return (u64)sb->cfg.mem_mib << 20;
}

/* Guest-physical address of channel i in sb's window, which holds sb's
 * channels in manifest order. */
static u64 chan_gpa(const struct sandbox *sb, u32 i)
{
	u64 gpa = window_gpa(sb);

	for (u32 j = 0; j < i; j++)
		if (is_end(mchan(j), sb->cfg.id))
			gpa += (u64)chans[j].lay.total_pages * PAGE_SIZE;
	return gpa;
}

static int map_pages(struct sandbox *sb, u64 gpa, u64 host, u32 n, bool writable,
		     struct ept_alloc *a)
{
	u64 flags = EPT_R | EPT_WB | (writable ? EPT_W : 0);

	for (u32 p = 0; p < n; p++)
		if (ept_map_page(sb->ept_root, gpa + p * PAGE_SIZE, host + p * PAGE_SIZE, flags, a))
			return -1;
	return 0;
}

static const char *__init map_uart_lock(struct sandbox *sb, struct ept_alloc *a)
{
	void *page = mem_alloc_pages(1);

	if (!page)
		return "monitor pool exhausted";
	uart_lock_host = (u64)(uintptr_t)page;
	if (map_pages(sb, uart_lock_gpa(sb), uart_lock_host, 1, true, a))
		return "monitor pool exhausted mapping the UART lock";
	__atomic_store_n(&chan_uart_lock, (volatile u32 *)page, __ATOMIC_RELEASE);
	return NULL;
}

const char *__init chan_map(struct sandbox *sb, struct ept_alloc *a)
{
	if (owns_com1(sb)) {
		const char *why = map_uart_lock(sb, a);
		if (why)
			return why;
	}
	for (u32 i = 0; i < mon.manifest->n_channels; i++) {
		const struct qv_manifest_channel *c = mchan(i);
		if (!is_end(c, sb->cfg.id))
			continue;
		bool producer = c->producer == sb->cfg.id;
		const struct mon_chan *m = &chans[i];
		u64 gpa = chan_gpa(sb, i);
		u64 cons_off = (u64)m->lay.producer_pages * PAGE_SIZE;
		if (map_pages(sb, gpa, m->host, m->lay.producer_pages, producer, a) ||
		    map_pages(sb, gpa + cons_off, m->host + cons_off, 1, !producer, a))
			return "monitor pool exhausted mapping channels";
	}
	return NULL;
}

static void fill_entry(const struct sandbox *sb, u32 i, struct qv_chaninfo_entry *e)
{
	const struct qv_manifest_channel *c = mchan(i);
	bool producer = c->producer == sb->cfg.id;

	memcpy(e->name, c->name, QV_NAME_LEN);
	e->index = i;
	e->role = producer ? QV_CHAN_ROLE_PRODUCER : QV_CHAN_ROLE_CONSUMER;
	e->peer = producer ? c->consumer : c->producer;
	e->slot_size = c->slot_size;
	e->slot_count = c->slot_count;
	e->producer_pages = chans[i].lay.producer_pages;
	e->prod_gpa = chan_gpa(sb, i);
	e->cons_gpa = e->prod_gpa + (u64)chans[i].lay.producer_pages * PAGE_SIZE;
}

void chan_fill_info(const struct sandbox *sb)
{
	struct qv_chaninfo *ci = (void *)(uintptr_t)(sb->region.base + QV_CHANINFO_GPA);
	const struct qv_manifest_header *h = mon.manifest;

	memset(ci, 0, sizeof(*ci));
	ci->magic = QV_CHANINFO_MAGIC;
	ci->version = QV_CHANINFO_VERSION;
	ci->size = sizeof(*ci);
	ci->window_gpa = window_gpa(sb);
	if (uart_lock_host && owns_com1(sb)) {
		ci->uart_lock_gpa = uart_lock_gpa(sb);
		/* Only the UART owner's kernel takes the lock as GUEST. One that
		 * faulted holding it would leave it taken for ever: its next life
		 * would wait on it, and every console with it. The monitors'
		 * own hold (MONITOR) is not touched. */
		u32 held = QV_UART_LOCK_GUEST;
		__atomic_compare_exchange_n(chan_uart_lock, &held, 0, false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED);
	}
	chan_list_clear(sb);
	for (u32 i = 0; i < h->n_channels; i++) {
		if (!is_end(mchan(i), sb->cfg.id) || ci->n_channels >= QV_CHANINFO_MAX)
			continue;
		struct qv_chaninfo_entry *e = &ci->ch[ci->n_channels++];
		fill_entry(sb, i, e);
		chan_list_append(sb, i);
		ci->window_size = e->cons_gpa + PAGE_SIZE - ci->window_gpa;
	}
	chan_rt_fill_info(sb, ci);
	if (!(h->flags & QV_MANIFEST_F_TEST_BUILD))
		return;
	for (u32 i = 0; i < h->n_channels; i++) {
		ci->test_host_prod[i] = chans[i].host;
		ci->test_host_cons[i] = chans[i].host + (u64)chans[i].lay.producer_pages * PAGE_SIZE;
	}
}

void __init chan_report(void)
{
	for (u32 i = 0; i < mon.manifest->n_channels; i++) {
		const struct qv_manifest_channel *c = mchan(i);
		const struct mon_chan *m = &chans[i];
		char name[QV_NAME_LEN + 1] = { 0 };
		memcpy(name, c->name, QV_NAME_LEN);
		mon_printf("channel %u '%s': sb%u -> sb%u, %u B x %u slots, %u+1 pages, "
			   "host 0x%lx-0x%lx", i, name, c->producer, c->consumer, c->slot_size,
			   c->slot_count, m->lay.producer_pages, m->host,
			   (u64)(m->host + m->lay.total_pages * PAGE_SIZE));
	}
	mon_printf("run-time channel pool: %u pages, host 0x%lx-0x%lx", QV_CHAN_RT_POOL_PAGES,
		   mon.channels.base + mon.channels.size - chan_rt_pool_bytes(),
		   mon.channels.base + mon.channels.size);
}

#ifndef QUESTV_HOST_UNIT /* the host tests (tests/kernel/chan_mon_harness.c) stand in */
void chan_hw_invept(const struct sandbox *sb)
{
	struct {
		u64 eptp, zero;
	} desc = { ept_pointer(sb->ept_root), 0 };
	/* single-context (type 1) when the CPU has it, else all-context (2) */
	u64 type = rdmsr(MSR_EPT_VPID_CAP) >> 25 & 1 ? 1 : 2;

	__asm__ volatile("invept %0, %1" : : "m"(desc), "r"(type) : "memory", "cc");
}

bool chan_hw_doorbell(u32 core)
{
	return lapic_send_vector(core, QV_DOORBELL_VECTOR);
}
#endif
