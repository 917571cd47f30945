/* The IOAPIC: device interrupts delivered straight to the sandbox that owns
 * the device (monitor/ioapic.c, docs/monitor.md "Interrupt routing"). Only
 * the monitors program it; no sandbox's EPT maps its page. */
#ifndef QUESTV_MON_IOAPIC_H
#define QUESTV_MON_IOAPIC_H

#include "questv/types.h"

/* The fixed base of the first IOAPIC on PC-compatible machines (Bochs,
 * QEMU, most boards): the monitor parses no ACPI tables, so neither the
 * MADT's IOAPIC entries nor its interrupt source overrides are read. */
#define IOAPIC_BASE 0xFEC00000ull

/* Boot processor, once every core is up (the owners' APIC IDs are known)
 * and before any launch: masks every pin, then routes each manifest
 * device with an irq below the pin count to its owner's core, printing a
 * line per device. */
void ioapic_init(void);

/* Re-points device `dev`'s pin at the core of sandbox `sb` (masked while
 * the entry is rewritten) and describes the result in what[len] ("irq 8 ->
 * vector 0x41, sb 0 (core 0, apic 0)" or why nothing was routed). Returns
 * true when the pin was routed. Any core, any time after ioapic_init. */
bool ioapic_route(u32 dev, u32 sb, char *what, size_t len);

/* Masks device `dev`'s pin (if it has one): MOVE_DEVICE does this before
 * the ports change hands, so no interrupt reaches either side while they
 * do. */
void ioapic_mask(u32 dev);

#endif
