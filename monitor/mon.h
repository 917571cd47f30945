/* The monitor's internal interface: per-core state, the sandbox it owns,
 * and the services its files offer each other. */
#ifndef QUESTV_MON_H
#define QUESTV_MON_H

#include "questv/types.h"
#include "questv/manifest.h"
#include "questv/bootinfo.h"
#include "questv/faultlog.h"
#include "faultlog.h"
#include "../kernel/lib/fmt.h"

#define MON_MAX_CPUS    16
#define PAGE_SIZE       4096ull
#define MON_STACK_SIZE  16384ull
#define EXIT_REASONS    66

/* Boot-only code and data: kept in their own sections so the size of what
 * runs after boot (exit handlers, hypercalls, recovery) can be measured. */
#define __init     __attribute__((section(".text.init")))
#define __initdata __attribute__((section(".data.init")))

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((u64)(a) - 1))

struct spinlock {
	volatile u32 held;
};
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* A physical range [base, base + size). */
struct range {
	u64 base;
	u64 size;
};

/* Guest general registers, saved by the exit stub on the host stack in this
 * order (rax lowest). */
struct guest_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 pad; /* keeps the host stack 16-byte aligned at the call */
};

/* Where a sandbox is in its life (recovery.c). Only its own core changes
 * it, except that the boot processor sets it before the launch. */
enum sb_state {
	SB_RUNNING = 0,
	SB_FAULTED,       /* frozen by a fault, waiting for the supervisor or the timeout */
	SB_STOPPED,       /* frozen by STOP or by on_fault = halt; RESTART may follow */
	SB_QUARANTINED,   /* frozen; every later command for it is refused */
};

struct sandbox {
	struct qv_manifest_sandbox cfg;
	u32 core;              /* the logical core that runs it */
	struct range region;   /* host-physical memory, guest-physical 0.. */
	u64 ept_root;          /* host-physical address of the EPT PML4 */
	u8 *io_bitmap;         /* two pages: ports 0-0x7FFF, 0x8000-0xFFFF */
	u8 *msr_bitmap;        /* one page */
	void *vmcs;
	u64 entry;             /* guest-physical 32-bit entry point of the kernel */
	u32 boot_count;
	bool stopped;          /* not running (state != SB_RUNNING), read by others */
	u32 state;             /* enum sb_state */
	bool fault_frozen;     /* frozen by a fault: RESUME would fault again */
	u32 pci_addr;          /* its CONFIG_ADDRESS (0xCF8), emulated per sandbox */
	u64 wd_ticks;          /* watchdog interval in TSC ticks; 0 = off */
	u64 wd_deadline;       /* TSC by which the next heartbeat is due */
	/* A recovery command on its way from the supervisor's core (recovery.c):
	 * cmd is set under the recovery lock, taken by this sandbox's core,
	 * which then writes cmd_result and sets cmd_done. */
	volatile u32 cmd;
	volatile s32 cmd_result;
	volatile u32 cmd_done;
	u32 cmd_boot;            /* 1 + the boot the command is for; 0: any */
	/* RESTART_SERVICE's note, checked and NUL-terminated, set and taken
	 * with cmd under the same lock. */
	char cmd_note[QV_RECOVERY_NOTE_MAX + 1];
	u64 exits[EXIT_REASONS];
};

struct mon_cpu {
	struct mon_cpu *self;  /* read through %gs:0 by this_cpu() */
	u32 index;             /* logical core: 0 = boot processor */
	u32 apic_id;
	u64 stack_top;
	void *vmxon;
	struct sandbox *sb;    /* NULL: no sandbox on this core */
};

/* The monitor's pointer to bytes [gpa, gpa + len) of sb's memory, or NULL
 * when they are not all inside it: the check of every hypercall buffer
 * (written so that no sum can wrap). */
static inline const void *guest_bytes(const struct sandbox *sb, u64 gpa, u64 len)
{
	if (gpa > sb->region.size || len > sb->region.size - gpa)
		return NULL;
	return (const void *)(uintptr_t)(sb->region.base + gpa);
}

