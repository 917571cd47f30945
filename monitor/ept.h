/* Building extended page tables. Pure code: tables are reached through
 * their physical address, which the monitor identity-maps; the host tests
 * (tests/monitor) hand in ordinary pointers as "physical" addresses. */
#ifndef QUESTV_MON_EPT_H
#define QUESTV_MON_EPT_H

#include "questv/types.h"

#define EPT_R      0x1ull
#define EPT_W      0x2ull
#define EPT_X      0x4ull
#define EPT_RWX    (EPT_R | EPT_W | EPT_X)
#define EPT_WB     (6ull << 3)  /* leaf memory type: write-back */
#define EPT_UC     (0ull << 3)
#define EPT_ADDR   0x000FFFFFFFFFF000ull
#define EPT_NONE   (~0ull)

/* Returns the physical address of a zeroed, 4 KiB-aligned page, 0 if none. */
struct ept_alloc {
	u64 (*page)(void *ctx);
	void *ctx;
};

/* Maps gpa -> hpa for one 4 KiB page with `flags` (EPT_R/W/X | memory type).
 * Returns 0, or -1 when a table page could not be allocated or the page is
 * already mapped. */
int ept_map_page(u64 root, u64 gpa, u64 hpa, u64 flags, struct ept_alloc *a);

/* Maps [0, size) guest-physical onto [host, host + size), RWX write-back,
 * in 4 KiB pages. Returns the root (PML4) address or 0 on failure. */
u64 ept_build_region(u64 host, u64 size, struct ept_alloc *a);

/* The host address gpa maps to and its leaf flags, or EPT_NONE. */
u64 ept_translate(u64 root, u64 gpa, u64 *flags);

/* The EPT pointer for the VMCS: write-back tables, 4-level walk. */
static inline u64 ept_pointer(u64 root)
{
	return root | (3ull << 3) | 6ull;
}

#endif
