/* Fault containment and recovery: the fault log, the supervisor's recovery
 * commands, the watchdog (docs/monitor.md, "Faults and recovery").
 *
 * A fault freezes the sandbox on its own core: the core stays in the
 * monitor, inside the exit handler of the faulting exit. The record goes to
 * the fault log (mapped read-only into the supervisor, which polls its
 * write_seq) and to the console. The core then waits up to the manifest's
 * recovery_timeout_ms for a command from the supervisor; without one (or
 * when the supervisor is the one that faulted, or is not running) it
 * applies the sandbox's on_fault. A frozen core keeps taking commands.
 *
 * Commands come from the supervisor's monitor (QV_HC_RECOVER) on another
 * core. The command is put in the target's slot under a lock and an NMI IPI
 * (x2APIC ICR, delivery mode NMI) is sent to the target's core: NMI exiting
 * is on for every sandbox, so a running guest exits at once, whatever its
 * interrupt flag; a core parked in the monitor wakes from HLT. The sender
 * repeats the NMI until the target says it took the command (an NMI that
 * lands while the target core is in the monitor between its last check and
 * VM entry would otherwise be lost). INIT-SIPI is not used: it would reset
 * the core and lose its VMX state (VMXON region, current VMCS). */
#include "mon.h"
#include "ioapic.h"
#include "vmx.h"
#include "chan.h"
#include "questv/hypercall.h"
#include "manifest.h"
#include "../kernel/lib/uart.h"

#define MAX_RESTARTS 16
#define CMD_REACH_MS 1000         /* a target core must take a command this fast (a
				   * core reloading an image takes it afterwards) */
#define NMI_RESEND_US 500
#define WATCHDOG_BOOT_GRACE_MS 1000 /* first heartbeat after a (re)start may take this */
#define X2APIC_ICR 0x830u
#define ICR_NMI (4u << 8)
#define ICR_ASSERT (1u << 14)

static struct spinlock log_lock;  /* appends to the fault log */
static struct spinlock cmd_lock;  /* command slots of every sandbox */
/* dev_owner's changes, and the live ownership fields of every boot info
 * (struct qv_bootinfo devices_owned/devices_epoch) written from it. */
static struct spinlock dev_lock;

static void park(struct sandbox *sb, struct guest_regs *r);

static const char *const action_names[] = { "halt", "restart", "quarantine" };
static const char *const kind_names[] = {
	"none", "ept_violation", "io", "pci", "triple_fault", "hang", "exit", "entry",
	"refused_command",
};
static const char *const cmd_names[] = {
	"none", "restart", "stop", "quarantine", "resume", "move_device", "restart_service",
};

static u64 ms_ticks(u64 ms)
{
	return ms * mon.tsc_khz;
}

static u64 ns_since_boot(void)
{
	u64 t = rdtsc() - mon.boot_tsc, khz = mon.tsc_khz ? mon.tsc_khz : 1;

	return t / khz * 1000000u + t % khz * 1000000u / khz;
}

