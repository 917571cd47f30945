/* Carving physical memory: everything GRUB and the monitor occupy stays
 * monitor-private, then from the first free 2 MiB boundary above them come
 * the monitor's page pool, one region per sandbox, and the channel region,
 * all inside one usable range of the firmware map. */
#include "mon.h"
#include "boot_info.h"
#include "manifest.h"
#include "chan.h"

extern char __image_start[], __image_end[];

#define POOL_SIZE  (4ull << 20)
#define REGION_ALIGN (2ull << 20)

static struct spinlock pool_lock;

static u64 range_end(struct range r)
{
	return r.base + r.size;
}

static u64 __init occupied_end(const struct boot_info *bi)
{
	u64 end = (u64)(uintptr_t)__image_end;

	if (range_end(bi->mbi) > end)
		end = range_end(bi->mbi);
	for (u32 i = 0; i < bi->n_modules; i++)
		if (range_end(bi->modules[i]) > end)
			end = range_end(bi->modules[i]);
	return end;
}

static const struct range *__init ram_holding(const struct boot_info *bi, u64 addr)
{
	for (u32 i = 0; i < bi->n_ram; i++)
		if (addr >= bi->ram[i].base && addr < range_end(bi->ram[i]))
			return &bi->ram[i];
	return NULL;
}

const char *__init mem_carve(const struct boot_info *bi)
{
	u64 next = ALIGN_UP(occupied_end(bi), REGION_ALIGN);
	const struct range *ram = ram_holding(bi, next);

	if (!ram)
		return "no usable RAM above the monitor and its modules";
	mon.pool = (struct range){ next, POOL_SIZE };
	mon.pool_next = next;
	next += POOL_SIZE;
	for (u32 i = 0; i < mon.n_sandboxes; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		sb->region = (struct range){ next, (u64)sb->cfg.mem_mib << 20 };
		next = ALIGN_UP(next + sb->region.size, REGION_ALIGN);
	}
	u64 channel_bytes = 0;
	const char *why = chan_plan(&channel_bytes);
	if (why)
		return why;
	mon.channels = (struct range){ next, channel_bytes };
	next += mon.channels.size;
	if (next > range_end(*ram))
		return "the sandboxes and channels do not fit in memory";
	chan_place(mon.channels.base);
	return NULL;
}

void *__init mem_alloc_pages(u64 n)
{
	spin_lock(&pool_lock);
	u64 p = mon.pool_next;
	if (p + n * PAGE_SIZE > range_end(mon.pool)) {
		spin_unlock(&pool_lock);
		return NULL;
	}
	mon.pool_next += n * PAGE_SIZE;
	spin_unlock(&pool_lock);
	memset((void *)(uintptr_t)p, 0, n * PAGE_SIZE);
	return (void *)(uintptr_t)p;
}
