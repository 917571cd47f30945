/* The sandbox kernel's internal interface. */
#ifndef QUESTV_KERNEL_H
#define QUESTV_KERNEL_H

#include "questv/types.h"
#include "questv/bootinfo.h"
#include "questv/hypercall.h"
#include "lib/fmt.h"
#include "lib/uart.h"

/* The boot info this kernel runs with: the monitor's block, copied, or one
 * built from the multiboot2 information when GRUB started us directly. */
extern struct qv_bootinfo kboot;

/* console.c: the log (kprintf, one line per call) and the console byte
 * stream (console_write/console_getc) of this sandbox; docs/console.md. */
void console_init(void);
void kprintf(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* One line (no newline) to the log, like kprintf without formatting. */
void console_log(const char *s, size_t n);
/* Exact bytes to the console stream; waits while the hub catches up. */
void console_write(const void *p, size_t n);
/* Typed bytes go to console_getc() from now on (a REPL reads them). */
void console_stream_input(void);
/* The next input byte (0x03 for Ctrl-C), or -1 after timeout_ns
 * (QVS_NEVER: no timeout). From a thread only: it sleeps while it polls. */
int console_getc(u64 timeout_ns);
#define CONSOLE_POLL_NS 2000000u

static inline bool kernel_isolated(void)
{
	return kboot.flags & QV_BI_F_ISOLATED;
}

/* The supervisor's note for this boot ("<service>=<module>", from a
 * RESTART_SERVICE restart), or "" (any other boot, or not under a
 * monitor: boot info zeroed). The kernel only carries it; the port acts on it. */
static inline const char *kboot_recovery_note(void)
{
	return kboot.recovery_note; /* NUL-terminated by boot_from_monitor */
}

static inline s64 hypercall(u64 nr, u64 a, u64 b, u64 c)
{
	s64 ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* idt.c */
void idt_init(void);

/* The language port (ports/vtx): called once the scheduler is up, before
 * the kernel's own threads run; starts what the sandbox runs on top of the
 * kernel (its bundle's services, the REPL on its console). */
void port_start(void);

/* canary.c: a page with a known pattern that no other sandbox may change. */
extern u8 kernel_canary[4096];
void canary_fill(void);
bool canary_intact(void);

/* attack.c (kernel-test.elf) or attack_stub.c (kernel.elf): performs the
 * test attack armed for this boot, if any. */
void attack_run(void);

/* chanlink.c: the channels the monitor mapped (chanlink.h); conlink.c: the
 * console over channels and the hub (conlink.h). */
void chanlink_init(void);
void chanlink_report(void);
void conlink_init(void);
void conlink_poll(void);
bool conlink_is_hub(void);

/* chantest.c (kernel-test.elf) or chantest_stub.c (kernel.elf): the channel
 * test of this boot, armed like the attacks; start() says whether it has a
 * workload, idle() makes progress on it without printing, report() prints
 * and runs only in the sandbox's print slot. */
bool chantest_start(void);
void chantest_idle(void);
void chantest_report(void);

/* watchdog.c: heartbeats to the monitor's watchdog when the boot info asks
 * for them (a thread on a VCPU of its own). */
void watchdog_start(void);

#endif
