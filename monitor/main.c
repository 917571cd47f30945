/* The monitor's boot: the boot processor reads what GRUB left, checks the
 * manifest, carves memory, prepares every sandbox, starts the other cores,
 * and then each core (itself included) launches the sandbox it owns. */
#include "mon.h"
#include "boot_info.h"
#include "manifest.h"
#include "chan.h"
#include "ioapic.h"
#include "../kernel/lib/uart.h"

#define MB2_BOOT_MAGIC 0x36D76289u

struct mon_state mon;
extern u64 ap_stack_top[MON_MAX_CPUS];
extern char __image_start[], __image_end[];

static struct boot_info boot_info __initdata;
static volatile u32 cores_go;

static void __init load_manifest(const struct boot_info *bi)
{
	const void *m = (const void *)(uintptr_t)bi->manifest.base;
	const char *why = bi->manifest.size ? manifest_check(m, bi->manifest.size)
					    : "no module named 'manifest'";

	if (why)
		mon_panic("manifest refused: %s", why);
	mon.manifest = m;
	mon.n_sandboxes = mon.manifest->n_sandboxes;
	mon_printf("manifest ok: %u sandboxes, %u devices, %u channels, %u cores%s",
		   mon.n_sandboxes, mon.manifest->n_devices, mon.manifest->n_channels,
		   mon.manifest->machine_cores,
		   mon.manifest->flags & QV_MANIFEST_F_TEST_BUILD ? ", test build" : "");
}

static void __init plan_sandboxes(void)
{
	for (u32 i = 0; i < mon.n_sandboxes; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		manifest_sandbox_copy(mon.manifest, i, &sb->cfg);
		/* A sandbox runs on the lowest core of its mask; more cores per
		 * sandbox come with the kernel's SMP support. */
		sb->core = (u32)__builtin_ctz(sb->cfg.core_mask);
	}
}

static u64 __init pool_page(void *ctx)
{
	(void)ctx;
	return (u64)(uintptr_t)mem_alloc_pages(1);
}

static struct ept_alloc chan_ept_alloc __initdata = { pool_page, NULL };

static void __init prepare_sandboxes(void)
{
	for (u32 i = 0; i < mon.n_sandboxes; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		const char *why = sandbox_prepare(sb);
		if (!why)
			why = chan_map(sb, &chan_ept_alloc);
		if (why || sandbox_load(sb))
			mon_panic("sandbox %u cannot be prepared: %s", i, why ? why : "bad image");
		sandbox_fill_bootinfo(sb);
		chan_fill_info(sb);
		mon_printf("sandbox %u '%s': core %u, region 0x%lx-0x%lx (%u MiB), ept 0x%lx, "
			   "on_fault=%u", i, sb->cfg.name, sb->core, sb->region.base,
			   sb->region.base + sb->region.size, sb->cfg.mem_mib, sb->ept_root,
			   sb->cfg.on_fault);
		if (sb->core < MON_MAX_CPUS)
			mon.cpus[sb->core].sb = sb;
	}
}

static void __init report_layout(void)
{
	mon_printf("memory: monitor 0x%lx-0x%lx, pool 0x%lx-0x%lx, channels 0x%lx-0x%lx, "
		   "tsc %lu kHz", (u64)(uintptr_t)__image_start, (u64)(uintptr_t)__image_end,
		   mon.pool.base, mon.pool.base + mon.pool.size, mon.channels.base,
		   mon.channels.base + mon.channels.size, mon.tsc_khz);
}

static void __init check_cores(void)
{
	mon_printf("%u cores up", mon.n_cpus);
	for (u32 i = 0; i < mon.n_sandboxes; i++)
		if (mon.sandboxes[i].core >= mon.n_cpus)
			mon_printf("sandbox %u needs core %u, which did not start: not launched",
				   i, mon.sandboxes[i].core);
}

void __init mon_main(u32 magic, u32 mbi)
{
	struct mon_cpu *c = &mon.cpus[0];

	con_init();
	cpu_setup_tables(c);
	mon.boot_tsc = rdtsc();
	mon_printf("questv monitor (tsc %lu)", mon.boot_tsc);
	if (magic != MB2_BOOT_MAGIC)
		mon_panic("not started by a multiboot2 loader (EAX 0x%x)", magic);
	boot_info_parse(&boot_info, mbi);
	load_manifest(&boot_info);
	mon.kernel_image = (const void *)(uintptr_t)boot_info.kernel.base;
	mon.kernel_size = boot_info.kernel.size;
	memcpy(mon.bundles, boot_info.bundles, sizeof(mon.bundles));
	if (!mon.kernel_size)
		mon_panic("no module named 'kernel'");
	mon.tsc_khz = pit_measure_tsc_khz();
	plan_sandboxes();
	const char *why = mem_carve(&boot_info);
	if (why)
		mon_panic("memory: %s", why);
	report_layout();
	chan_report();
	recovery_init();
	prepare_sandboxes();
	c->stack_top = (u64)(uintptr_t)mem_alloc_pages(MON_STACK_SIZE / PAGE_SIZE) + MON_STACK_SIZE;
	c->apic_id = lapic_id();
	mon.n_cpus = 1;
	smp_start_aps();
	check_cores();
	/* After the cores are up (the IOAPIC names a core by its APIC ID) and
	 * before any guest runs. */
	ioapic_init();
	__atomic_store_n(&cores_go, 1, __ATOMIC_RELEASE);
	vmx_run_core(c);
}

void __init ap_main(u32 index)
{
	if (index >= MON_MAX_CPUS)
		cpu_halt();
	struct mon_cpu *c = &mon.cpus[index];
	c->index = index;
	c->stack_top = ap_stack_top[index];
	cpu_setup_tables(c);
	c->apic_id = lapic_id();
	__atomic_fetch_add(&mon.n_cpus, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&cores_go, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	vmx_run_core(c);
}