void recovery_init(void)
{
	void *page = mem_alloc_pages(1);

	mon.recovery_timeout_ms = manifest_recovery_timeout_ms(mon.manifest);
	for (u32 d = 0; d < mon.manifest->n_devices && d < QV_MAX_DEVICES; d++)
		mon.dev_owner[d] = manifest_device(mon.manifest, d)->owner;
	mon.faultlog = faultlog_init(page, PAGE_SIZE);
	mon.faultlog_size = mon.faultlog ? PAGE_SIZE : 0;
	if (!mon.faultlog)
		mon_panic("no memory for the fault log");
	bool syms = ksym_init(&mon.ksyms, mon.kernel_image, mon.kernel_size);
	u64 pin = rdmsr(rdmsr(MSR_VMX_BASIC) & (1ull << 55) ? MSR_VMX_TRUE_PINBASED :
			MSR_VMX_PINBASED);
	mon.preempt_ok = (pin >> 32) & PIN_PREEMPT_TIMER;
	mon.preempt_shift = (u32)(rdmsr(MSR_VMX_MISC) & 0x1F);
	for (u32 i = 0; i < mon.n_sandboxes; i++) {
		struct sandbox *sb = &mon.sandboxes[i];
		if (!sb->cfg.watchdog_ms)
			continue;
		if (mon.preempt_ok)
			sb->wd_ticks = ms_ticks(sb->cfg.watchdog_ms);
		else
			mon_printf("sandbox %u: watchdog_ms %u but no VMX-preemption timer: "
				   "no watchdog", i, sb->cfg.watchdog_ms);
	}
	mon_printf("fault log 0x%lx (%u records), kernel symbols %lu, recovery timeout %u ms, "
		   "preemption timer %s (tsc >> %u)", (u64)(uintptr_t)mon.faultlog,
		   mon.faultlog->capacity, syms ? mon.ksyms.count : 0, mon.recovery_timeout_ms,
		   mon.preempt_ok ? "yes" : "no", mon.preempt_shift);
}

static void set_state(struct sandbox *sb, u32 state)
{
	__atomic_store_n(&sb->state, state, __ATOMIC_RELEASE);
	__atomic_store_n(&sb->stopped, state != SB_RUNNING, __ATOMIC_RELEASE);
}

static u32 state_of(const struct sandbox *sb)
{
	return __atomic_load_n(&sb->state, __ATOMIC_ACQUIRE);
}

/* Reloads the kernel's segments from the pristine module, rewrites the
 * boot info and channel list with the next boot count, resets the guest
 * state: the sandbox boots again when this exit returns. A note (from
 * RESTART_SERVICE) goes into this boot's boot info only: every boot info
 * is written afresh, so the next restart has none unless asked again. */
void sandbox_restart(struct sandbox *sb, struct guest_regs *r, const char *note)
{
	u64 start = rdtsc();

	sb->boot_count++;
	if (sandbox_load(sb) == 0) {
		sandbox_fill_bootinfo(sb);
		if (note && note[0]) {
			struct qv_bootinfo *bi =
				(void *)(uintptr_t)(sb->region.base + QV_BOOTINFO_GPA);
			size_t n = strnlen(note, QV_RECOVERY_NOTE_MAX);
			memcpy(bi->recovery_note, note, n);
			bi->recovery_note[n] = 0;
		}
		chan_fill_info(sb); /* the old life may have scribbled on it */
		vmx_reset_guest(sb, r);
		lapic_guest_timer_reset();
		sb->pci_addr = 0;
		sb->fault_frozen = false;
		set_state(sb, SB_RUNNING);
		recovery_sandbox_started(sb);
		/* the TSC range of the reload, for benchmarks/recovery (its format
		 * is parsed there and by the tests: the note has a line of its own) */
		mon_printf("sandbox %u restarted (boot %u) tsc %lu-%lu", sb->cfg.id, sb->boot_count,
			   start, rdtsc());
		if (note && note[0])
			mon_printf("sandbox %u boot %u recovery note \"%s\"", sb->cfg.id,
				   sb->boot_count, note);
		return;
	}
	set_state(sb, SB_STOPPED);
	mon_printf("sandbox %u stopped: its image could not be reloaded", sb->cfg.id);
	cpu_halt();
}

/* Appends a record and prints its second console line. Returns its seq. */
static u64 log_record(struct qv_fault_record *rec)
{
	u64 off = 0;
	const char *sym = ksym_lookup(&mon.ksyms, rec->rip, &off);

	if (sym) {
		size_t n = strnlen(sym, QV_FAULTLOG_SYM_LEN - 1);
		memcpy(rec->sym, sym, n);
		rec->sym[n] = 0;
		rec->sym_off = (u32)off;
	}
	rec->time_ns = ns_since_boot();
	spin_lock(&log_lock);
	u64 seq = faultlog_append(mon.faultlog, rec);
	spin_unlock(&log_lock);
	return seq;
}

