/* Device interrupts: the monitors route the IRQ of device d (its index in
 * the manifest) to the core of the sandbox that owns it, on vector
 * QV_DEVICE_VECTOR(d) (include/questv/manifest.h). The kernel has a gate
 * for every device vector from idt_init on: it counts, calls the handler a
 * driver registered (which acknowledges its device), and sends the EOI. */
#ifndef QUESTV_KERNEL_DEVIRQ_H
#define QUESTV_KERNEL_DEVIRQ_H

#include "questv/types.h"

/* Called in the interrupt, interrupts off, with the device's index. */
typedef void (*devirq_fn)(u32 dev);

/* Installs the gates of every device vector (idt.c). */
void devirq_init(void);

/* Interrupts that arrived for device `dev` since boot (0 for no device). */
u64 devirq_count(u32 dev);

/* Blocks the calling thread until devirq_count(dev) differs from `seen`,
 * deadline_ns (clock_ns) passes, or something else wakes the thread (a
 * service's stop request: callers loop on the time left). Returns the count
 * then. Outside threads (boot) it does not block. The interrupt wakes every
 * thread waiting for its device. */
u64 devirq_wait(u32 dev, u64 seen, u64 deadline_ns);

/* Registers fn (NULL: none) for device `dev`; false if dev is no device
 * index. An interrupt without a handler is still counted and EOI'd. */
bool devirq_set_handler(u32 dev, devirq_fn fn);

#endif
