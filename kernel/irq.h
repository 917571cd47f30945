/* Interrupts off and back as they were: the only lock a one-core sandbox
 * kernel needs between its threads and its interrupt handlers. */
#ifndef QUESTV_KERNEL_IRQ_H
#define QUESTV_KERNEL_IRQ_H

#include "questv/types.h"

#define RFLAGS_IF (1ull << 9)

/* Returns RFLAGS as it was, for irq_restore. */
static inline u64 irq_off(void)
{
	u64 f;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}

static inline void irq_restore(u64 f)
{
	if (f & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}

#endif
