/* Programming the IOAPIC (82093AA register layout): each device the
 * manifest gives an `irq` gets a redirection entry that sends it, as a
 * fixed interrupt on vector QV_DEVICE_VECTOR(device index), to the local
 * APIC of the core its owner runs on. External-interrupt exiting is off
 * (vmx.c), so the interrupt enters the guest's IDT with no VM exit: the
 * monitor is on the path only when the routing changes (boot, MOVE_DEVICE).
 *
 * The IOAPIC page lies in the top GiB of the monitor's identity map, which
 * boot.S maps uncached (PCD|PWT); sandboxes' EPTs map only their RAM, the
 * fault log, the channel info and channel pages, so no guest reaches it.
 *
 * ISA IRQ n is taken as GSI n (pin n) with edge trigger, active high: the
 * MADT's interrupt source overrides are not read, so IRQ 0, which most
 * boards wire to pin 2, is not remapped. Pins 16 and up (PCI INTx) are set
 * level-triggered, active low, as PCI lines are. */
#include "mon.h"
#include "manifest.h"
#include "ioapic.h"

#define IOREGSEL      0x00u
#define IOWIN         0x10u
#define IOAPIC_VER    0x01u
#define IOAPIC_REDTBL 0x10u      /* entry n: low dword at 0x10 + 2n, high at +1 */
#define RTE_MASKED    (1u << 16)
#define RTE_LEVEL     (1u << 15)
#define RTE_LOW       (1u << 13)
#define IOAPIC_MAX_PINS 240u     /* the version register's field is 8 bits */
#define NO_DEVICE     0xFFFFFFFFu

/* The index/data window is one register pair for all cores: one lock. */
static struct spinlock ioapic_lock;
static u32 n_pins;
/* Which device each pin carries (the first that declared it), so a
 * device whose irq another device already took is never routed. */
static u32 pin_device[IOAPIC_MAX_PINS];

static volatile u32 *reg(u32 off)
{
	return (volatile u32 *)(uintptr_t)(IOAPIC_BASE + off);
}

/* Callers hold ioapic_lock. */
static u32 ioapic_read(u32 index)
{
	*reg(IOREGSEL) = index;
	return *reg(IOWIN);
}

static void ioapic_write(u32 index, u32 v)
{
	*reg(IOREGSEL) = index;
	*reg(IOWIN) = v;
}

/* The pin device `dev` owns, or NO_DEVICE. */
static u32 device_pin(u32 dev)
{
	if (dev >= mon.manifest->n_devices || dev >= QV_MAX_DEVICES)
		return NO_DEVICE;
	u32 irq = manifest_device(mon.manifest, dev)->irq;
	return irq < n_pins && pin_device[irq] == dev ? irq : NO_DEVICE;
}

void ioapic_mask(u32 dev)
{
	u32 pin = device_pin(dev);

	if (pin == NO_DEVICE)
		return;
	spin_lock(&ioapic_lock);
	u32 lo = ioapic_read(IOAPIC_REDTBL + 2 * pin);
	ioapic_write(IOAPIC_REDTBL + 2 * pin, lo | RTE_MASKED);
	spin_unlock(&ioapic_lock);
}

bool ioapic_route(u32 dev, u32 sb, char *what, size_t len)
{
	u32 pin = device_pin(dev);

	if (pin == NO_DEVICE) {
		fmt_buf(what, len, "none (no irq routed for this device)");
		return false;
	}
	const struct sandbox *s = sb < mon.n_sandboxes ? &mon.sandboxes[sb] : NULL;
	/* Physical destination mode names one local APIC by an 8-bit ID; an
	 * owner on a core that did not start, or beyond that ID, stays masked. */
	if (!s || s->core >= mon.n_cpus || mon.cpus[s->core].apic_id > 0xFF) {
		ioapic_mask(dev);
		fmt_buf(what, len, "irq %u masked: sb %u has no core it can reach", pin, sb);
		return false;
	}
	u32 apic = mon.cpus[s->core].apic_id, vector = QV_DEVICE_VECTOR(dev);
	u32 lo = vector | (pin >= 16 ? RTE_LEVEL | RTE_LOW : 0); /* fixed, physical */

	spin_lock(&ioapic_lock);
	/* Masked while the destination changes, so that no interrupt goes out
	 * with half an entry (old vector, new core or the reverse). */
	ioapic_write(IOAPIC_REDTBL + 2 * pin, lo | RTE_MASKED);
	ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, apic << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * pin, lo);
	spin_unlock(&ioapic_lock);
	fmt_buf(what, len, "irq %u -> vector 0x%x, sb %u (core %u, apic %u)", pin, vector, sb,
		s->core, apic);
	return true;
}

void __init ioapic_init(void)
{
	char what[96];

	spin_lock(&ioapic_lock);
	n_pins = (ioapic_read(IOAPIC_VER) >> 16 & 0xFF) + 1;
	if (n_pins > IOAPIC_MAX_PINS)
		n_pins = IOAPIC_MAX_PINS;
	/* Whatever the firmware left: no pin delivers until a device claims it. */
	for (u32 p = 0; p < n_pins; p++) {
		pin_device[p] = NO_DEVICE;
		ioapic_write(IOAPIC_REDTBL + 2 * p, RTE_MASKED);
		ioapic_write(IOAPIC_REDTBL + 2 * p + 1, 0);
	}
	spin_unlock(&ioapic_lock);
	/* One line per device and none more: every boot line shifts the
	 * sandboxes' start, and test_sched's margins are thin. */
	for (u32 d = 0; d < mon.manifest->n_devices && d < QV_MAX_DEVICES; d++) {
		const struct qv_manifest_device *dev = manifest_device(mon.manifest, d);
		if (dev->irq == QV_NO_IRQ)
			continue;
		if (dev->irq >= n_pins) {
			mon_printf("irq %u of device %u '%s': the ioapic has %u pins, not routed",
				   dev->irq, d, dev->name, n_pins);
			continue;
		}
		if (pin_device[dev->irq] != NO_DEVICE) {
			mon_printf("irq %u of device %u '%s': already device %u's, not routed",
				   dev->irq, d, dev->name, pin_device[dev->irq]);
			continue;
		}
		pin_device[dev->irq] = d;
		ioapic_route(d, mon.dev_owner[d], what, sizeof(what));
		mon_printf("%s", what);
	}
}
