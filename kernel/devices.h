/* The manifest's devices as this kernel sees them: the table the monitor
 * put in the boot info (every device, owned or not), and the live
 * ownership the monitors keep current in the block itself when MOVE_DEVICE
 * gives a device to this sandbox or takes it away (docs/kernel.md,
 * "Devices"). A move is announced by QV_NOTICE_VECTOR. Port I/O of every
 * width is here too: the monitor's I/O bitmap decides whether it reaches
 * the device (a port not owned exits, a fault). */
#ifndef QUESTV_KERNEL_DEVICES_H
#define QUESTV_KERNEL_DEVICES_H

#include "questv/types.h"
#include "questv/bootinfo.h"

/* Installs the notice gate (idt.c, before interrupts are on: a notice sent
 * to this sandbox's previous life may be pending in the local APIC). */
void devices_init(void);

/* Devices in the manifest (0 when booted without a monitor). */
u32 devices_count(void);
/* Device i of the boot info's table, or NULL when i is out of range. */
const struct qv_bootinfo_device *devices_at(u32 i);
/* Device i's name, NUL-terminated (a 16-byte name has none in the table);
 * "" when i is out of range. */
void devices_name(u32 i, char out[QV_NAME_LEN + 1]);
/* "uart16550", "pci", "isa", or "unknown" (enum qv_device_kind). */
const char *devices_kind_name(u32 kind);

/* Live, read from the monitor's block: +1 at every change of ownership.
 * Read it before devices_owned(): a change that lands between the two is
 * then seen as a new epoch at the next look, never missed. */
u32 devices_epoch(void);
/* Live: bit d = device d is owned now. */
u32 devices_owned(void);
bool devices_owns(u32 i);

/* fn (NULL: none) is called in every notice interrupt, interrupts off,
 * after the EOI: it may wake threads (kthread_wake), nothing slower. */
void devices_on_notice(void (*fn)(void));

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

#endif
