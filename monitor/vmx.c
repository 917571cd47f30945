/* VMX on one core: VMXON, the VMCS of the core's sandbox, and its launch.
 * The guest starts like a multiboot kernel: 32-bit protected mode with flat
 * segments, paging off (unrestricted guest), EAX = QV_BOOT_MAGIC, EBX = the
 * boot-info block. */
#include "mon.h"
#include "vmx.h"
#include "ept.h"

extern char vmx_exit_entry[];
extern u64 gdt[];
int vmx_launch(struct guest_regs *r);

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_PG (1ull << 31)
#define FLAT_LIMIT 0xFFFFFFFFull
#define AR_CODE32  0xC09Bull  /* present, DPL 0, execute/read, accessed, D, G */
#define AR_DATA32  0xC093ull  /* present, DPL 0, read/write, accessed, D, G */
#define AR_TSS32   0x008Bull  /* present, busy 32-bit TSS */
#define AR_UNUSABLE 0x10000ull

struct field_value {
	u32 field;
	u64 value;
};

/* The architectural state every boot of a sandbox starts from. */
static const struct field_value guest_boot_state[] = {
	{ GUEST_CS_SEL, 0x08 }, { GUEST_CS_BASE, 0 }, { GUEST_CS_LIMIT, FLAT_LIMIT },
	{ GUEST_CS_AR, AR_CODE32 },
	{ GUEST_SS_SEL, 0x10 }, { GUEST_SS_BASE, 0 }, { GUEST_SS_LIMIT, FLAT_LIMIT },
	{ GUEST_SS_AR, AR_DATA32 },
	{ GUEST_DS_SEL, 0x10 }, { GUEST_DS_BASE, 0 }, { GUEST_DS_LIMIT, FLAT_LIMIT },
	{ GUEST_DS_AR, AR_DATA32 },
	{ GUEST_ES_SEL, 0x10 }, { GUEST_ES_BASE, 0 }, { GUEST_ES_LIMIT, FLAT_LIMIT },
	{ GUEST_ES_AR, AR_DATA32 },
	{ GUEST_FS_SEL, 0x10 }, { GUEST_FS_BASE, 0 }, { GUEST_FS_LIMIT, FLAT_LIMIT },
	{ GUEST_FS_AR, AR_DATA32 },
	{ GUEST_GS_SEL, 0x10 }, { GUEST_GS_BASE, 0 }, { GUEST_GS_LIMIT, FLAT_LIMIT },
	{ GUEST_GS_AR, AR_DATA32 },
	{ GUEST_LDTR_SEL, 0 }, { GUEST_LDTR_BASE, 0 }, { GUEST_LDTR_LIMIT, 0 },
	{ GUEST_LDTR_AR, AR_UNUSABLE },
	{ GUEST_TR_SEL, 0 }, { GUEST_TR_BASE, 0 }, { GUEST_TR_LIMIT, 0x67 },
	{ GUEST_TR_AR, AR_TSS32 },
	{ GUEST_GDTR_BASE, 0 }, { GUEST_GDTR_LIMIT, 0 },
	{ GUEST_IDTR_BASE, 0 }, { GUEST_IDTR_LIMIT, 0 },
	{ GUEST_CR3, 0 }, { GUEST_DR7, 0x400 }, { GUEST_RSP, 0 }, { GUEST_RFLAGS, 0x2 },
	{ GUEST_PENDING_DBG, 0 }, { GUEST_INTERRUPTIBILITY, 0 }, { GUEST_ACTIVITY_STATE, 0 },
	{ GUEST_SYSENTER_CS, 0 }, { GUEST_SYSENTER_ESP, 0 }, { GUEST_SYSENTER_EIP, 0 },
	{ GUEST_IA32_DEBUGCTL, 0 }, { GUEST_IA32_EFER, 0 }, { VMCS_LINK_POINTER, ~0ull },
	{ ENTRY_INTR_INFO, 0 },
};

static void write_table(const struct field_value *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!vmwrite(t[i].field, t[i].value))
			mon_panic("vmwrite 0x%x failed", t[i].field);
}

/* Fixed bits of CR0 (PE and PG excepted: unrestricted guest) and CR4 that
 * VMX requires; the guest owns everything else. It reads its own view of
 * the host-owned bits from the read shadows. */
static u64 __init cr0_host_owned(void)
{
	u64 f0 = rdmsr(MSR_VMX_CR0_FIXED0), f1 = rdmsr(MSR_VMX_CR0_FIXED1);

	return ((f0 & ~(CR0_PE | CR0_PG)) | ~f1) & 0xFFFFFFFFull;
}

