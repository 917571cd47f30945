#ifndef QUESTV_MON_BOOT_INFO_H
#define QUESTV_MON_BOOT_INFO_H

#include "mon.h"

#define BOOT_MAX_MODULES 24
#define BOOT_MAX_RAM     32

/* What the boot processor keeps from the multiboot2 information. */
struct boot_info {
	struct range mbi;
	struct range kernel;     /* module "kernel" (size 0: missing) */
	struct range manifest;   /* module "manifest" */
	struct range bundles[QV_MAX_SANDBOXES]; /* module "bundle N" (size 0: none) */
	u32 n_modules;
	struct range modules[BOOT_MAX_MODULES];
	u32 n_ram;
	struct range ram[BOOT_MAX_RAM]; /* usable RAM from the firmware map */
};

void boot_info_parse(struct boot_info *bi, u64 mbi);

/* mem.c: decides where the monitor pool, every sandbox region and the
 * channel region go. Returns NULL or why it cannot. */
const char *mem_carve(const struct boot_info *bi);

#endif
