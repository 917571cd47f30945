/* Host harness for the monitor's channel code as a whole: monitor/chan.c
 * (placing, mapping, the channel list, the UART lock) with
 * monitor/hc_chan.c (run-time channels) over real EPT tables, built with
 * -DQUESTV_HOST_UNIT (the INVEPT and the doorbell IPI are counted here
 * instead). Loaded by tests/kernel/test_chan_monitor.py through ctypes.
 *
 * The system: three sandboxes; sb0 owns the UART at COM1 (so it gets the
 * UART lock page); one declared channel "decl" sb0 -> sb1, 64 B x 16. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../monitor/mon.h"
#include "../../monitor/chan.h"
#include "../../monitor/manifest.h"
#include "questv/chaninfo.h"
#include "questv/hypercall.h"
#include "chan_harness_mon.h"

#define N_SB         3u
#define REGION_BYTES (64u * 1024u)

struct mon_state mon;

static struct {
	struct qv_manifest_header h;
	struct qv_manifest_device dev[1];
	struct qv_manifest_channel ch[1];
} manifest;

static u32 invepts[N_SB];
static u64 region_base, region_bytes;

void mon_printf(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool lapic_has_x2apic(void)
{
	return true;
}

const struct qv_manifest_device *manifest_device(const struct qv_manifest_header *h, u32 i)
{
	return (const void *)((const u8 *)h + h->device_off + (u64)i * h->device_size);
}

void chan_hw_invept(const struct sandbox *sb)
{
	invepts[sb->cfg.id]++;
}

bool chan_hw_doorbell(u32 core)
{
	(void)core;
	return true;
}

/* ---- the interface the Python test drives ---- */

int m_init(void)
{
	struct ept_alloc a = { harness_table_page, NULL };
	u64 bytes = 0;

	manifest.h.flags = QV_MANIFEST_F_TEST_BUILD;
	manifest.h.n_sandboxes = N_SB;
	manifest.h.n_devices = 1;
	manifest.h.device_size = sizeof(manifest.dev[0]);
	manifest.h.device_off = offsetof(__typeof__(manifest), dev);
	manifest.h.n_channels = 1;
	manifest.h.channel_size = sizeof(manifest.ch[0]);
	manifest.h.channel_off = offsetof(__typeof__(manifest), ch);
	memcpy(manifest.dev[0].name, "uart0", 6);
	manifest.dev[0].kind = QV_DEV_UART16550;
	manifest.dev[0].owner = 0;
	manifest.dev[0].io_base = 0x3F8;
	manifest.dev[0].io_len = 8;
	memcpy(manifest.ch[0].name, "decl", 5);
	manifest.ch[0].producer = 0;
	manifest.ch[0].consumer = 1;
	manifest.ch[0].slot_size = 64;
	manifest.ch[0].slot_count = 16;
	mon.manifest = &manifest.h;
	mon.n_sandboxes = N_SB;
	mon.n_cpus = N_SB;
	if (chan_plan(&bytes))
		return -1;
	void *region = aligned_alloc(4096, bytes);
	if (!region)
		return -1;
	memset(region, 0x5A, bytes);
	region_base = (u64)(uintptr_t)region;
	region_bytes = bytes;
	mon.channels = (struct range){ region_base, bytes };
	chan_place(region_base);
	for (u32 i = 0; i < N_SB; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		void *ram = mem_alloc_pages(REGION_BYTES / 4096);
		if (!ram)
			return -1;
		sb->cfg.id = i;
		sb->cfg.mem_mib = 8;
		sb->core = i;
		sb->region = (struct range){ (u64)(uintptr_t)ram, REGION_BYTES };
		sb->ept_root = harness_table_page(NULL);
		if (chan_map(sb, &a))
			return -1;
		chan_fill_info(sb);
	}
	return 0;
}

u64 m_region_base(void)
{
	return region_base;
}

u64 m_region_bytes(void)
{
	return region_bytes;
}

s64 m_create(u32 sb, const char *name, u32 peer, u32 slot_size, u32 slot_count, u32 role)
{
	return harness_request(sb, name, strnlen(name, QV_NAME_LEN), peer, slot_size, slot_count,
			       role, 0);
}

/* A restart as monitor/exit.c does it: the channel list rewritten. */
void m_restart(u32 sb)
{
	chan_fill_info(&mon.sandboxes[sb]);
}

void *m_info(u32 sb)
{
	return (void *)(uintptr_t)(mon.sandboxes[sb].region.base + QV_CHANINFO_GPA);
}

u64 m_translate(u32 sb, u64 gpa, u64 *flags)
{
	return ept_translate(mon.sandboxes[sb].ept_root, gpa, flags);
}

/* The UART lock word, as the monitors and the hub's kernel share it. */
u32 m_lock_get(void)
{
	return chan_uart_lock ? *chan_uart_lock : 0xFFFFFFFFu;
}

void m_lock_set(u32 v)
{
	*chan_uart_lock = v;
}

u32 m_invepts(u32 sb)
{
	return invepts[sb];
}