static u64 __init cr4_host_owned(void)
{
	return (rdmsr(MSR_VMX_CR4_FIXED0) | ~rdmsr(MSR_VMX_CR4_FIXED1)) & 0xFFFFFFFFull;
}

void vmx_reset_guest(struct sandbox *sb, struct guest_regs *r)
{
	/* The guest sees the bits VMX forces (NE) as set, so that its
	 * read-modify-write of CR0 matches the shadow and never exits; CR4.VMXE
	 * stays hidden. */
	u64 f0 = rdmsr(MSR_VMX_CR0_FIXED0) & ~(CR0_PE | CR0_PG);
	u64 cr0_view = CR0_PE | CR0_ET | f0, cr4_view = 0;

	write_table(guest_boot_state, sizeof(guest_boot_state) / sizeof(guest_boot_state[0]));
	vmwrite(GUEST_CR0, cr0_view);
	vmwrite(CR0_READ_SHADOW, cr0_view);
	vmwrite(GUEST_CR4, cr4_view | rdmsr(MSR_VMX_CR4_FIXED0));
	vmwrite(CR4_READ_SHADOW, cr4_view);
	vmwrite(GUEST_RIP, sb->entry);
	vmwrite(ENTRY_CONTROLS, vmread(ENTRY_CONTROLS) & ~(u64)ENTRY_IA32E_GUEST);
	memset(r, 0, sizeof(*r));
	r->rax = QV_BOOT_MAGIC;
	r->rbx = QV_BOOTINFO_GPA;
}

/* A control value with the bits we want, adjusted to what the CPU allows:
 * the capability MSR holds the must-be-one bits low, the may-be-one high. */
static u32 __init adjust_controls(u32 want, u32 msr, const char *what)
{
	u64 cap = rdmsr(msr);
	u32 v = (want | (u32)cap) & (u32)(cap >> 32);

	if ((v & want) != want)
		mon_panic("VMX lacks %s controls 0x%x (allowed 0x%x)", what, want,
			  (u32)(cap >> 32));
	return v;
}