/* `tsc` is the TSC when the monitor took the exit (benchmarks/recovery). */
static void print_record_line(const struct qv_fault_record *rec, u64 seq, u64 tsc)
{
	mon_printf("fault seq=%lu sb=%u kind=%s sym=%s+0x%x time_ns=%lu tsc=%lu", seq,
		   rec->sandbox, rec->kind < sizeof(kind_names) / sizeof(kind_names[0]) ?
		   kind_names[rec->kind] : "?", rec->sym[0] ? rec->sym : "?", rec->sym_off,
		   rec->time_ns, tsc);
}

/* The NMI that makes another core look at its command slot. */
static void send_nmi(u32 core)
{
	wrmsr(X2APIC_ICR, (u64)mon.cpus[core].apic_id << 32 | ICR_ASSERT | ICR_NMI);
}

/* NMI blocking lasts until the next IRET after an NMI exit (or a root-mode
 * NMI): an IRET to the next instruction ends it, so later NMIs get through. */
static void nmi_unblock(void)
{
	__asm__ volatile("movq %%rsp, %%rax\n\t"
			 "pushq $0x10\n\t"
			 "pushq %%rax\n\t"
			 "pushfq\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "iretq\n"
			 "1:" : : : "rax", "memory", "cc");
}

enum taken { TAKEN_NONE, TAKEN_RUN, TAKEN_FROZEN };

/* Takes the command in sb's slot, if any, on sb's own core, and carries it
 * out: TAKEN_RUN when the sandbox is to run (restarted or resumed),
 * TAKEN_FROZEN when it is now stopped or quarantined, TAKEN_NONE when
 * there was none or it was refused (nothing changed). */
static enum taken take_command(struct sandbox *sb, struct guest_regs *r)
{
	char note[QV_RECOVERY_NOTE_MAX + 1];

	spin_lock(&cmd_lock);
	u32 cmd = sb->cmd, for_boot = sb->cmd_boot;
	sb->cmd = 0;
	memcpy(note, sb->cmd_note, sizeof(note));
	sb->cmd_note[0] = 0;
	spin_unlock(&cmd_lock);
	if (!cmd)
		return TAKEN_NONE;
	u32 st = state_of(sb);
	s32 result = 0;
	if (st == SB_QUARANTINED || (cmd == QV_RECOVER_RESUME && (st != SB_STOPPED ||
								 sb->fault_frozen)))
		result = cmd == QV_RECOVER_RESUME ? QV_HC_EINVAL : QV_HC_EPERM;
	else if (for_boot && for_boot - 1 != sb->boot_count)
		/* decided for a fault its on_fault has already dealt with: a
		 * second restart (or a freeze) would hit the new life */
		result = QV_HC_ESTALE;
	const char *name = cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) ? cmd_names[cmd] : "?";
	if (result == QV_HC_ESTALE)
		mon_printf("sandbox %u: command %s from the supervisor refused: it was for boot %u, "
			   "the sandbox is at boot %u", sb->cfg.id, name, for_boot - 1, sb->boot_count);
	else
		mon_printf("sandbox %u: command %s from the supervisor%s", sb->cfg.id, name,
			   result ? " refused" : "");
	sb->cmd_result = result;
	__atomic_store_n(&sb->cmd_done, 1, __ATOMIC_RELEASE);
	if (result)
		return TAKEN_NONE;
	switch (cmd) {
	case QV_RECOVER_RESTART:
	case QV_RECOVER_RESTART_SERVICE:
		sandbox_restart(sb, r, cmd == QV_RECOVER_RESTART_SERVICE ? note : NULL);
		return TAKEN_RUN;
	case QV_RECOVER_RESUME:
		set_state(sb, SB_RUNNING);
		recovery_sandbox_started(sb);
		return TAKEN_RUN;
	case QV_RECOVER_STOP:
		set_state(sb, SB_STOPPED);
		mon_printf("sandbox %u stopped", sb->cfg.id);
		return TAKEN_FROZEN;
	default:
		set_state(sb, SB_QUARANTINED);
		mon_printf("sandbox %u quarantined", sb->cfg.id);
		return TAKEN_FROZEN;
	}
}

