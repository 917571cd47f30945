/* The monitors' fault log: a ring of fault records in monitor memory,
 * mapped read-only into the supervising sandbox (and nowhere else) at the
 * boot info's faultlog_gpa. docs/monitor.md, "Fault log", is the prose.
 *
 * Every monitor appends under one lock: the slot's seq is cleared, the
 * fields written, the slot's seq set, and only then write_seq raised (with
 * release order). A reader polls write_seq; for each new seq it copies
 * records[(seq - 1) % capacity] and keeps the copy only when the slot's seq
 * equals the wanted seq both before and after the copy (otherwise the ring
 * lapped it: that record is lost, and the reader says so). The supervisor
 * tells the monitors how far it has read with QV_HC_FAULT_ACK(seq); the
 * monitor copies it into ack_seq. Little-endian, naturally aligned, no
 * pointers: the same bytes for the monitor, the kernel and Python. */
#ifndef QUESTV_FAULTLOG_H
#define QUESTV_FAULTLOG_H

#include "questv/types.h"

#define QV_FAULTLOG_MAGIC   0x474C4651u /* "QFLG" read as a little-endian u32 */
#define QV_FAULTLOG_VERSION 1u
#define QV_FAULTLOG_SYM_LEN 56u          /* NUL-terminated, truncated */
/* Where the supervisor sees the log: far above any sandbox's RAM and its
 * channel window, below 4 GiB (the kernel maps the low 4 GiB). */
#define QV_FAULTLOG_GPA     0xC0000000ull

/* What went wrong (struct qv_fault_record.kind). */
enum qv_fault_kind {
	QV_FAULT_EPT = 1,             /* EPT violation: gpa = the guest-physical address */
	QV_FAULT_IO = 2,              /* I/O port not owned: gpa = the port */
	QV_FAULT_PCI = 3,             /* PCI config of a function not owned: gpa = CONFIG_ADDRESS */
	QV_FAULT_TRIPLE = 4,          /* triple fault */
	QV_FAULT_HANG = 5,            /* the watchdog's heartbeat was missed */
	QV_FAULT_EXIT = 6,            /* any other exit the configuration never asks for */
	QV_FAULT_ENTRY = 7,           /* VM entry failed (bad guest state) */
	QV_FAULT_REFUSED_COMMAND = 8, /* a non-supervisor asked for a recovery command:
				       * gpa = target sandbox, qual = the command */
};

/* Recovery commands (QV_HC_RECOVER RBX). */
enum qv_recover_cmd {
	QV_RECOVER_RESTART = 1,       /* reload from the pristine image, run again */
	QV_RECOVER_STOP = 2,          /* freeze; a later RESTART or RESUME may follow */
	QV_RECOVER_QUARANTINE = 3,    /* freeze; every later command for it is refused */
	QV_RECOVER_RESUME = 4,        /* go on where STOP froze it (not after a fault) */
	QV_RECOVER_MOVE_DEVICE = 5,   /* device RCX (manifest index) to sandbox RDX */
	QV_RECOVER_RESTART_SERVICE = 6, /* RESTART, handing the new boot a recovery note:
					 * RDX = guest-physical address, in the caller's
					 * memory, of a u32 length and that many bytes of
					 * "<service>=<module>" (struct qv_recovery_note) */
};

/* QV_HC_RECOVER's RCX for RESTART, STOP, QUARANTINE, RESUME and
 * RESTART_SERVICE: the target sandbox in bits 0-31 and, in bits 32-63,
 * 0 or 1 + the boot count the command was decided for (the fault record's
 * boot). With a boot given, a target that has restarted since (its
 * on_fault came first, at recovery_timeout_ms) refuses the command with
 * QV_HC_ESTALE instead of restarting or freezing its new life. */
#define QV_RECOVER_TARGET(sb, boot_plus_1) ((u64)(sb) | (u64)(boot_plus_1) << 32)

/* The note of QV_RECOVER_RESTART_SERVICE: "<service>=<module>", len bytes,
 * no NUL, exactly one '='; both names are non-empty printable ASCII
 * without blanks. The monitor copies it at the hypercall and hands it to
 * the target's next boot only (struct qv_bootinfo recovery_note,
 * NUL-terminated). */
#define QV_RECOVERY_NOTE_MAX 95u
struct qv_recovery_note {
	u32 len;
	char text[QV_RECOVERY_NOTE_MAX];
};

/* 128 bytes. */
struct qv_fault_record {
	u64 seq;             /* 1, 2, ...; 0 while the slot is being written */
	u32 sandbox;         /* who faulted (for refused_command: who asked) */
	u32 kind;            /* enum qv_fault_kind */
	u32 exit_reason;     /* basic VM-exit reason (0xFFFF: none, e.g. refused command) */
	u32 boot_count;      /* the faulting sandbox's boot count at the fault */
	u64 rip;             /* guest RIP at the exit */
	u64 gpa;             /* see enum qv_fault_kind */
	u64 qual;            /* exit qualification */
	u64 time_ns;         /* since the monitor's boot (its TSC at the banner) */
	u32 action;          /* enum qv_fault_action applied if nobody commands in time */
	u32 sym_off;         /* rip - address of sym */
	char sym[QV_FAULTLOG_SYM_LEN]; /* kernel symbol holding rip, "" if unknown */
	u64 reserved;
};

/* 64-byte header, then `capacity` records. */
struct qv_faultlog {
	u32 magic;
	u16 version;
	u16 record_size;     /* sizeof(struct qv_fault_record) of the writer */
	u32 capacity;        /* records in the ring */
	u32 header_size;     /* offset of records[0] */
	u64 write_seq;       /* seq of the newest record; 0 = none yet */
	u64 ack_seq;         /* the supervisor's latest QV_HC_FAULT_ACK */
	u64 reserved[4];
	struct qv_fault_record records[];
};

#endif
