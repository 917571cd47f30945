/* A sandbox's resources: EPT over its own region, I/O and MSR bitmaps, the
 * VMCS page, and its image loaded from the pristine kernel module (which
 * stays in monitor-private memory, so a restart reloads an untouched copy). */
#include "mon.h"
#include "ept.h"
#include "manifest.h"
#include "questv/chaninfo.h"

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define EM_X86_64 62

/* MSRs a guest may read and write without an exit: EFER is switched by the
 * VMCS; the syscall MSRs are per-core and unused by the monitor. */
static const u32 guest_msrs[] = {
	0xC0000080u, 0xC0000081u, 0xC0000082u, 0xC0000083u, 0xC0000084u,
	0xC0000100u, 0xC0000101u, 0xC0000102u,
};

static u64 __init pool_page(void *ctx)
{
	(void)ctx;
	return (u64)(uintptr_t)mem_alloc_pages(1);
}

static void __init bitmap_clear(u8 *map, u32 bit)
{
	map[bit / 8] &= (u8)~(1u << (bit % 8));
}

/* PCI configuration ports (CONFIG_ADDRESS, CONFIG_DATA, and 0xCF9, the
 * reset control register between them) always exit: exit.c emulates them. */
static bool __init pci_config_port(u32 p)
{
	return p >= 0xCF8 && p <= 0xCFF;
}

static void __init grant_io(struct sandbox *sb)
{
	const struct qv_manifest_header *h = mon.manifest;

	memset(sb->io_bitmap, 0xFF, 2 * PAGE_SIZE);
	for (u32 d = 0; d < h->n_devices; d++) {
		const struct qv_manifest_device *dev = manifest_device(h, d);
		if (dev->owner != sb->cfg.id)
			continue;
		for (u32 p = dev->io_base; p < (u32)dev->io_base + dev->io_len && p < 0x10000; p++)
			if (!pci_config_port(p))
				bitmap_clear(sb->io_bitmap, p);
	}
}

static void __init grant_msrs(struct sandbox *sb)
{
	memset(sb->msr_bitmap, 0xFF, PAGE_SIZE);
	for (size_t i = 0; i < sizeof(guest_msrs) / sizeof(guest_msrs[0]); i++) {
		u32 low = guest_msrs[i] & 0x1FFF;
		/* read-high bitmap at 1024, write-high at 3072 */
		bitmap_clear(sb->msr_bitmap + 1024, low);
		bitmap_clear(sb->msr_bitmap + 3072, low);
	}
	/* x2APIC timer registers: low MSRs, read bitmap at 0, write at 2048. */
	for (size_t i = 0; lapic_has_x2apic() && i < lapic_guest_msr_count; i++) {
		bitmap_clear(sb->msr_bitmap, lapic_guest_msrs[i]);
		bitmap_clear(sb->msr_bitmap + 2048, lapic_guest_msrs[i]);
	}
}

const char *__init sandbox_prepare(struct sandbox *sb)
{
	struct ept_alloc a = { pool_page, NULL };

	sb->io_bitmap = mem_alloc_pages(2);
	sb->msr_bitmap = mem_alloc_pages(1);
	sb->vmcs = mem_alloc_pages(1);
	if (!sb->io_bitmap || !sb->msr_bitmap || !sb->vmcs)
		return "monitor pool exhausted";
	grant_io(sb);
	grant_msrs(sb);
	sb->ept_root = ept_build_region(sb->region.base, sb->region.size, &a);
	if (!sb->ept_root)
		return "monitor pool exhausted building EPT";
	/* The fault log: readable by the supervisor, by nobody else; written
	 * only by the monitors (EPT_W never set, so a write is a violation). */
	if (sb->cfg.id == mon.manifest->supervisor && mon.faultlog) {
		for (u64 off = 0; off < mon.faultlog_size; off += PAGE_SIZE)
			if (ept_map_page(sb->ept_root, QV_FAULTLOG_GPA + off,
					 (u64)(uintptr_t)mon.faultlog + off, EPT_R | EPT_WB, &a))
				return "cannot map the fault log";
	}
	return NULL;
}

static bool segment_fits(const struct sandbox *sb, const struct elf64_phdr *p)
{
	return p->filesz <= p->memsz && p->offset <= mon.kernel_size &&
	       p->filesz <= mon.kernel_size - p->offset && p->paddr >= QV_KERNEL_MIN_GPA &&
	       p->paddr <= sb->region.size && p->memsz <= sb->region.size - p->paddr;
}

/* Copies the kernel's loadable segments into the region, zeroing their bss,
 * and clears the boot-info page. Returns 0 or -1 with a message printed. */