/* A frozen sandbox's core: halted with interrupts off, so only the
 * supervisor's NMI wakes it; returns when a command lets the sandbox run. */
static void park(struct sandbox *sb, struct guest_regs *r)
{
	for (;;) {
		if (take_command(sb, r) == TAKEN_RUN)
			return;
		__asm__ volatile("cli; hlt" ::: "memory");
	}
}

/* Whether a supervisor is there to decide about sb's fault. */
static bool supervisor_decides(const struct sandbox *sb)
{
	u32 sup = mon.manifest->supervisor;

	if (sup >= mon.n_sandboxes || sup == sb->cfg.id || mon.recovery_timeout_ms == 0)
		return false;
	const struct sandbox *s = &mon.sandboxes[sup];
	return s->core < mon.n_cpus && state_of(s) == SB_RUNNING;
}

void sandbox_fault(struct sandbox *sb, struct guest_regs *r, u32 kind, const char *why, u64 addr)
{
	u64 tsc = rdtsc();
	u32 act = sb->cfg.on_fault;
	struct qv_fault_record rec;

	if (act > QV_ON_FAULT_QUARANTINE ||
	    (act == QV_ON_FAULT_RESTART && sb->boot_count >= MAX_RESTARTS))
		act = QV_ON_FAULT_HALT;
	set_state(sb, SB_FAULTED);
	sb->fault_frozen = true;
	memset(&rec, 0, sizeof(rec));
	rec.sandbox = sb->cfg.id;
	rec.kind = kind;
	rec.exit_reason = (u32)vmread(EXIT_REASON) & 0xFFFF;
	rec.boot_count = sb->boot_count;
	rec.rip = vmread(GUEST_RIP);
	rec.gpa = addr;
	rec.qual = vmread(EXIT_QUALIFICATION);
	rec.action = act;
	u64 seq = log_record(&rec);
	mon_printf("FAULT sb=%u reason=%s rip=0x%lx addr=0x%lx qual=0x%lx boot=%u action=%s",
		   sb->cfg.id, why, rec.rip, addr, rec.qual, sb->boot_count, action_names[act]);
	print_record_line(&rec, seq, tsc);

	if (supervisor_decides(sb)) {
		u64 end = rdtsc() + ms_ticks(mon.recovery_timeout_ms);
		while (rdtsc() < end) {
			enum taken t = __atomic_load_n(&sb->cmd, __ATOMIC_ACQUIRE) ?
				       take_command(sb, r) : TAKEN_NONE;
			if (t == TAKEN_RUN)
				return;
			if (t == TAKEN_FROZEN) {
				park(sb, r);
				return;
			}
			__asm__ volatile("pause");
		}
		mon_printf("sandbox %u: no command from the supervisor in %u ms, on_fault=%s",
			   sb->cfg.id, mon.recovery_timeout_ms, action_names[act]);
	}
	if (act == QV_ON_FAULT_RESTART) {
		sandbox_restart(sb, r, NULL);
		return;
	}
	set_state(sb, act == QV_ON_FAULT_QUARANTINE ? SB_QUARANTINED : SB_STOPPED);
	mon_printf("sandbox %u stopped", sb->cfg.id);
	park(sb, r);
}

/* A refused command: reported on the console and in the log, nothing else
 * happens to anyone. */
static void refuse(struct sandbox *sb, u32 cmd, u32 target)
{
	struct qv_fault_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.sandbox = sb->cfg.id;
	rec.kind = QV_FAULT_REFUSED_COMMAND;
	rec.exit_reason = 0xFFFF;
	rec.boot_count = sb->boot_count;
	rec.rip = vmread(GUEST_RIP);
	rec.gpa = target;
	rec.qual = cmd;
	rec.action = QV_ON_FAULT_HALT;
	u64 tsc = rdtsc(), seq = log_record(&rec);
	mon_printf("REFUSED sb=%u command=%u target=%u: only the supervisor (sb %u) may command",
		   sb->cfg.id, cmd, target, mon.manifest->supervisor);
	print_record_line(&rec, seq, tsc);
}

