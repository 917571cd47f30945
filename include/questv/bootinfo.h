/* The boot-info block a monitor hands to the sandbox kernel it launches.
 *
 * The monitor enters the kernel like a multiboot loader would: 32-bit
 * protected mode, paging off, EAX = QV_BOOT_MAGIC and EBX = the
 * guest-physical address of this block. A kernel booted straight by GRUB
 * sees the multiboot2 magic instead and builds the block itself.
 *
 * Versioned and sized like the manifest: a later version appends fields,
 * a reader checks `size` before it trusts a field it knows. */
#ifndef QUESTV_BOOTINFO_H
#define QUESTV_BOOTINFO_H

#include "questv/types.h"
#include "questv/manifest.h"
#include "questv/faultlog.h"

#define QV_BOOT_MAGIC        0x54425651u /* "QVBT" read as a little-endian u32 */
#define QV_BOOTINFO_VERSION  1u
#define QV_BOOTINFO_GPA      0x1000u     /* where the monitor puts the block */
#define QV_KERNEL_MIN_GPA    0x100000u   /* the kernel image starts at 1 MiB */

#define QV_BI_F_ISOLATED   0x1u /* runs under a monitor (VMX guest, EPT) */
#define QV_BI_F_TEST_BUILD 0x2u /* the manifest came from `questv build --test` */
#define QV_BI_F_X2APIC     0x4u /* x2APIC mode on; the timer MSRs are the guest's */

/* The interrupt a monitor sends a sandbox's core after MOVE_DEVICE changed
 * what it owns (devices_owned below): next to the doorbell (0xF0), above
 * the device vectors, so a kernel reacts at once instead of polling. */
#define QV_NOTICE_VECTOR   0xF1u

/* One manifest device as the kernel sees it (kind: enum qv_device_kind). */
struct qv_bootinfo_device {
	char name[QV_NAME_LEN];
	u32 kind;
	u16 io_base, io_len; /* io_len 0: no I/O ports */
	u32 irq;             /* QV_NO_IRQ: none */
};

struct qv_bootinfo {
	u32 magic;            /* QV_BOOT_MAGIC */
	u16 version;          /* QV_BOOTINFO_VERSION */
	u16 size;             /* sizeof(struct qv_bootinfo) of the writer */
	char name[QV_NAME_LEN];
	u32 sandbox_id;
	u32 core;             /* logical core the sandbox runs on (0 = boot processor) */
	u32 mem_mib;          /* guest-physical memory from 0 */
	u32 flags;            /* QV_BI_F_* */
	u32 boot_count;       /* 0 on the first boot, +1 at every restart */
	u32 heartbeat_ms;     /* 0 = no heartbeat */
	u64 tsc_khz;          /* TSC ticks per millisecond, measured by the loader */
	u16 uart_port;        /* I/O base of an owned 16550, 0 = print by hypercall */
	u16 n_sandboxes;
	u16 test_attacks[QV_MAX_TEST_ATTACKS];
	/* Test builds only (0 otherwise): host-physical addresses that the attack
	 * unit aims at, so that a contained attack is shown to hit the real thing. */
	u64 sandbox_host_base[QV_MAX_SANDBOXES];
	u64 monitor_host_addr; /* an address inside the monitor's data */
	u64 ept_host_addr;     /* the root of this sandbox's own EPT tables */
	u16 device_io_base[QV_MAX_DEVICES];
	u16 device_io_len[QV_MAX_DEVICES];
	/* The application bundle (docs/bundle.md), copied by the monitor at
	 * every (re)start; bundle_size 0 = none. The kernel's allocator keeps
	 * clear of [bundle_gpa, bundle_gpa + bundle_size). */
	u64 bundle_gpa;
	u32 bundle_size;
	u32 supervisor;        /* id of the supervising sandbox (manifest header) */
	/* The monitor's fault log (docs/monitor.md), mapped read-only into the
	 * supervising sandbox only; faultlog_size 0 = not mapped here. */
	u64 faultlog_gpa;
	u32 faultlog_size;
	u32 watchdog_ms;       /* send QV_HC_HEARTBEAT at least this often; 0 = no watchdog */
	/* Test builds only: the fault log's host-physical address, which the
	 * attack unit aims at from a sandbox that must not reach it. */
	u64 faultlog_host_addr;
	/* Set by a QV_RECOVER_RESTART_SERVICE restart for that boot only, else
	 * empty: "<service>=<module>", NUL-terminated (questv/faultlog.h). The
	 * kernel does not interpret it; the port starts that service with that
	 * module (ports/vtx/service.c). */
	char recovery_note[QV_RECOVERY_NOTE_MAX + 1];
	/* Every device of the manifest, owned here or not (the owner may
	 * change at run time), in manifest order: the index is the device's. */
	struct qv_bootinfo_device devices[QV_MAX_DEVICES];
	u32 n_devices;
	/* Live: the monitors keep these two current in the block itself (not
	 * in a copy) while the sandbox runs. Bit d: device d is owned now.
	 * devices_epoch grows by one at every change; a kernel reads both with
	 * atomic loads, the epoch first. Filled at every (re)start from the
	 * ownership after earlier moves. */
	u32 devices_owned;
	u32 devices_epoch;
};

#endif
