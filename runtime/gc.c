/* The garbage-collected heap: mark-sweep over one fixed block.
 *
 * The heap is cut into 16-byte granules. An allocation table holds one byte
 * per granule saying whether it is free, the head of a block or a tail of
 * one; the head byte also carries the mark bit and a "holds no pointers"
 * bit. Marking is conservative: the C stack, the registers and the context
 * struct are scanned for words that point at a block head (on the stack also
 * inside a block, since an optimizing compiler may keep only a derived
 * pointer alive), and every reachable block that may hold pointers is
 * scanned word by word. Conservative marking frees the C code from rooting
 * its temporaries, which is what keeps the rest of the runtime short. */
#include "rt.h"

enum { A_FREE = 0, A_HEAD = 1, A_TAIL = 2, A_KIND = 3, A_MARK = 4, A_NOSCAN = 8 };
#define GRAN 16u

void gc_init(qv_ctx *c, uintptr_t start, uintptr_t end)
{
	size_t avail = end - start;
	size_t ngran = avail / (GRAN + 1);
	c->atb = (uint8_t *)start;
	c->atb_init = 0;
	uintptr_t h = (start + ngran + GRAN - 1) & ~(uintptr_t)(GRAN - 1);
	while (h + ngran * GRAN > end)
		ngran--;
	c->heap = h;
	c->heap_end = h + ngran * GRAN;
	c->ngran = ngran;
	c->hint = 0;
	c->gc_enabled = true;
	/* collect well before the heap is full so that short-lived garbage is
	 * reused while it is still in the cache */
	size_t quarter = ngran * GRAN / 4;
	c->gc_threshold = quarter < (2u << 20) ? quarter : (2u << 20);
}

/* The allocation table is cleared in chunks as allocation first reaches
 * them, so a big heap costs nothing until it is used. */
static void atb_extend(qv_ctx *c)
{
	size_t e = c->atb_init + 65536;
	if (e > c->ngran)
		e = c->ngran;
	__builtin_memset(c->atb + c->atb_init, A_FREE, e - c->atb_init);
	c->atb_init = e;
}

static void mark_push(qv_ctx *c, size_t g)
{
	c->atb[g] |= A_MARK;
	if (c->atb[g] & A_NOSCAN)
		return;
	if (c->msp < MARK_STACK)
		c->mark_stack[c->msp++] = g;
	else
		c->mark_overflow = true;
}

static inline void mark_word(qv_ctx *c, uintptr_t w, bool interior)
{
	if (w < c->heap || w >= c->heap_end)
		return;
	size_t g = (w - c->heap) / GRAN;
	if (g >= c->atb_init)
		return;
	if (interior)
		while (g > 0 && (c->atb[g] & A_KIND) == A_TAIL)
			g--;
	if ((c->atb[g] & A_KIND) == A_HEAD && !(c->atb[g] & A_MARK))
		mark_push(c, g);
}

static void scan_block(qv_ctx *c, size_t g)
{
	size_t end = g + 1;
	while (end < c->atb_init && (c->atb[end] & A_KIND) == A_TAIL)
		end++;
	uintptr_t *p = (uintptr_t *)(c->heap + g * GRAN);
	uintptr_t *e = (uintptr_t *)(c->heap + end * GRAN);
	for (; p < e; p++)
		mark_word(c, *p, false);
}

static void drain(qv_ctx *c)
{
	for (;;) {
		while (c->msp > 0)
			scan_block(c, c->mark_stack[--c->msp]);
		if (!c->mark_overflow)
			return;
		/* The mark stack overflowed: rescan every marked block, which
		 * re-discovers the children that did not fit. */
		c->mark_overflow = false;
		for (size_t g = 0; g < c->atb_init; g++)
			if ((c->atb[g] & (A_KIND | A_MARK | A_NOSCAN)) == (A_HEAD | A_MARK)) {
				scan_block(c, g);
				while (c->msp > 0)
					scan_block(c, c->mark_stack[--c->msp]);
			}
	}
}

__attribute__((noinline, no_sanitize_address))
static void scan_range(qv_ctx *c, uintptr_t lo, uintptr_t hi)
{
	lo &= ~(uintptr_t)(sizeof(uintptr_t) - 1);
	for (uintptr_t a = lo; a + sizeof(uintptr_t) <= hi; a += sizeof(uintptr_t))
		mark_word(c, *(uintptr_t *)a, true);
}

__attribute__((noinline))
static void scan_stack(qv_ctx *c)
{
	/* Spill callee-saved registers into this frame so they are scanned. */
	__builtin_unwind_init();
	volatile uintptr_t here = 0;
	uintptr_t lo = (uintptr_t)&here;
	uintptr_t hi = c->stack_base;
	if (lo > hi) {
		uintptr_t t = lo;
		lo = hi;
		hi = t;
	}
	scan_range(c, lo, hi);
}

static void sweep(qv_ctx *c)
{
	size_t used = 0;
	bool freeing = false;
	for (size_t g = 0; g < c->atb_init; g++) {
		uint8_t a = c->atb[g];
		switch (a & A_KIND) {
		case A_HEAD:
			if (a & A_MARK) {
				c->atb[g] = a & ~A_MARK;
				freeing = false;
				used++;
			} else {
				c->atb[g] = A_FREE;
				freeing = true;
			}
			break;
		case A_TAIL:
			if (freeing)
				c->atb[g] = A_FREE;
			else
				used++;
			break;
		default:
			freeing = false;
		}
	}
	c->used_gran = used;
}