int sandbox_load(struct sandbox *sb)
{
	const u8 *img = mon.kernel_image;
	const struct elf64_ehdr *e = (const void *)img;

	if (mon.kernel_size < sizeof(*e) || memcmp(e->ident, "\x7F" "ELF\x02", 5) ||
	    e->machine != EM_X86_64 || e->phentsize < sizeof(struct elf64_phdr) ||
	    e->phoff > mon.kernel_size ||
	    (u64)e->phnum * e->phentsize > mon.kernel_size - e->phoff) {
		mon_printf("sandbox %u: the kernel module is not an x86-64 ELF", sb->cfg.id);
		return -1;
	}
	u8 *base = (u8 *)(uintptr_t)sb->region.base;
	for (u32 i = 0; i < e->phnum; i++) {
		const struct elf64_phdr *p = (const void *)(img + e->phoff + (u64)i * e->phentsize);
		if (p->type != PT_LOAD)
			continue;
		if (!segment_fits(sb, p)) {
			mon_printf("sandbox %u: kernel segment %u does not fit its region", sb->cfg.id, i);
			return -1;
		}
		memcpy(base + p->paddr, img + p->offset, p->filesz);
		memset(base + p->paddr + p->filesz, 0, p->memsz - p->filesz);
	}
	memset(base + QV_BOOTINFO_GPA, 0, PAGE_SIZE);
	sb->entry = e->entry;
	return 0;
}

static void fill_test_targets(struct sandbox *sb, struct qv_bootinfo *bi)
{
	const struct qv_manifest_header *h = mon.manifest;

	for (u32 i = 0; i < mon.n_sandboxes; i++)
		bi->sandbox_host_base[i] = mon.sandboxes[i].region.base;
	bi->monitor_host_addr = (u64)(uintptr_t)&mon;
	bi->ept_host_addr = sb->ept_root;
	bi->faultlog_host_addr = (u64)(uintptr_t)mon.faultlog;
	for (u32 d = 0; d < h->n_devices && d < QV_MAX_DEVICES; d++) {
		bi->device_io_base[d] = manifest_device(h, d)->io_base;
		bi->device_io_len[d] = manifest_device(h, d)->io_len;
	}
}

static u16 owned_uart(const struct sandbox *sb)
{
	const struct qv_manifest_header *h = mon.manifest;

	for (u32 d = 0; d < h->n_devices; d++) {
		const struct qv_manifest_device *dev = manifest_device(h, d);
		if (mon.dev_owner[d] == sb->cfg.id && dev->kind == QV_DEV_UART16550 && dev->io_len)
			return dev->io_base;
	}
	return 0;
}

/* Every manifest device: a kernel names and reaches the devices it may be
 * given later, not only those it owns now. */
static void fill_devices(struct qv_bootinfo *bi)
{
	const struct qv_manifest_header *h = mon.manifest;

	for (u32 d = 0; d < h->n_devices && d < QV_MAX_DEVICES; d++) {
		const struct qv_manifest_device *dev = manifest_device(h, d);
		struct qv_bootinfo_device *o = &bi->devices[d];
		memcpy(o->name, dev->name, QV_NAME_LEN);
		o->kind = dev->kind;
		o->io_base = dev->io_base;
		o->io_len = dev->io_len;
		o->irq = dev->irq;
	}
	bi->n_devices = h->n_devices < QV_MAX_DEVICES ? h->n_devices : QV_MAX_DEVICES;
}

/* The boot info page must not run into the channel list after it. */
_Static_assert(sizeof(struct qv_bootinfo) <= QV_CHANINFO_GPA - QV_BOOTINFO_GPA,
	       "boot info fits below the channel list");

void sandbox_fill_bootinfo(struct sandbox *sb)
{
	struct qv_bootinfo *bi = (void *)(uintptr_t)(sb->region.base + QV_BOOTINFO_GPA);

	memset(bi, 0, sizeof(*bi));
	bi->magic = QV_BOOT_MAGIC;
	bi->version = QV_BOOTINFO_VERSION;
	bi->size = sizeof(*bi);
	memcpy(bi->name, sb->cfg.name, QV_NAME_LEN);
	bi->sandbox_id = sb->cfg.id;
	bi->core = sb->core;
	bi->mem_mib = sb->cfg.mem_mib;
	bi->flags = QV_BI_F_ISOLATED | (lapic_has_x2apic() ? QV_BI_F_X2APIC : 0);
	bi->boot_count = sb->boot_count;
	bi->heartbeat_ms = sb->cfg.heartbeat_ms;
	bi->tsc_khz = mon.tsc_khz;
	bi->uart_port = owned_uart(sb);
	bi->n_sandboxes = (u16)mon.n_sandboxes;
	bi->supervisor = mon.manifest->supervisor;
	bi->watchdog_ms = sb->wd_ticks ? sb->cfg.watchdog_ms : 0;
	if (sb->cfg.id == mon.manifest->supervisor && mon.faultlog) {
		bi->faultlog_gpa = QV_FAULTLOG_GPA;
		bi->faultlog_size = (u32)mon.faultlog_size;
	}
	bundle_place(sb, bi);
	fill_devices(bi);
	recovery_live_devices(sb, bi);
	if (mon.manifest->flags & QV_MANIFEST_F_TEST_BUILD) {
		bi->flags |= QV_BI_F_TEST_BUILD;
		memcpy(bi->test_attacks, sb->cfg.test_attacks, sizeof(bi->test_attacks));
		fill_test_targets(sb, bi);
	}
}
