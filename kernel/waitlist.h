/* Threads blocked until something happens, as a list of nodes on their own
 * stacks (devirq_wait's list per device, the port's service-event waiters):
 * a waiter adds itself, blocks, and removes itself when it runs again,
 * whatever woke it. Changed and walked with interrupts off. */
#ifndef QUESTV_KERNEL_WAITLIST_H
#define QUESTV_KERNEL_WAITLIST_H

#include "thread.h"
#include "irq.h"

struct kwaiter {
	struct kthread *thread;
	struct kwaiter *next;
};

/* The calling thread, at the head of *list; interrupts off. */
static inline void kwait_add(struct kwaiter **list, struct kwaiter *me)
{
	me->thread = kthread_self();
	me->next = *list;
	*list = me;
}

/* Interrupts off. */
static inline void kwait_remove(struct kwaiter **list, struct kwaiter *me)
{
	for (struct kwaiter **p = list; *p; p = &(*p)->next)
		if (*p == me) {
			*p = me->next;
			return;
		}
}

/* Wakes every thread on *list. They are collected before any is woken: a
 * wake may switch to the woken thread at once, and it unlinks its node from
 * its own stack. Callable from interrupt handlers. */
static inline void kwait_wake_all(struct kwaiter *const *list)
{
	struct kthread *t[KTHREAD_MAX];
	u32 n = 0;
	u64 f = irq_off();

	for (const struct kwaiter *w = *list; w && n < KTHREAD_MAX; w = w->next)
		t[n++] = w->thread;
	for (u32 i = 0; i < n; i++)
		kthread_wake(t[i]);
	irq_restore(f);
}

#endif
