/* The kernel's memory allocator (docs/port.md, "Memory"): the sandbox's RAM
 * from the end of the kernel image up to kboot.mem_mib MiB, minus the
 * bundle the monitor copied in. Interpreter heaps, thread stacks and RAM
 * file systems come and go with services, hot swaps and soft resets, so
 * freed blocks go back to an address-ordered free list and merge with
 * their neighbours.
 *
 * Blocks are few and large (tens of KiB and up), so a first-fit walk of a
 * short list costs nothing worth a fancier structure. Every entry point
 * runs with interrupts off: threads of this kernel allocate, and one core
 * per sandbox makes that the whole lock. */
#include "kernel.h"
#include "mem.h"
#include "irq.h"

#define GRAIN 64u /* every block's start and size are multiples of this */

extern u8 __kernel_end[];

/* A free block: its first bytes. */
struct free_blk {
	u64 size;
	struct free_blk *next;
};

/* Just below every pointer handed out: the block it came from. */
struct used_hdr {
	u64 start; /* block start (may lie below the header: alignment padding) */
	u64 size;  /* block size */
	u64 magic;
	u64 pad;
};

#define USED_MAGIC 0x4B4D454D55534544ull /* "DESUMEMK" */

static struct free_blk *free_list;
static struct kmem_stats stats;

static u64 up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Inserts [start, start+size) into the address-ordered list, merging with
 * the blocks on either side. */
static void insert_free(u64 start, u64 size)
{
	struct free_blk **p = &free_list, *prev = NULL;

	while (*p && (u64)(uintptr_t)*p < start) {
		prev = *p;
		p = &(*p)->next;
	}
	struct free_blk *next = *p;
	struct free_blk *b = (struct free_blk *)(uintptr_t)start;

	b->size = size;
	b->next = next;
	if (next && start + size == (u64)(uintptr_t)next) {
		b->size += next->size;
		b->next = next->next;
	}
	if (prev && (u64)(uintptr_t)prev + prev->size == start) {
		prev->size += b->size;
		prev->next = b->next;
	} else {
		*p = b;
	}
}

static void add_range(u64 lo, u64 hi)
{
	lo = up(lo, GRAIN);
	hi &= ~(u64)(GRAIN - 1);
	if (hi <= lo || hi - lo < 4096)
		return;
	insert_free(lo, hi - lo);
	stats.total += hi - lo;
	stats.free += hi - lo;
}

void kmem_init(void)
{
	u64 lo = up((u64)(uintptr_t)__kernel_end, 4096);
	u64 top = (u64)kboot.mem_mib << 20;
	u64 b0 = kboot.bundle_gpa, b1 = kboot.bundle_gpa + kboot.bundle_size;

	if (!kboot.bundle_size || b1 <= lo || b0 >= top) {
		add_range(lo, top);
	} else {
		add_range(lo, b0 & ~4095ull);
		add_range(up(b1, 4096), top);
	}
}

void *kmem_alloc(size_t bytes, size_t align)
{
	if (!bytes || bytes > (1ull << 40))
		return NULL;
	if (align < GRAIN)
		align = GRAIN;
	if (align & (align - 1))
		return NULL;
	u64 need = up(bytes, GRAIN);
	u64 f = irq_off();
	struct free_blk **p = &free_list;
	void *ret = NULL;

	for (; *p; p = &(*p)->next) {
		u64 start = (u64)(uintptr_t)*p, size = (*p)->size;
		u64 user = up(start + sizeof(struct used_hdr), align);
		u64 end = user + need;
		if (end > start + size)
			continue;
		/* Take [start, end) and give the tail back if it is worth a block. */
		*p = (*p)->next;
		u64 tail = start + size - end;
		if (tail >= GRAIN * 4) {
			insert_free(end, tail);
		} else {
			end = start + size;
		}
		struct used_hdr *h = (struct used_hdr *)(uintptr_t)(user - sizeof(*h));
		h->start = start;
		h->size = end - start;
		h->magic = USED_MAGIC;
		stats.free -= h->size;
		stats.allocs++;
		if (stats.total - stats.free > stats.peak_used)
			stats.peak_used = stats.total - stats.free;
		ret = (void *)(uintptr_t)user;
		break;
	}
	if (!ret)
		stats.failures++;
	irq_restore(f);
	return ret;
}

void kmem_free(void *ptr)
{
	if (!ptr)
		return;
	struct used_hdr *h = (struct used_hdr *)ptr - 1;
	u64 f = irq_off();

	if (h->magic != USED_MAGIC) {
		stats.bad_frees++;
		irq_restore(f);
		kprintf("kmem: free of %p that kmem_alloc did not return; ignored", ptr);
		return;
	}
	h->magic = 0;
	u64 start = h->start, size = h->size;
	stats.free += size;
	stats.frees++;
	insert_free(start, size);
	irq_restore(f);
}

void kmem_info(struct kmem_stats *out)
{
	u64 f = irq_off();

	*out = stats;
	out->largest = 0;
	out->blocks = 0;
	for (struct free_blk *b = free_list; b; b = b->next) {
		out->blocks++;
		if (b->size > out->largest)
			out->largest = b->size;
	}
	irq_restore(f);
}
