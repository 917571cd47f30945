/* The pieces both host harnesses of the monitor's channel code need
 * (chan_harness_mon.h): the monitor's lock, page allocator and manifest
 * accessor stood in for, and a request as a guest would make it. */
#include <stdlib.h>
#include <string.h>
#include "chan_harness_mon.h"
#include "../../monitor/manifest.h"
#include "questv/chaninfo.h"
#include "questv/hypercall.h"

s64 hc_chan_create(struct sandbox *sb, struct guest_regs *r);

void spin_lock(struct spinlock *l)
{
	if (l->held)
		abort(); /* the channel code must never take the lock twice */
	l->held = 1;
}

void spin_unlock(struct spinlock *l)
{
	l->held = 0;
}

void *mem_alloc_pages(u64 n)
{
	void *p = aligned_alloc(4096, n * 4096);

	if (p)
		memset(p, 0, n * 4096);
	return p;
}

u64 harness_table_page(void *ctx)
{
	(void)ctx;
	return (u64)(uintptr_t)mem_alloc_pages(1);
}

const struct qv_manifest_channel *manifest_channel(const struct qv_manifest_header *h, u32 i)
{
	return (const void *)((const u8 *)h + h->channel_off + (u64)i * h->channel_size);
}

s64 harness_request(u32 sb, const char *name, size_t name_len, u32 peer, u32 slot_size,
		    u32 slot_count, u32 role, u64 cmd)
{
	struct qv_chan_request q;
	struct guest_regs r = { .rax = QV_HC_CHAN_CREATE, .rbx = REQUEST_GPA, .rcx = sizeof(q),
				.rdx = cmd };

	memset(&q, 0, sizeof(q));
	memcpy(q.name, name, name_len < QV_NAME_LEN ? name_len : QV_NAME_LEN);
	q.peer = peer;
	q.slot_size = slot_size;
	q.slot_count = slot_count;
	q.role = role;
	memcpy((void *)(uintptr_t)(mon.sandboxes[sb].region.base + REQUEST_GPA), &q, sizeof(q));
	return hc_chan_create(&mon.sandboxes[sb], &r);
}