static void io_bit(u8 *bitmap, u32 port, bool exits)
{
	if (exits)
		bitmap[port / 8] |= (u8)(1u << (port % 8));
	else
		bitmap[port / 8] &= (u8)~(1u << (port % 8));
}

/* The live ownership bit of device d in sb's boot-info block, set or
 * cleared, and its epoch bumped; returns the new epoch. Under dev_lock,
 * after dev_owner changed: a restart of sb clears the whole block first and
 * then writes its devices_owned from dev_owner under the same lock
 * (recovery_live_devices), so whichever comes second leaves it right. The
 * owned bit is stored before the epoch, which a kernel reads first. */
static u32 live_ownership(struct sandbox *sb, u32 d, bool owned)
{
	struct qv_bootinfo *bi = (void *)(uintptr_t)(sb->region.base + QV_BOOTINFO_GPA);

	if (owned)
		__atomic_fetch_or(&bi->devices_owned, 1u << d, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&bi->devices_owned, ~(1u << d), __ATOMIC_RELEASE);
	return __atomic_add_fetch(&bi->devices_epoch, 1, __ATOMIC_RELEASE);
}

void recovery_live_devices(struct sandbox *sb, struct qv_bootinfo *bi)
{
	u32 mask = 0;

	spin_lock(&dev_lock);
	for (u32 d = 0; d < mon.manifest->n_devices && d < QV_MAX_DEVICES; d++)
		if (mon.dev_owner[d] == sb->cfg.id)
			mask |= 1u << d;
	__atomic_store_n(&bi->devices_owned, mask, __ATOMIC_RELEASE);
	spin_unlock(&dev_lock);
}

/* QV_NOTICE_VECTOR to sb's core, as the doorbell is sent, when sb runs: a
 * frozen sandbox reads the live fields when it runs again, and a sandbox
 * that restarts reads them at boot. False when not sent. */
static bool send_notice(const struct sandbox *sb)
{
	return !__atomic_load_n(&sb->stopped, __ATOMIC_RELAXED) && sb->core < mon.n_cpus &&
	       lapic_send_vector(sb->core, QV_NOTICE_VECTOR);
}

/* MOVE_DEVICE: device `d` from its current owner to sandbox `to`. Its I/O
 * ports start exiting (a fault) in the old owner's bitmap and pass in the
 * new owner's; PCI configuration follows dev_owner at the next access. The
 * CPU reads the I/O bitmaps at each I/O instruction, so both take effect
 * at once, on whatever core each sandbox runs. Its IOAPIC pin, if it has
 * one, is masked while the ports change hands and then re-pointed at the
 * new owner's core (ioapic.c), so that the pin is silent while neither
 * side has both the ports and the interrupt (one already delivered to the
 * old owner can still meet its closed ports). The UART is refused: the
 * console hub and the monitors' UART lock belong to its boot-time owner. */
