/* The per-sandbox application bundle (GRUB module "bundle N",
 * docs/bundle.md). GRUB loads it below the monitor's pool (monitor/mem.c
 * keeps every module out of the pool and the regions), where it stays
 * pristine; boot_info.c records it by its command line. At every (re)start
 * of sandbox N a copy goes just below the top of its region and the boot
 * info names it. The kernel checks the copy (magic, version, CRC-32,
 * bounds); the monitor only copies what GRUB was told was sandbox N's. */
#include "mon.h"

#define REGION_SHARE 4u /* a bundle takes at most 1/4 of its region */

void bundle_place(struct sandbox *sb, struct qv_bootinfo *bi)
{
	u32 id = sb->cfg.id;

	bi->bundle_gpa = 0;
	bi->bundle_size = 0;
	if (id >= QV_MAX_SANDBOXES || !mon.bundles[id].size)
		return;
	const struct range *m = &mon.bundles[id];
	if (m->size > sb->region.size / REGION_SHARE || m->size > 0xFFFFFFFFu) {
		mon_printf("sandbox %u: bundle of %lu bytes is larger than a quarter of its memory; "
			   "not loaded", id, m->size);
		return;
	}
	u64 gpa = (sb->region.size - m->size) & ~(PAGE_SIZE - 1);
	memcpy((void *)(uintptr_t)(sb->region.base + gpa), (const void *)(uintptr_t)m->base, m->size);
	bi->bundle_gpa = gpa;
	bi->bundle_size = (u32)m->size;
}
