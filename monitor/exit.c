/* VM exits: one small handler per reason, chosen from a table; every exit
 * is counted per sandbox and reason. A fault stops only this core's
 * sandbox: the monitor prints a fault record and applies the sandbox's
 * on_fault action. */
#include "mon.h"
#include "vmx.h"
#include "chan.h"

#define MAX_RESTARTS 16

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

/* Reasons without a handler of their own are faults of the sandbox: the
 * configuration never asks for them, so the guest did something it may not. */
static const struct exit_kind exit_kinds[EXIT_REASONS] = {
	[EXIT_EXCEPTION] = { "exception", exit_fault },
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

static const char *const action_names[] = { "halt", "restart", "quarantine" };

static void restart(struct sandbox *sb, struct guest_regs *r)
{
	sb->boot_count++;
	if (sandbox_load(sb) == 0) {
		sandbox_fill_bootinfo(sb);
		chan_fill_info(sb); /* the old life may have scribbled on it */
		vmx_reset_guest(sb, r);
		lapic_guest_timer_reset();
		mon_printf("sandbox %u restarted (boot %u)", sb->cfg.id, sb->boot_count);
		return;
	}
	sb->stopped = true;
	mon_printf("sandbox %u stopped: its image could not be reloaded", sb->cfg.id);
	cpu_halt();
}

/* Prints the fault record and applies on_fault; returns only when the
 * sandbox was restarted. */
static void sandbox_fault(struct sandbox *sb, struct guest_regs *r, const char *why, u64 addr)
{
	u32 act = sb->cfg.on_fault;

	if (act == QV_ON_FAULT_RESTART && sb->boot_count >= MAX_RESTARTS)
		act = QV_ON_FAULT_HALT;
	mon_printf("FAULT sb=%u reason=%s rip=0x%lx addr=0x%lx qual=0x%lx boot=%u action=%s",
		   sb->cfg.id, why, vmread(GUEST_RIP), addr, vmread(EXIT_QUALIFICATION),
		   sb->boot_count, act < 3 ? action_names[act] : "halt");
	if (act == QV_ON_FAULT_RESTART) {
		restart(sb, r);
		return;
	}
	sb->stopped = true;
	mon_printf("sandbox %u stopped", sb->cfg.id);
	cpu_halt();
}

static void exit_fault(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	char buf[16];

	sandbox_fault(sb, r, reason_name(reason, buf, sizeof(buf)), 0);
}

static void exit_ept_violation(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	(void)reason;
	sandbox_fault(sb, r, "ept_violation", vmread(GUEST_PHYS_ADDR));
}

/* Owned ports never exit (the I/O bitmap lets them through), so an I/O exit
 * is an access to a port the sandbox does not own. */
static void exit_io(struct sandbox *sb, struct guest_regs *r, u32 reason)
{
	(void)reason;
	sandbox_fault(sb, r, "io", vmread(EXIT_QUALIFICATION) >> 16 & 0xFFFF);
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

void vmexit_handle(struct guest_regs *r)
{
	struct sandbox *sb = this_cpu()->sb;
	u32 raw = (u32)vmread(EXIT_REASON);
	u32 reason = raw & 0xFFFF;

	if (reason >= EXIT_REASONS)
		reason = EXIT_REASONS - 1;
	sb->exits[reason]++;
	if (raw & (1u << 31)) {
		char buf[16];
		fmt_buf(buf, sizeof(buf), "entry_fail%u", reason);
		sandbox_fault(sb, r, buf, 0);
		return;
	}
	exit_fn fn = exit_kinds[reason].handle ? exit_kinds[reason].handle : exit_fault;
	fn(sb, r, reason);
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
