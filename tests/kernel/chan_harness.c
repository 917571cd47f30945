/*
 * Host-side helpers for tests/kernel/chan_binding.py (ctypes): channel
 * memory between PROT_NONE guard pages, so that any access the core makes
 * outside a region faults at once, and accessors for the private state
 * that Python keeps as opaque bytes.
 */
#define _DEFAULT_SOURCE
#include <sys/mman.h>
#include "chan.h"

/* `pages` usable pages with one inaccessible page on each side. */
void *chan_h_map(u32 pages)
{
	size_t len = ((size_t)pages + 2) * QV_CHAN_PAGE;
	u8 *base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base + QV_CHAN_PAGE, (size_t)pages * QV_CHAN_PAGE, PROT_READ | PROT_WRITE)) {
		munmap(base, len);
		return NULL;
	}
	return base + QV_CHAN_PAGE;
}

void chan_h_unmap(void *p, u32 pages)
{
	munmap((u8 *)p - QV_CHAN_PAGE, ((size_t)pages + 2) * QV_CHAN_PAGE);
}

/* Makes a mapped range read-only (or writable again), as the EPT makes the
 * peer's pages for each end. */
int chan_h_protect(void *p, u32 pages, int writable)
{
	return mprotect(p, (size_t)pages * QV_CHAN_PAGE, writable ? PROT_READ | PROT_WRITE : PROT_READ);
}

/* 0: tx, 1: rx, 2: stats, 3: layout, 4: number of statuses. */
u32 chan_h_size(int which)
{
	switch (which) {
	case 0: return sizeof(struct qv_chan_tx);
	case 1: return sizeof(struct qv_chan_rx);
	case 2: return sizeof(struct qv_chan_stats);
	case 3: return sizeof(struct qv_chan_layout);
	case 4: return QV_CHAN_NSTATUS;
	default: return 0;
	}
}

const struct qv_chan_stats *chan_h_tx_stats(const struct qv_chan_tx *tx) { return &tx->st; }
const struct qv_chan_stats *chan_h_rx_stats(const struct qv_chan_rx *rx) { return &rx->st; }
u64 chan_h_tx_head(const struct qv_chan_tx *tx) { return tx->head; }
u64 chan_h_rx_tail(const struct qv_chan_rx *rx) { return rx->tail; }
