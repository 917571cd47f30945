/* The kernel's memory allocator over the sandbox's RAM (mem.c). */
#ifndef QUESTV_KERNEL_MEM_H
#define QUESTV_KERNEL_MEM_H

#include "questv/types.h"

struct kmem_stats {
	u64 total;     /* bytes the allocator manages */
	u64 free;      /* bytes free now */
	u64 largest;   /* largest free block (what one allocation can get) */
	u64 blocks;    /* free blocks (fragmentation) */
	u64 peak_used;
	u64 allocs, frees, failures, bad_frees;
};

/* After the boot info is known: RAM from the end of the kernel image to
 * mem_mib MiB, except the bundle. */
void kmem_init(void);
/* bytes at an address aligned to `align` (a power of two; at least 64), or
 * NULL when no free block is large enough. */
void *kmem_alloc(size_t bytes, size_t align);
/* A pointer kmem_alloc returned (NULL is ignored). */
void kmem_free(void *ptr);
void kmem_info(struct kmem_stats *out);

#endif