void gc_collect(qv_ctx *c)
{
	if (c->in_gc)
		return;
	c->in_gc = true;
	uint64_t t0 = c->port->ticks_us ? c->port->ticks_us(c->user) : 0;
	c->msp = 0;
	c->mark_overflow = false;
	scan_range(c, (uintptr_t)c, (uintptr_t)(c + 1));
	drain(c);
	if (c->fs_base) {
		scan_range(c, c->fs_base, c->fs_top);
		drain(c);
	}
	scan_stack(c);
	drain(c);
	sweep(c);
	/* the next collection comes after as much new allocation as there is
	 * live data now (at least 2 MiB, at most what the heap has left) */
	size_t live = c->used_gran * GRAN, room = (c->ngran - c->used_gran) * GRAN;
	c->gc_threshold = live > (2u << 20) ? live : (2u << 20);
	if (c->gc_threshold > room)
		c->gc_threshold = room;
	c->hint = 0;
	c->since_gc = 0;
	c->ncollect++;
	uint64_t t1 = c->port->ticks_us ? c->port->ticks_us(c->user) : 0;
	c->last_pause = t1 - t0;
	if (c->last_pause > c->max_pause)
		c->max_pause = c->last_pause;
	c->in_gc = false;
}

/* Next fit: allocation continues where the previous one ended and never
 * looks back until the next collection, so one pass over the heap serves a
 * whole collection cycle and each allocation costs amortized O(1) even when
 * the heap is fragmented. */
static void *try_alloc(qv_ctx *c, size_t ng, bool noscan)
{
	size_t n = c->ngran, run = 0;
	const uint8_t *atb = c->atb;
	if (ng == 1 && c->hint < c->atb_init && atb[c->hint] == A_FREE) {
		/* the common case: the next granule is free */
		size_t g = c->hint++;
		c->atb[g] = A_HEAD | (noscan ? A_NOSCAN : 0);
		c->since_gc++;
		if (++c->used_gran > c->peak_gran)
			c->peak_gran = c->used_gran;
		uint64_t *p = (uint64_t *)(c->heap + g * GRAN);
		p[0] = 0;
		p[1] = 0;
		return p;
	}
	for (size_t g = c->hint; g < n; g++) {
		if (g >= c->atb_init)
			atb_extend(c);
		if (atb[g] != A_FREE) {
			run = 0;
			continue;
		}
		if (++run < ng)
			continue;
		size_t start = g + 1 - ng;
		c->atb[start] = A_HEAD | (noscan ? A_NOSCAN : 0);
		for (size_t i = start + 1; i <= g; i++)
			c->atb[i] = A_TAIL;
		c->hint = g + 1;
		c->since_gc += ng;
		c->used_gran += ng;
		if (c->used_gran > c->peak_gran)
			c->peak_gran = c->used_gran;
		uint8_t *p = (uint8_t *)(c->heap + start * GRAN);
		__builtin_memset(p, 0, ng * GRAN);
		return p;
	}
	c->hint = n;
	return NULL;
}

void *gc_alloc_noraise(qv_ctx *c, size_t n, bool noscan)
{
	if (n == 0)
		n = 1;
	size_t ng = (n + GRAN - 1) / GRAN;
	if (ng > c->ngran)
		return NULL;
	if (c->since_gc * GRAN > c->gc_threshold && c->gc_enabled && !c->in_gc)
		gc_collect(c);
	void *p = try_alloc(c, ng, noscan);
	if (!p && c->gc_enabled && !c->in_gc) {
		gc_collect(c);
		p = try_alloc(c, ng, noscan);
	}
	return p;
}

void *gc_alloc(qv_ctx *c, size_t n, bool noscan)
{
	void *p = gc_alloc_noraise(c, n, noscan);
	if (!p) {
		/* the preallocated MemoryError starts a fresh traceback */
		qv_exc *e = (qv_exc *)c->memerr;
		e->tb = NULL;
		e->context = NULL;
		e->cause = NULL;
		rt_raise(c, c->memerr);
	}
	return p;
}

void *gc_realloc(qv_ctx *c, void *old, size_t oldn, size_t newn, bool noscan)
{
	if (old && newn <= oldn)
		return old;
	/* Grow in place when the granules after the block are free. */
	if (old) {
		size_t g = ((uintptr_t)old - c->heap) / GRAN;
		size_t have = 1;
		while (g + have < c->atb_init && (c->atb[g + have] & A_KIND) == A_TAIL)
			have++;
		size_t need = (newn + GRAN - 1) / GRAN;
		size_t k = have;
		while (k < need && g + k < c->atb_init && c->atb[g + k] == A_FREE)
			k++;
		if (k >= need) {
			for (size_t i = g + have; i < g + need; i++)
				c->atb[i] = A_TAIL;
			__builtin_memset((uint8_t *)(c->heap + (g + have) * GRAN), 0, (need - have) * GRAN);
			c->used_gran += need - have;
			if (c->used_gran > c->peak_gran)
				c->peak_gran = c->used_gran;
			return old;
		}
	}
	void *p = gc_alloc(c, newn, noscan);
	if (old)
		__builtin_memcpy(p, old, oldn);
	return p;
}

void qv_heap_info(qv_ctx *c, qv_heap_stats *st)
{
	st->total = c->ngran * GRAN;
	st->used = c->used_gran * GRAN;
	st->peak = c->peak_gran * GRAN;
	st->collections = c->ncollect;
	st->last_pause_us = c->last_pause;
	st->max_pause_us = c->max_pause;
}
