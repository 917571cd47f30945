/* The per-sandbox application bundle (GRUB module "bundle N",
 * docs/bundle.md): GRUB loads it into the monitor's memory, below the pool
 * (monitor/mem.c keeps every module out of the pool and the regions), where
 * it stays pristine; at every (re)start of sandbox N a copy goes just below
 * the top of its region and the boot info names it. The kernel checks the
 * copy (magic, version, CRC-32, bounds); the monitor only finds and copies.
 *
 * Finding it: boot_info.c records the modules' command lines only for
 * "kernel" and "manifest", so this file looks for each bundle where GRUB
 * puts modules (page-aligned, anywhere from 1 MiB up to the monitor's pool,
 * which mem.c places above every module), outside the monitor image: a
 * page that starts with the bundle magic and names sandbox N. A false match
 * can only hand the kernel bytes it then refuses. */
#include "mon.h"

#define BUNDLE_MAGIC 0x4E425651u /* "QVBN" */
#define BUNDLE_MIN 24u           /* the smallest header (version 1) */
#define REGION_SHARE 4u          /* a bundle takes at most 1/4 of its region */

#define MODULES_FROM 0x100000ull

extern char __image_start[], __image_end[];

struct found {
	bool looked;
	u64 addr;
	u32 size;
};

/* Written at a sandbox's first start (boot, on the boot processor), read
 * at its restarts by its own core. */
static struct found found[QV_MAX_SANDBOXES];

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void find(u32 id, struct found *f)
{
	u64 img_lo = (u64)(uintptr_t)__image_start & ~(PAGE_SIZE - 1);
	u64 img_hi = ALIGN_UP((u64)(uintptr_t)__image_end, PAGE_SIZE);
	u64 hi = mon.pool.base;

	f->looked = true;
	for (u64 p = MODULES_FROM; p + BUNDLE_MIN <= hi; p += PAGE_SIZE) {
		if (p >= img_lo && p < img_hi)
			continue;
		const u8 *b = (const u8 *)(uintptr_t)p;
		if (rd32(b) != BUNDLE_MAGIC || rd32(b + 16) != id)
			continue;
		u32 total = rd32(b + 8);
		if (total < BUNDLE_MIN || total > hi - p)
			continue;
		f->addr = p;
		f->size = total;
		return;
	}
}

void bundle_place(struct sandbox *sb, struct qv_bootinfo *bi)
{
	u32 id = sb->cfg.id;

	bi->bundle_gpa = 0;
	bi->bundle_size = 0;
	if (id >= QV_MAX_SANDBOXES)
		return;
	struct found *f = &found[id];
	if (!f->looked)
		find(id, f);
	if (!f->addr)
		return;
	if (f->size > sb->region.size / REGION_SHARE) {
		mon_printf("sandbox %u: bundle of %u bytes is larger than a quarter of its memory; "
			   "not loaded", id, f->size);
		return;
	}
	u64 gpa = (sb->region.size - f->size) & ~(PAGE_SIZE - 1);
	memcpy((void *)(uintptr_t)(sb->region.base + gpa), (const void *)(uintptr_t)f->addr,
	       f->size);
	bi->bundle_gpa = gpa;
	bi->bundle_size = f->size;
}