static void __init setup_controls(struct sandbox *sb)
{
	bool true_msrs = rdmsr(MSR_VMX_BASIC) & (1ull << 55);

	/* NMI exiting: the supervisor's monitor reaches this core with an NMI
	 * (recovery.c). The preemption timer only for a watchdog: without it a
	 * sandbox's steady state stays free of timer exits. */
	u32 pin = PIN_NMI_EXITING | (sb->wd_ticks ? PIN_PREEMPT_TIMER : 0);
	vmwrite(PIN_CONTROLS, adjust_controls(pin, true_msrs ? MSR_VMX_TRUE_PINBASED :
					      MSR_VMX_PINBASED, "pin-based"));
	vmwrite(PROC_CONTROLS, adjust_controls(PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
					       PROC_SECONDARY, true_msrs ?
					       MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED,
					       "processor-based"));
	vmwrite(PROC_CONTROLS2, adjust_controls(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED,
						MSR_VMX_PROCBASED2, "secondary"));
	vmwrite(EXIT_CONTROLS, adjust_controls(EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER,
					       true_msrs ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT,
					       "exit"));
	vmwrite(ENTRY_CONTROLS, adjust_controls(ENTRY_LOAD_EFER, true_msrs ? MSR_VMX_TRUE_ENTRY :
						MSR_VMX_ENTRY, "entry"));
	vmwrite(EXCEPTION_BITMAP, 0);
	vmwrite(CR3_TARGET_COUNT, 0);
	vmwrite(EXIT_MSR_STORE_COUNT, 0);
	vmwrite(EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(IO_BITMAP_A, (u64)(uintptr_t)sb->io_bitmap);
	vmwrite(IO_BITMAP_B, (u64)(uintptr_t)sb->io_bitmap + PAGE_SIZE);
	vmwrite(MSR_BITMAP, (u64)(uintptr_t)sb->msr_bitmap);
	vmwrite(EPT_POINTER, ept_pointer(sb->ept_root));
	vmwrite(CR0_GUEST_HOST_MASK, cr0_host_owned());
	vmwrite(CR4_GUEST_HOST_MASK, cr4_host_owned());
}

static u64 __init read_cr(int n)
{
	u64 v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else if (n == 4)
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void __init setup_host_state(struct mon_cpu *c)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr;
	u64 tr_base = (gdt[3] >> 16 & 0xFFFFFF) | (gdt[3] >> 56 & 0xFF) << 24 | gdt[4] << 32;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	const struct field_value host[] = {
		{ HOST_CR0, read_cr(0) }, { HOST_CR3, read_cr(3) }, { HOST_CR4, read_cr(4) },
		{ HOST_CS_SEL, 0x08 }, { HOST_SS_SEL, 0x10 }, { HOST_DS_SEL, 0x10 },
		{ HOST_ES_SEL, 0x10 }, { HOST_FS_SEL, 0 }, { HOST_GS_SEL, 0 },
		{ HOST_TR_SEL, 0x18 }, { HOST_FS_BASE, 0 }, { HOST_GS_BASE, (u64)(uintptr_t)c },
		{ HOST_TR_BASE, tr_base }, { HOST_GDTR_BASE, (u64)(uintptr_t)gdt },
		{ HOST_IDTR_BASE, idtr.base }, { HOST_SYSENTER_CS, 0 },
		{ HOST_SYSENTER_ESP, 0 }, { HOST_SYSENTER_EIP, 0 },
		{ HOST_IA32_EFER, rdmsr(MSR_EFER) }, { HOST_RSP, c->stack_top },
		{ HOST_RIP, (u64)(uintptr_t)vmx_exit_entry },
	};
	write_table(host, sizeof(host) / sizeof(host[0]));
}

static void __init vmx_enable(struct mon_cpu *c)
{
	u32 a, b, cx, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(1), "c"(0));
	if (!(cx & (1u << 5)))
		mon_panic("this CPU has no VMX");
	u64 fc = rdmsr(MSR_FEATURE_CONTROL);
	if (!(fc & 1))
		wrmsr(MSR_FEATURE_CONTROL, fc | 0x5); /* lock, VMXON outside SMX */
	else if (!(fc & 0x4))
		mon_panic("VMX is disabled by the firmware");
	u64 cr0 = (read_cr(0) | rdmsr(MSR_VMX_CR0_FIXED0)) & rdmsr(MSR_VMX_CR0_FIXED1);
	u64 cr4 = (read_cr(4) | rdmsr(MSR_VMX_CR4_FIXED0)) & rdmsr(MSR_VMX_CR4_FIXED1);
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	c->vmxon = mem_alloc_pages(1);
	*(u32 *)c->vmxon = (u32)rdmsr(MSR_VMX_BASIC);
	u64 pa = (u64)(uintptr_t)c->vmxon;
	u8 fail;
	__asm__ volatile("vmxon %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	if (fail)
		mon_panic("VMXON failed");
}

static void __init vmcs_load(struct sandbox *sb)
{
	u64 pa = (u64)(uintptr_t)sb->vmcs;
	u8 fail;

	*(u32 *)sb->vmcs = (u32)rdmsr(MSR_VMX_BASIC);
	__asm__ volatile("vmclear %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	if (!fail)
		__asm__ volatile("vmptrld %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	if (fail)
		mon_panic("VMCLEAR/VMPTRLD failed");
}

static u32 launch_ready;

static u32 __init launch_expected(void)
{
	u32 n = 0;

	for (u32 i = 0; i < mon.n_sandboxes; i++)
		n += mon.sandboxes[i].core < mon.n_cpus;
	return n;
}

void __init vmx_run_core(struct mon_cpu *c)
{
	struct guest_regs regs;
	struct sandbox *sb = c->sb;

	vmx_enable(c);
	if (!sb) {
		mon_printf("VMX on, no sandbox on this core: idle");
		cpu_halt();
	}
	vmcs_load(sb);
	setup_controls(sb);
	setup_host_state(c);
	vmx_reset_guest(sb, &regs);
	lapic_guest_timer_setup();
	recovery_sandbox_started(sb);
	recovery_before_entry(sb, &regs);
	mon_printf("VMX on, launching sandbox %u (%s)", sb->cfg.id, sb->cfg.name);
	/* Every monitor has printed before any sandbox runs: the UART owner
	 * writes the serial line without our lock. */
	__atomic_fetch_add(&launch_ready, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&launch_ready, __ATOMIC_ACQUIRE) < launch_expected())
		__asm__ volatile("pause");
	vmx_launch(&regs);
	mon_panic("VMLAUNCH failed: VM-instruction error %lu", vmread(VM_INSTRUCTION_ERROR));
}
