#include "ept.h"

static u64 *table_at(u64 phys)
{
	return (u64 *)(uintptr_t)phys;
}

static unsigned index_at(u64 gpa, int level)
{
	return (unsigned)(gpa >> (12 + 9 * level)) & 511u;
}

/* The leaf table (level 0) entry for gpa, creating the tables on the way
 * when `a` is given. */
static u64 *walk(u64 root, u64 gpa, struct ept_alloc *a)
{
	u64 *t = table_at(root);

	for (int level = 3; level > 0; level--) {
		u64 *e = &t[index_at(gpa, level)];
		if (!(*e & EPT_RWX)) {
			u64 page = a ? a->page(a->ctx) : 0;
			if (!page)
				return NULL;
			*e = page | EPT_RWX;
		}
		t = table_at(*e & EPT_ADDR);
	}
	return &t[index_at(gpa, 0)];
}

int ept_map_page(u64 root, u64 gpa, u64 hpa, u64 flags, struct ept_alloc *a)
{
	u64 *e = walk(root, gpa, a);

	if (!e || (*e & EPT_RWX))
		return -1;
	*e = (hpa & EPT_ADDR) | flags;
	return 0;
}

/* Walks the tables once per 2 MiB of guest-physical space and fills the
 * rest of that leaf table directly: a 64 MiB sandbox costs 32 walks, not
 * 16384. */
u64 ept_build_region(u64 host, u64 size, struct ept_alloc *a)
{
	u64 root = a->page(a->ctx);
	u64 off = 0;

	if (!root)
		return 0;
	while (off < size) {
		u64 *e = walk(root, off, a);
		if (!e)
			return 0;
		do {
			*e++ = ((host + off) & EPT_ADDR) | EPT_RWX | EPT_WB;
			off += 4096;
		} while (off < size && index_at(off, 0) != 0);
	}
	return root;
}

u64 ept_translate(u64 root, u64 gpa, u64 *flags)
{
	u64 *e = walk(root, gpa, NULL);

	if (!e || !(*e & EPT_RWX))
		return EPT_NONE;
	if (flags)
		*flags = *e & 0xFFFull;
	return (*e & EPT_ADDR) | (gpa & 0xFFFull);
}
