/* The per-sandbox application bundle (GRUB module "bundle N"). Not placed
 * yet: the boot info says there is none. */
#include "mon.h"

void bundle_place(struct sandbox *sb, struct qv_bootinfo *bi)
{
	(void)sb;
	bi->bundle_gpa = 0;
	bi->bundle_size = 0;
}
