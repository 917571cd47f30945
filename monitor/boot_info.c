/* Reading the multiboot2 information GRUB leaves us: the memory map and the
 * modules, found by their command lines. Boot-only. */
#include "mon.h"
#include "boot_info.h"

#define MB2_TAG_END     0
#define MB2_TAG_MODULE  3
#define MB2_TAG_MMAP    6

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_module {
	struct mb2_tag tag;
	u32 start, end;
	char cmdline[];
};

struct mb2_mmap {
	struct mb2_tag tag;
	u32 entry_size, entry_version;
	u8 entries[];
};

struct mb2_mmap_entry {
	u64 base, len;
	u32 type, reserved;
};

static bool __init cmdline_is(const char *cmd, const char *want)
{
	size_t n = strnlen(want, 64);

	return memcmp(cmd, want, n) == 0 && (cmd[n] == '\0' || cmd[n] == ' ');
}

/* "bundle N": N in decimal, the sandbox the bundle is for. Anything else
 * after "bundle" is ignored (and said), never guessed at. */
static void __init take_bundle(struct boot_info *bi, const char *cmdline, struct range r)
{
	const char *arg = cmdline + 6; /* past "bundle" */
	u32 id = 0;
	int digits = 0;

	while (*arg == ' ')
		arg++;
	for (; *arg >= '0' && *arg <= '9' && digits < 3; arg++, digits++)
		id = id * 10 + (u32)(*arg - '0');
	if (!digits || (*arg && *arg != ' ') || id >= QV_MAX_SANDBOXES) {
		mon_printf("module \"%s\": no sandbox number; ignored", cmdline);
		return;
	}
	bi->bundles[id] = r;
}

static void __init take_module(struct boot_info *bi, const struct mb2_module *m)
{
	struct range r = { m->start, (u64)m->end - m->start };

	if (bi->n_modules < BOOT_MAX_MODULES)
		bi->modules[bi->n_modules++] = r;
	if (cmdline_is(m->cmdline, "kernel"))
		bi->kernel = r;
	else if (cmdline_is(m->cmdline, "manifest"))
		bi->manifest = r;
	else if (cmdline_is(m->cmdline, "bundle"))
		take_bundle(bi, m->cmdline, r);
}

static void __init take_mmap(struct boot_info *bi, const struct mb2_mmap *m)
{
	for (u32 off = 0; off + m->entry_size <= m->tag.size - sizeof(*m); off += m->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)(m->entries + off);
		if (e->type == 1 && bi->n_ram < BOOT_MAX_RAM)
			bi->ram[bi->n_ram++] = (struct range){ e->base, e->len };
	}
}

void __init boot_info_parse(struct boot_info *bi, u64 mbi)
{
	u32 total = *(const u32 *)(uintptr_t)mbi;

	memset(bi, 0, sizeof(*bi));
	bi->mbi = (struct range){ mbi, total };
	for (u64 p = mbi + 8; p + 8 <= mbi + total;) {
		const struct mb2_tag *t = (const void *)(uintptr_t)p;
		if (t->type == MB2_TAG_END)
			break;
		if (t->type == MB2_TAG_MODULE)
			take_module(bi, (const void *)t);
		else if (t->type == MB2_TAG_MMAP)
			take_mmap(bi, (const void *)t);
		p += ALIGN_UP(t->size, 8);
	}
}
