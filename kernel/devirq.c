/* Device interrupts (devirq.h): one entry stub per device vector
 * (devirq.S) passes the device's index here. */
#include "kernel.h"
#include "thread.h"
#include "devirq.h"
#include "irq.h"
#include "waitlist.h"

_Static_assert(QV_MAX_DEVICES == 32, "devirq.S makes one stub per device: 32");
_Static_assert(QV_DEVICE_VECTOR(QV_MAX_DEVICES - 1) < 0xF0, "device vectors below the doorbell");

extern const u64 devirq_stubs[QV_MAX_DEVICES];  /* devirq.S */
void devirq_interrupt(u32 dev);

static volatile u64 counts[QV_MAX_DEVICES];
static devirq_fn handlers[QV_MAX_DEVICES];

/* The threads in devirq_wait, per device. */
static struct kwaiter *waiting[QV_MAX_DEVICES];

void devirq_init(void)
{
	for (u32 d = 0; d < QV_MAX_DEVICES; d++)
		idt_set_gate((u8)QV_DEVICE_VECTOR(d), (void (*)(void))(uintptr_t)devirq_stubs[d]);
}

void devirq_interrupt(u32 dev)
{
	counts[dev] = counts[dev] + 1;
	devirq_fn fn = __atomic_load_n(&handlers[dev], __ATOMIC_ACQUIRE);
	/* The driver acknowledges its device first: an edge-triggered line
	 * (the RTC's) only rises again once the device's flag is cleared. */
	if (fn)
		fn(dev);
	/* EOI before a wake may switch threads (the doorbell's reason). */
	timer_eoi();
	kwait_wake_all(&waiting[dev]);
}

u64 devirq_count(u32 dev)
{
	return dev < QV_MAX_DEVICES ? counts[dev] : 0;
}

bool devirq_set_handler(u32 dev, devirq_fn fn)
{
	if (dev >= QV_MAX_DEVICES)
		return false;
	__atomic_store_n(&handlers[dev], fn, __ATOMIC_RELEASE);
	return true;
}

u64 devirq_wait(u32 dev, u64 seen, u64 deadline_ns)
{
	if (dev >= QV_MAX_DEVICES)
		return 0;
	struct kwaiter me;
	u64 f = irq_off();
	/* Checked with interrupts off: an interrupt after the check finds this
	 * thread on the list, and a wake before its block is kept. */
	if (counts[dev] == seen && kthread_running() && clock_ns() < deadline_ns) {
		kwait_add(&waiting[dev], &me);
		irq_restore(f);
		kthread_block_until(deadline_ns);
		f = irq_off();
		kwait_remove(&waiting[dev], &me);
	}
	u64 n = counts[dev];
	irq_restore(f);
	return n;
}