static inline struct mon_cpu *this_cpu(void)
{
	struct mon_cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Everything the boot processor learns and decides before the other cores
 * start; read-only afterwards, except that each core writes only the
 * sandbox it owns. */
struct mon_state {
	const struct qv_manifest_header *manifest;
	const void *kernel_image;
	u64 kernel_size;
	struct range bundles[QV_MAX_SANDBOXES]; /* pristine GRUB modules "bundle N" */
	u64 tsc_khz;
	u32 n_cpus;            /* cores that reported in */
	struct range pool;     /* monitor-private allocations */
	u64 pool_next;
	struct range channels;
	u64 boot_tsc;          /* TSC at the banner: fault times count from here */
	struct qv_faultlog *faultlog;
	u64 faultlog_size;
	struct ksym_table ksyms;   /* the pristine kernel's .symtab */
	u32 recovery_timeout_ms;
	u32 preempt_shift;     /* the preemption timer ticks every 2^shift TSC ticks */
	bool preempt_ok;       /* the VMX-preemption timer can be enabled */
	u32 n_sandboxes;
	/* Who owns device d now: the manifest's owner until MOVE_DEVICE. */
	volatile u32 dev_owner[QV_MAX_DEVICES];
	struct sandbox sandboxes[QV_MAX_SANDBOXES];
	struct mon_cpu cpus[MON_MAX_CPUS];
};
extern struct mon_state mon;

/* console.c: serial output shared by every core, one line at a time under
 * a lock, prefixed "[mon N] " with the logical core. */
void con_init(void);
void mon_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* Prints one line with an arbitrary prefix, e.g. a sandbox's console. */
void con_line(const char *prefix, const char *text, size_t len);
void __attribute__((noreturn)) mon_panic(const char *f, ...)
	__attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) cpu_halt(void);

/* mem.c: monitor-private page allocator (zeroed, identity-mapped). */
void *mem_alloc_pages(u64 n);

/* cpu.c */
void cpu_setup_tables(struct mon_cpu *c);

/* smp.c */
u32 lapic_id(void);
void smp_start_aps(void);

/* lapic.c: the guest's x2APIC timer (see there). */
extern const u32 lapic_guest_msrs[];
extern const size_t lapic_guest_msr_count;
bool lapic_has_x2apic(void);
/* A fixed-delivery interrupt `vector` to `core` (the doorbell, the device
 * notice); false when there is no x2APIC to send it with. */
bool lapic_send_vector(u32 core, u8 vector);
void lapic_guest_timer_setup(void);
void lapic_guest_timer_reset(void);

/* sandbox.c: EPT, bitmaps and VMCS page of a sandbox (NULL or why not);
 * loading its image (0, or -1 with a message printed); its boot info. */
const char *sandbox_prepare(struct sandbox *sb);
int sandbox_load(struct sandbox *sb);
void sandbox_fill_bootinfo(struct sandbox *sb);

/* vmx.c */
void __attribute__((noreturn)) vmx_run_core(struct mon_cpu *c);
void vmx_reset_guest(struct sandbox *sb, struct guest_regs *r);

/* exit.c */
void vmexit_handle(struct guest_regs *r);
void __attribute__((noreturn)) vmx_resume_failed(void);
void exits_report(const struct sandbox *sb);

/* hypercall.c */
void hypercall_dispatch(struct sandbox *sb, struct guest_regs *r);

/* hc_chan.c: channels created at run time, doorbells. */
s64 hc_chan_create(struct sandbox *sb, struct guest_regs *r);
s64 hc_doorbell(struct sandbox *sb, struct guest_regs *r);

/* recovery.c: watchdog heartbeat, fault log, recovery commands. */
s64 hc_heartbeat(struct sandbox *sb, struct guest_regs *r);
s64 hc_fault_ack(struct sandbox *sb, struct guest_regs *r);
s64 hc_recover(struct sandbox *sb, struct guest_regs *r);
void recovery_init(void);
/* At every (re)start, after the boot info was cleared: its devices_owned
 * from dev_owner, under the lock MOVE_DEVICE changes dev_owner with. */
void recovery_live_devices(struct sandbox *sb, struct qv_bootinfo *bi);
/* A fault of `sb` (enum qv_fault_kind, the console's reason name, the
 * address the record carries): recorded, reported, contained; returns only
 * when the sandbox is to run again (restarted or resumed). */
void sandbox_fault(struct sandbox *sb, struct guest_regs *r, u32 kind, const char *why, u64 addr);
/* Before every VM entry: a command that came meanwhile, the watchdog. */
void recovery_before_entry(struct sandbox *sb, struct guest_regs *r);
/* At (re)start: the watchdog's first deadline, the preemption timer. */
void recovery_sandbox_started(struct sandbox *sb);
/* The preemption timer fired: a hang fault when the heartbeat is late. */
void recovery_watchdog_exit(struct sandbox *sb, struct guest_regs *r);
/* An NMI exit: the monitor's own NMI IPI (a command is waiting). */
void recovery_nmi_exit(struct sandbox *sb, struct guest_regs *r);
/* recovery.c: reloads the sandbox from the pristine image and resets its
 * guest state; halts the core when the image cannot be loaded. note: a
 * RESTART_SERVICE note for this boot's boot info, or "" / NULL. */
void sandbox_restart(struct sandbox *sb, struct guest_regs *r, const char *note);

/* bundle.c: places the sandbox's application bundle (GRUB module
 * "bundle N", kept pristine in monitor memory) into its region at every
 * (re)start and records where in the boot info. */
void bundle_place(struct sandbox *sb, struct qv_bootinfo *bi);

#endif