static s64 move_device(u64 d, u64 to)
{
	if (d >= mon.manifest->n_devices || d >= QV_MAX_DEVICES || to >= mon.n_sandboxes)
		return QV_HC_EINVAL;
	const struct qv_manifest_device *dev = manifest_device(mon.manifest, (u32)d);
	if (dev->kind == QV_DEV_UART16550)
		return QV_HC_EINVAL;
	struct sandbox *dst = &mon.sandboxes[to];
	if (state_of(dst) == SB_QUARANTINED)
		return QV_HC_EPERM;
	char routing[96];
	u32 epoch_from = 0, epoch_to = 0;
	spin_lock(&dev_lock);
	u32 from = mon.dev_owner[d];
	if (from != to) {
		ioapic_mask((u32)d);
		struct sandbox *src = &mon.sandboxes[from];
		for (u32 p = dev->io_base; p < (u32)dev->io_base + dev->io_len && p < 0x10000; p++) {
			if (p >= 0xCF8 && p <= 0xCFF)
				continue; /* always emulated */
			io_bit(src->io_bitmap, p, true);
			io_bit(dst->io_bitmap, p, false);
		}
		__atomic_store_n(&mon.dev_owner[d], (u32)to, __ATOMIC_RELEASE);
		epoch_from = live_ownership(src, (u32)d, false);
		epoch_to = live_ownership(dst, (u32)d, true);
	}
	ioapic_route((u32)d, (u32)to, routing, sizeof(routing));
	spin_unlock(&dev_lock);
	mon_printf("device %lu '%s' moved from sb %u to sb %lu (ports 0x%x+%u, pci 0x%x); "
		   "interrupt routing: %s", d, dev->name, from, to, dev->io_base, dev->io_len,
		   dev->pci_bdf, routing);
	if (from != to) {
		/* After the unlock: the receivers only read the block. */
		bool n_to = send_notice(dst), n_from = send_notice(&mon.sandboxes[from]);
		mon_printf("device %lu ownership: sb %u epoch %u notice %s, sb %lu epoch %u "
			   "notice %s", d, from, epoch_from, n_from ? "sent" : "not sent", to,
			   epoch_to, n_to ? "sent" : "not sent");
	}
	return 0;
}

/* RESTART_SERVICE's note at guest-physical gpa of the supervisor `sb`
 * (struct qv_recovery_note), copied into out[] (NUL-terminated) before it
 * is checked, so the guest cannot change it afterwards. NULL when good,
 * else why not. The range check is the one of every hypercall buffer. */
static const char *copy_note(const struct sandbox *sb, u64 gpa, char *out)
{
	const void *src = guest_bytes(sb, gpa, sizeof(u32)), *text;
	u32 len;

	if (!src)
		return "note outside the caller's memory";
	memcpy(&len, src, sizeof(len));
	if (len == 0 || len > QV_RECOVERY_NOTE_MAX) /* before out[] is written */
		return recovery_note_check(out, len); /* reads only len: its length refusal */
	if (!(text = guest_bytes(sb, gpa + sizeof(len), len)))
		return "note outside the caller's memory";
	memcpy(out, text, len);
	out[len] = 0;
	return recovery_note_check(out, len);
}

