/* Devices (devices.h): the table comes from kboot, the copy made at boot;
 * the live fields are read where the monitor writes them, in the boot-info
 * page itself, which nothing of the kernel reuses (kmem starts above the
 * kernel image). */
#include "kernel.h"
#include "thread.h"
#include "devices.h"

static void (*notice_hook)(void);

void notice_isr(void);          /* notice.S */
void notice_interrupt(void);

void devices_init(void)
{
	idt_set_gate((u8)QV_NOTICE_VECTOR, notice_isr);
}

/* From notice.S. EOI first, as the doorbell does: a wake may switch
 * threads, and the vector in service would hold off the timer's. */
void notice_interrupt(void)
{
	timer_eoi();
	void (*fn)(void) = __atomic_load_n(&notice_hook, __ATOMIC_ACQUIRE);
	if (fn)
		fn();
}

void devices_on_notice(void (*fn)(void))
{
	__atomic_store_n(&notice_hook, fn, __ATOMIC_RELEASE);
}

u32 devices_count(void)
{
	return kboot.n_devices < QV_MAX_DEVICES ? kboot.n_devices : QV_MAX_DEVICES;
}

const struct qv_bootinfo_device *devices_at(u32 i)
{
	return i < devices_count() ? &kboot.devices[i] : NULL;
}

void devices_name(u32 i, char out[QV_NAME_LEN + 1])
{
	const struct qv_bootinfo_device *d = devices_at(i);
	u32 n = 0;

	while (d && n < QV_NAME_LEN && d->name[n]) {
		out[n] = d->name[n];
		n++;
	}
	out[n] = 0;
}

const char *devices_kind_name(u32 kind)
{
	switch (kind) {
	case QV_DEV_UART16550: return "uart16550";
	case QV_DEV_PCI: return "pci";
	case QV_DEV_ISA: return "isa";
	default: return "unknown";
	}
}

/* The monitor's block, or the copy when there is no monitor (GRUB booted
 * this kernel directly: then nobody moves anything, and the copy's fields
 * are 0). */
static struct qv_bootinfo *live_block(void)
{
	return kernel_isolated() ? (struct qv_bootinfo *)(uintptr_t)QV_BOOTINFO_GPA : &kboot;
}

u32 devices_epoch(void)
{
	return __atomic_load_n(&live_block()->devices_epoch, __ATOMIC_ACQUIRE);
}

u32 devices_owned(void)
{
	u32 mask = __atomic_load_n(&live_block()->devices_owned, __ATOMIC_ACQUIRE);

	/* only devices of the table: the block is this sandbox's own memory */
	return devices_count() < 32 ? mask & ((1u << devices_count()) - 1) : mask;
}

bool devices_owns(u32 i)
{
	return i < devices_count() && (devices_owned() >> i & 1);
}
