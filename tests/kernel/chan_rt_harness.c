/* Host harness for the monitors' run-time channels (monitor/hc_chan.c),
 * loaded by tests/kernel/test_chan_runtime.py through ctypes. It stands in
 * for the rest of the monitor: a small manifest (h_init: n sandboxes, one
 * declared channel "decl" sb0 -> sb1), a few pages of "guest RAM" per
 * sandbox (host pointers stand in for physical addresses, as in
 * tests/monitor), real EPT tables (monitor/ept.c), and records of what the
 * hardware steps (INVEPT, the doorbell IPI) and the console were asked. */
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

#define REGION_BYTES (64u * 1024u)
#define MEM_MIB      8u

struct mon_state mon;

static struct {
	struct qv_manifest_header h;
	struct qv_manifest_channel ch[1];
} manifest;

static u32 invepts[QV_MAX_SANDBOXES];
static u64 pool_base;
static u32 ipis, last_ipi_core;
static char console[1 << 16];
static size_t console_len;

void mon_printf(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	int n = vsnprintf(console + console_len, sizeof(console) - console_len - 1, f, ap);
	va_end(ap);
	if (n > 0 && console_len + (size_t)n + 2 < sizeof(console)) {
		console_len += (size_t)n;
		console[console_len++] = '\n';
		console[console_len] = 0;
	}
}

/* What monitor/chan.c provides, for a system whose one declared channel
 * is "decl", sb0 -> sb1. */
u64 chan_rt_window_gpa(const struct sandbox *sb)
{
	return ((u64)sb->cfg.mem_mib << 20) + (2u << 20);
}

bool chan_declared(const char *name)
{
	return memcmp(name, manifest.ch[0].name, QV_NAME_LEN) == 0;
}

void chan_fill_info(const struct sandbox *sb)
{
	struct qv_chaninfo *ci = (void *)(uintptr_t)(sb->region.base + QV_CHANINFO_GPA);

	memset(ci, 0, sizeof(*ci));
	ci->magic = QV_CHANINFO_MAGIC;
	ci->version = QV_CHANINFO_VERSION;
	ci->size = sizeof(*ci);
	chan_list_clear(sb);
	if (sb->cfg.id < 2) {
		struct qv_chaninfo_entry *e = &ci->ch[ci->n_channels++];
		memcpy(e->name, manifest.ch[0].name, QV_NAME_LEN);
		e->index = 0;
		chan_list_append(sb, 0);
	}
	chan_rt_fill_info(sb, ci);
}

void chan_hw_invept(const struct sandbox *sb)
{
	invepts[sb->cfg.id]++;
}

bool chan_hw_doorbell(u32 core)
{
	ipis++;
	last_ipi_core = core;
	return true;
}

s64 hc_doorbell(struct sandbox *sb, struct guest_regs *r);

/* ---- the interface the Python test drives ---- */

int h_init(u32 n, int test_build)
{
	struct ept_alloc a = { harness_table_page, NULL };

	if (n > QV_MAX_SANDBOXES || n < 2)
		return -1;
	manifest.h.n_channels = 1;
	manifest.h.channel_size = sizeof(manifest.ch[0]);
	manifest.h.channel_off = offsetof(__typeof__(manifest), ch);
	manifest.h.flags = test_build ? QV_MANIFEST_F_TEST_BUILD : 0;
	manifest.h.n_sandboxes = (u16)n;
	memcpy(manifest.ch[0].name, "decl", 5);
	manifest.ch[0].producer = 0;
	manifest.ch[0].consumer = 1;
	manifest.ch[0].slot_size = 64;
	manifest.ch[0].slot_count = 16;
	mon.manifest = &manifest.h;
	mon.n_sandboxes = n;
	mon.n_cpus = n;
	void *pool = aligned_alloc(4096, chan_rt_pool_bytes());
	if (!pool)
		return -1;
	memset(pool, 0x5A, chan_rt_pool_bytes()); /* the monitor must zero what it hands out */
	pool_base = (u64)(uintptr_t)pool;
	chan_rt_pool_place(pool_base);
	for (u32 i = 0; i < n; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		void *ram = aligned_alloc(4096, REGION_BYTES);
		if (!ram)
			return -1;
		memset(ram, 0, REGION_BYTES);
		sb->cfg.id = i;
		sb->cfg.mem_mib = MEM_MIB;
		sb->core = i;
		sb->region = (struct range){ (u64)(uintptr_t)ram, REGION_BYTES };
		sb->ept_root = harness_table_page(&a);
		chan_fill_info(sb);
	}
	return 0;
}

u64 h_pool_base(void)
{
	return pool_base;
}

s64 h_create_raw(u32 sb, u64 gpa, u64 size, u64 cmd)
{
	struct guest_regs r = { .rax = QV_HC_CHAN_CREATE, .rbx = gpa, .rcx = size, .rdx = cmd };

	return hc_chan_create(&mon.sandboxes[sb], &r);
}

s64 h_create(u32 sb, const char *name, u32 peer, u32 slot_size, u32 slot_count, u32 role,
	     u64 cmd)
{
	/* the test passes the 16 raw bytes */
	return harness_request(sb, name, QV_NAME_LEN, peer, slot_size, slot_count, role, cmd);
}

s64 h_doorbell(u32 sb, u64 index)
{
	struct guest_regs r = { .rax = QV_HC_DOORBELL, .rbx = index };

	return hc_doorbell(&mon.sandboxes[sb], &r);
}

u64 h_translate(u32 sb, u64 gpa, u64 *flags)
{
	return ept_translate(mon.sandboxes[sb].ept_root, gpa, flags);
}

void *h_info(u32 sb)
{
	return (void *)(uintptr_t)(mon.sandboxes[sb].region.base + QV_CHANINFO_GPA);
}

u32 h_info_size(void)
{
	return sizeof(struct qv_chaninfo);
}

void h_restart(u32 sb)
{
	chan_fill_info(&mon.sandboxes[sb]);
}

void h_stop(u32 sb, int stopped)
{
	mon.sandboxes[sb].stopped = stopped != 0;
}

u32 h_invepts(u32 sb)
{
	return invepts[sb];
}

u32 h_ipis(void)
{
	return ipis;
}

u32 h_last_ipi_core(void)
{
	return last_ipi_core;
}

const char *h_console(void)
{
	return console;
}