s64 hc_recover(struct sandbox *sb, struct guest_regs *r)
{
	u64 cmd = r->rbx, target = (u32)r->rcx;
	u32 for_boot = (u32)(r->rcx >> 32);
	char note[QV_RECOVERY_NOTE_MAX + 1];

	if (sb->cfg.id != mon.manifest->supervisor) {
		refuse(sb, (u32)cmd, (u32)target);
		return QV_HC_EPERM;
	}
	if (cmd == QV_RECOVER_MOVE_DEVICE)
		return move_device(target, r->rdx);
	if (cmd < QV_RECOVER_RESTART || cmd > QV_RECOVER_RESTART_SERVICE ||
	    target >= mon.n_sandboxes || target == sb->cfg.id)
		return QV_HC_EINVAL;
	struct sandbox *t = &mon.sandboxes[target];
	if (t->core >= mon.n_cpus || !lapic_has_x2apic())
		return QV_HC_EINVAL;
	if (state_of(t) == SB_QUARANTINED)
		return QV_HC_EPERM;
	note[0] = 0;
	if (cmd == QV_RECOVER_RESTART_SERVICE) {
		const char *why = copy_note(sb, r->rdx, note);
		if (why) {
			/* Nothing is commanded: a bad note is the supervisor's bug,
			 * not a restart with a note the port would misread. */
			mon_printf("REFUSED sb=%u command=%lu target=%lu: %s", sb->cfg.id, cmd,
				   target, why);
			return QV_HC_EINVAL;
		}
	}
	spin_lock(&cmd_lock);
	if (t->cmd) {
		spin_unlock(&cmd_lock);
		return QV_HC_EBUSY;
	}
	memcpy(t->cmd_note, note, sizeof(note));
	t->cmd_boot = for_boot;
	__atomic_store_n(&t->cmd_done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cmd, (u32)cmd, __ATOMIC_RELEASE);
	spin_unlock(&cmd_lock);

	u64 now = rdtsc(), begin = now, end = now + ms_ticks(CMD_REACH_MS), next = now;
	s64 result = QV_HC_EBUSY;
	while (!__atomic_load_n(&t->cmd_done, __ATOMIC_ACQUIRE)) {
		now = rdtsc();
		if (now >= end) {
			spin_lock(&cmd_lock);
			bool withdrawn = t->cmd != 0;
			t->cmd = 0;
			t->cmd_note[0] = 0;
			spin_unlock(&cmd_lock);
			if (withdrawn) {
				mon_printf("command for sandbox %u withdrawn: its core did not answer",
					   t->cfg.id);
				goto out;
			}
			continue; /* taken just now: cmd_done follows */
		}
		if (now >= next) {
			send_nmi(t->core);
			next = now + mon.tsc_khz * NMI_RESEND_US / 1000;
		}
		__asm__ volatile("pause");
	}
	result = __atomic_load_n(&t->cmd_result, __ATOMIC_ACQUIRE);
out:
	/* The supervisor's own watchdog does not count the time its monitor
	 * spent waiting for the other core. */
	if (sb->wd_ticks)
		sb->wd_deadline += rdtsc() - begin;
	return result;
}

s64 hc_fault_ack(struct sandbox *sb, struct guest_regs *r)
{
	u64 seq = r->rbx;

	if (sb->cfg.id != mon.manifest->supervisor)
		return QV_HC_EPERM;
	if (seq > __atomic_load_n(&mon.faultlog->write_seq, __ATOMIC_ACQUIRE))
		return QV_HC_EINVAL;
	if (seq > mon.faultlog->ack_seq)
		__atomic_store_n(&mon.faultlog->ack_seq, seq, __ATOMIC_RELEASE);
	return 0;
}

s64 hc_heartbeat(struct sandbox *sb, struct guest_regs *r)
{
	(void)r;
	if (!sb->wd_ticks)
		return QV_HC_EINVAL; /* no watchdog: the kernel should not be sending */
	sb->wd_deadline = rdtsc() + sb->wd_ticks;
	return 0;
}

void recovery_sandbox_started(struct sandbox *sb)
{
	if (sb->wd_ticks)
		sb->wd_deadline = rdtsc() + sb->wd_ticks + ms_ticks(WATCHDOG_BOOT_GRACE_MS);
}

void recovery_before_entry(struct sandbox *sb, struct guest_regs *r)
{
	if (__atomic_load_n(&sb->cmd, __ATOMIC_ACQUIRE) && take_command(sb, r) == TAKEN_FROZEN)
		park(sb, r);
	if (!sb->wd_ticks)
		return;
	u64 now = rdtsc(), left = sb->wd_deadline > now ? sb->wd_deadline - now : 0;
	u64 v = left >> mon.preempt_shift;
	vmwrite(PREEMPTION_TIMER_VALUE, v > 0xFFFFFFFFull ? 0xFFFFFFFFull : v);
}

void recovery_watchdog_exit(struct sandbox *sb, struct guest_regs *r)
{
	if (rdtsc() < sb->wd_deadline)
		return; /* a timer rounded down: re-armed before the entry */
	sandbox_fault(sb, r, QV_FAULT_HANG, "hang",
		      sb->wd_ticks / (mon.tsc_khz ? mon.tsc_khz : 1));
}

void recovery_nmi_exit(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	nmi_unblock();
	/* The command itself is taken by recovery_before_entry. */
}
