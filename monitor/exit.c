/* VM exits: one small handler per reason, chosen from a table; every exit
 * is counted per sandbox and reason. A fault stops only this core's
 * sandbox (recovery.c records it, waits for the supervisor's command and
 * otherwise applies the sandbox's on_fault action). PCI configuration
 * ports are emulated here. */
#include "mon.h"
#include "vmx.h"
#include "manifest.h"

typedef void (*exit_fn)(struct sandbox *sb, struct guest_regs *r, u32 reason);

struct exit_kind {
	const char *name;
	exit_fn handle;
};

static void exit_cpuid(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_vmcall(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_ept_violation(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_io(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_fault(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_nmi_or_exception(struct sandbox *sb, struct guest_regs *r, u32 reason);
static void exit_preempt_timer(struct sandbox *sb, struct guest_regs *r, u32 reason);

/* Reasons without a handler of their own are faults of the sandbox: the
 * configuration never asks for them, so the guest did something it may not. */
static const struct exit_kind exit_kinds[EXIT_REASONS] = {
	[EXIT_EXCEPTION] = { "exception", exit_nmi_or_exception },
	[EXIT_EXTINT] = { "external_interrupt", exit_fault },
	[EXIT_TRIPLE_FAULT] = { "triple_fault", exit_fault },
	[EXIT_INIT] = { "init", exit_fault },
	[EXIT_SIPI] = { "sipi", exit_fault },
	[EXIT_CPUID] = { "cpuid", exit_cpuid },
	[EXIT_HLT] = { "hlt", exit_fault },
	[EXIT_INVD] = { "invd", exit_fault },
	[EXIT_VMCALL] = { "vmcall", exit_vmcall },
	[EXIT_CR_ACCESS] = { "cr_access", exit_fault },
	[EXIT_IO] = { "io", exit_io },
	[EXIT_RDMSR] = { "rdmsr", exit_fault },
	[EXIT_WRMSR] = { "wrmsr", exit_fault },
	[EXIT_BAD_GUEST_STATE] = { "entry_invalid_guest_state", exit_fault },
	[EXIT_EPT_VIOLATION] = { "ept_violation", exit_ept_violation },
	[EXIT_EPT_MISCONFIG] = { "ept_misconfig", exit_fault },
	[EXIT_PREEMPT_TIMER] = { "preemption_timer", exit_preempt_timer },
	[EXIT_XSETBV] = { "xsetbv", exit_fault },
};

static const char *reason_name(u32 reason, char *buf, size_t n)
{
	if (reason < EXIT_REASONS && exit_kinds[reason].name)
		return exit_kinds[reason].name;
	fmt_buf(buf, n, "reason%u", reason);
	return buf;
}

static void skip_instruction(void)
{
	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + vmread(EXIT_INSTRUCTION_LEN));
}

/* The fault kind a basic exit reason stands for (faultlog.h). */
static u32 fault_kind(u32 reason)
{
	switch (reason) {
	case EXIT_EPT_VIOLATION:
		return QV_FAULT_EPT;
	case EXIT_IO:
		return QV_FAULT_IO;
	case EXIT_TRIPLE_FAULT:
		return QV_FAULT_TRIPLE;
	case EXIT_PREEMPT_TIMER:
		return QV_FAULT_HANG;
	case EXIT_BAD_GUEST_STATE:
		return QV_FAULT_ENTRY;
	default:
		return QV_FAULT_EXIT;
	}
}

static void exit_fault(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	char buf[16];

	sandbox_fault(sb, r, fault_kind(reason), reason_name(reason, buf, sizeof(buf)), 0);
}

static void exit_ept_violation(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	(void)reason;
	sandbox_fault(sb, r, QV_FAULT_EPT, "ept_violation", vmread(GUEST_PHYS_ADDR));
}

/* PCI configuration mechanism #1, emulated per sandbox: CONFIG_ADDRESS
 * (0xCF8, dword) is the sandbox's own register; a data access (0xCFC-0xCFF)
 * reaches the hardware only when the enabled address names a function of a
 * "pci" device the sandbox owns, under one lock so that no two monitors
 * interleave their address and data cycles. Any other function is a PCI
 * violation. With the enable bit clear, reads see all-ones, writes vanish. */
#define PCI_CONFIG_ADDRESS 0xCF8u
#define PCI_CONFIG_DATA    0xCFCu
#define PCI_ENABLE         0x80000000u

static struct spinlock pci_lock;

static bool pci_owned(const struct sandbox *sb, u32 bdf)
{
	const struct qv_manifest_header *h = mon.manifest;

	for (u32 d = 0; d < h->n_devices; d++) {
		const struct qv_manifest_device *dev = manifest_device(h, d);
		if (dev->kind == QV_DEV_PCI && dev->pci_bdf == bdf &&
		    __atomic_load_n(&mon.dev_owner[d], __ATOMIC_ACQUIRE) == sb->cfg.id)
			return true;
	}
	return false;
}

static u32 port_in(u16 port, u32 size)
{
	u32 v = 0;

	if (size == 1) {
		u8 b;
		__asm__ volatile("inb %1, %0" : "=a"(b) : "Nd"(port));
		v = b;
	} else if (size == 2) {
		u16 w;
		__asm__ volatile("inw %1, %0" : "=a"(w) : "Nd"(port));
		v = w;
	} else {
		__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	}
	return v;
}

static void port_out(u16 port, u32 size, u32 v)
{
	if (size == 1)
		__asm__ volatile("outb %0, %1" : : "a"((u8)v), "Nd"(port));
	else if (size == 2)
		__asm__ volatile("outw %0, %1" : : "a"((u16)v), "Nd"(port));
	else
		__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static void set_in_result(struct guest_regs *r, u32 size, u32 v)
{
	if (size == 4)
		r->rax = v; /* a 32-bit IN zero-extends into RAX */
	else if (size == 2)
		r->rax = (r->rax & ~0xFFFFull) | (v & 0xFFFF);
	else
		r->rax = (r->rax & ~0xFFull) | (v & 0xFF);
}

/* Returns false when the access is not a PCI config access at all. */
static bool pci_config_access(struct sandbox *sb, struct guest_regs *r, u16 port, u32 size,
			      bool in)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4) {
		if (in)
			set_in_result(r, 4, sb->pci_addr);
		else
			sb->pci_addr = (u32)r->rax;
		skip_instruction();
		return true;
	}
	if (port < PCI_CONFIG_DATA || port + size > PCI_CONFIG_DATA + 4)
		return false;
	u32 addr = sb->pci_addr;
	if (addr & PCI_ENABLE) {
		if (!pci_owned(sb, addr >> 8 & 0xFFFF)) {
			sandbox_fault(sb, r, QV_FAULT_PCI, "pci", addr);
			return true;
		}
		spin_lock(&pci_lock);
		port_out(PCI_CONFIG_ADDRESS, 4, addr);
		if (in)
			set_in_result(r, size, port_in(port, size));
		else
			port_out(port, size, (u32)r->rax);
		port_out(PCI_CONFIG_ADDRESS, 4, 0);
		spin_unlock(&pci_lock);
	} else if (in) {
		set_in_result(r, size, 0xFFFFFFFFu);
	}
	skip_instruction();
	return true;
}

/* Owned ports never exit (the I/O bitmap lets them through), so an I/O exit
 * is an access to a port the sandbox does not own, or PCI configuration. */
static void exit_io(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	u64 qual = vmread(EXIT_QUALIFICATION);
	u16 port = qual >> 16 & 0xFFFF;
	u32 size = (u32)(qual & 7) + 1;
	bool in = qual >> 3 & 1, string = qual >> 4 & 1;

	(void)reason;
	if (!string && pci_config_access(sb, r, port, size, in))
		return;
	sandbox_fault(sb, r, QV_FAULT_IO, "io", port);
}

static void exit_nmi_or_exception(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	u32 info = (u32)vmread(EXIT_INTR_INFO);

	if ((info >> 31 & 1) && (info >> 8 & 7) == 2) { /* valid, type NMI */
		recovery_nmi_exit(sb, r);
		return;
	}
	exit_fault(sb, r, reason);
}

static void exit_preempt_timer(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	(void)reason;
	recovery_watchdog_exit(sb, r);
}

static void exit_cpuid(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	u32 a, b, c, d;

	(void)sb;
	(void)reason;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"((u32)r->rax), "c"((u32)r->rcx));
	if ((u32)r->rax == 1) {
		c &= ~(1u << 5);  /* VMX: the guest cannot nest */
		c |= 1u << 31;    /* "running under a hypervisor" */
	}
	r->rax = a;
	r->rbx = b;
	r->rcx = c;
	r->rdx = d;
	skip_instruction();
}

static void exit_vmcall(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	(void)reason;
	hypercall_dispatch(sb, r);
	skip_instruction();
}

/* An exit that interrupted the delivery of an event to the guest (its
 * timer interrupt, say, when the supervisor's NMI arrived) leaves the
 * event in the IDT-vectoring information; unless it is delivered again at
 * the next entry it is lost, and a guest whose one-shot timer interrupt is
 * lost never schedules again. Not after a restart: the new boot owes the
 * old one nothing. */
#define VECTORING_VALID       (1u << 31)
#define VECTORING_ERROR_CODE  (1u << 11)

static void redeliver(u32 info, u32 error, u32 insn_len)
{
	u32 type = info >> 8 & 7;

	vmwrite(ENTRY_INTR_INFO, info & (VECTORING_VALID | VECTORING_ERROR_CODE | 0x7FF));
	if (info & VECTORING_ERROR_CODE)
		vmwrite(ENTRY_EXCEPTION_ERROR, error);
	if (type == 4 || type == 5 || type == 6) /* software interrupt or exception */
		vmwrite(ENTRY_INSTRUCTION_LEN, insn_len);
}

void vmexit_handle(struct guest_regs *r)
{
	struct sandbox *sb = this_cpu()->sb;
	u32 raw = (u32)vmread(EXIT_REASON);
	u32 reason = raw & 0xFFFF;
	u32 vectoring = (u32)vmread(IDT_VECTORING_INFO), boot = sb->boot_count;
	u32 vec_error = 0, insn_len = 0;

	if (vectoring & VECTORING_VALID) {
		vec_error = (u32)vmread(IDT_VECTORING_ERROR);
		insn_len = (u32)vmread(EXIT_INSTRUCTION_LEN);
	}

	if (reason >= EXIT_REASONS)
		reason = EXIT_REASONS - 1;
	sb->exits[reason]++;
	if (raw & (1u << 31)) {
		char buf[16];
		fmt_buf(buf, sizeof(buf), "entry_fail%u", reason);
		sandbox_fault(sb, r, QV_FAULT_ENTRY, buf, 0);
	} else {
		exit_fn fn = exit_kinds[reason].handle ? exit_kinds[reason].handle : exit_fault;
		fn(sb, r, reason);
	}
	recovery_before_entry(sb, r);
	if ((vectoring & VECTORING_VALID) && sb->boot_count == boot)
		redeliver(vectoring, vec_error, insn_len);
}

void vmx_resume_failed(void)
{
	mon_panic("VMRESUME failed: VM-instruction error %lu", vmread(VM_INSTRUCTION_ERROR));
}

/* One parseable line: "exits sb=N boot=B total=T name=count ..." with every
 * reason seen so far (docs/monitor.md). */
void exits_report(const struct sandbox *sb)
{
	char line[200], name[16];
	size_t n;
	u64 total = 0;

	for (u32 i = 0; i < EXIT_REASONS; i++)
		total += sb->exits[i];
	n = fmt_buf(line, sizeof(line), "exits sb=%u boot=%u total=%lu", sb->cfg.id,
		    sb->boot_count, total);
	for (u32 i = 0; i < EXIT_REASONS && n < sizeof(line); i++)
		if (sb->exits[i])
			n += fmt_buf(line + n, sizeof(line) - n, " %s=%lu",
				     reason_name(i, name, sizeof(name)), sb->exits[i]);
	mon_printf("%s", line);
}
