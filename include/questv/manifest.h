/* The binary system manifest: `questv build` compiles system.toml into it
 * (tools/questv/manifest.py), the monitor reads it from the GRUB module
 * whose command line is "manifest". docs/manifest.md is the prose version.
 *
 * Little-endian, every field naturally aligned, no pointers: the same bytes
 * mean the same thing to the Python writer and the C reader. The header
 * carries the size of each table entry so that a later version can append
 * fields without breaking an older reader's offsets. */
#ifndef QUESTV_MANIFEST_H
#define QUESTV_MANIFEST_H

#include "questv/types.h"

#define QV_MANIFEST_MAGIC   0x464D5651u /* "QVMF" read as a little-endian u32 */
#define QV_MANIFEST_VERSION 1u
#define QV_NAME_LEN         16u         /* NUL-padded; a 16-byte name has no NUL */
#define QV_MAX_SANDBOXES    16u
#define QV_MAX_DEVICES      32u
#define QV_MAX_CHANNELS     64u
#define QV_MAX_TEST_ATTACKS 8u

/* The interrupt vector a device's IRQ arrives on, in the sandbox that owns
 * it: fixed by the device's index in the manifest, so the monitors (which
 * program the IOAPIC, monitor/ioapic.c) and the kernels (which install the
 * handlers, kernel/devirq.c) agree without telling each other. 0x40-0x5F:
 * above the kernel's timer (0x20) and the exceptions, below the doorbell
 * (0xF0) and the spurious vector (0xFF). */
#define QV_DEVICE_VECTOR_BASE 0x40u
#define QV_DEVICE_VECTOR(i)   (QV_DEVICE_VECTOR_BASE + (u32)(i))

/* What the monitor does when the sandbox faults and nobody decides otherwise. */
enum qv_fault_action {
	QV_ON_FAULT_HALT = 0,       /* freeze the sandbox, keep its state for inspection */
	QV_ON_FAULT_RESTART = 1,    /* reload it from its pristine image */
	QV_ON_FAULT_QUARANTINE = 2, /* freeze it and refuse recovery commands for it */
};

enum qv_device_kind {
	QV_DEV_UART16550 = 1,
	QV_DEV_PCI = 2,
	QV_DEV_ISA = 3,  /* a legacy device reached by its I/O ports (the CMOS RTC) */
};

/* Test-only attacks: a sandbox kernel built with the attack unit linked in
 * performs test_attacks[boot_count] (low byte: kind, high byte: argument)
 * at boot; the default kernel ignores the field. */
enum qv_attack_kind {
	QV_ATTACK_NONE = 0,
	QV_ATTACK_WRITE_SANDBOX = 1, /* arg: id of the sandbox whose region is written */
	QV_ATTACK_WRITE_MONITOR = 2, /* write to the monitor's own memory */
	QV_ATTACK_WRITE_EPT = 3,     /* write to the host address of its own EPT tables */
	QV_ATTACK_IO_PORT = 4,       /* arg: device id whose I/O ports are touched */
	/* Channels (arg: index in the channel table). The first two come from a
	 * sandbox that is no end of the channel and aim at the host-physical
	 * pages the monitor reports in test builds. */
	QV_ATTACK_READ_CHANNEL = 5,  /* reads the channel's producer region */
	QV_ATTACK_WRITE_CHANNEL = 6, /* writes the channel's consumer page */
	QV_ATTACK_WRITE_PEER_RING = 7, /* the consumer writes the producer region */
	/* Not attacks but test workloads of the same boot (kernel/chantest.c):
	 * they leave the sandbox running. */
	QV_TEST_STREAM_SEND = 8,     /* sends numbered messages on the channel */
	QV_TEST_STREAM_RECV = 9,     /* no arg: checks the stream on every channel it consumes */
	QV_TEST_GARBAGE_SEND = 10,   /* garbles its own ring, then streams as STREAM_SEND */
	/* A test workload, not a fault: kernel/schedtest.c's VCPU scheduling
	 * measurement (no arg). */
	QV_TEST_SCHED = 11,
	/* Channel benchmark (kernel/chantest.c, benchmarks/channels): arg is the
	 * channel from the sender to the echo; the echo answers on the channel
	 * back to the sender. */
	QV_TEST_BENCH_SEND = 12,
	QV_TEST_BENCH_ECHO = 13,
	QV_ATTACK_SEND_IPI = 14,     /* INIT IPI to every other core through the x2APIC ICR */
	/* Fault containment and recovery (issue 7). */
	QV_ATTACK_PCI_CONFIG = 15,   /* reads config space of a PCI function it does not own */
	QV_ATTACK_TRIPLE_FAULT = 16,
	QV_ATTACK_HANG = 17,         /* spins with interrupts off: only a watchdog sees it */
	QV_TEST_RECOVER = 18,        /* arg: sandbox it asks its monitor to restart */
	/* Channels created at run time (kernel/chantest.c); arg: the peer. */
	QV_TEST_RT_CHAN_SEND = 19,
	QV_TEST_RT_CHAN_RECV = 20,
	QV_ATTACK_RT_CHAN_OUTSIDER = 21, /* arg: a sandbox; tries to join its run-time channel */
	/* Interrupt routing (kernel/attack.c, tests/system/test_irq_routing.py);
	 * arg: the CMOS RTC device. RTC_IRQ (its owner) runs the RTC's periodic
	 * interrupt and counts it; once it stops coming (the device was moved
	 * away) it touches the RTC's port, which must fault. RTC_TAKE (the
	 * supervisor) moves the device to itself (MOVE_DEVICE) after a while
	 * and counts the interrupts that follow it. */
	QV_TEST_RTC_IRQ = 22,
	QV_TEST_RTC_TAKE = 23,
	QV_ATTACK_WRITE_IOAPIC = 24, /* writes the IOAPIC's MMIO page (guest-physical = its host address) */
};

#define QV_NO_IRQ 0xFFFFFFFFu
#define QV_NO_PCI 0xFFFFFFFFu

struct qv_manifest_header {
	u32 magic;
	u16 version;
	u16 header_size;     /* sizeof(struct qv_manifest_header) for this version */
	u32 total_size;      /* header and every table */
	u32 crc32;           /* CRC-32/IEEE (zlib.crc32) of total_size bytes, this field as 0 */
	u32 machine_cores;
	u32 machine_mem_mib;
	u32 supervisor;      /* id of the supervising sandbox */
	u32 flags;           /* QV_MANIFEST_F_* */
	u16 n_sandboxes, sandbox_size;
	u16 n_devices, device_size;
	u16 n_channels, channel_size;
	u32 sandbox_off;     /* byte offsets from the start of the header */
	u32 device_off;
	u32 channel_off;
	/* Appended after the first 56 bytes (header_size says whether a
	 * manifest has them; a reader takes the default when it does not). */
	u32 recovery_timeout_ms; /* a fault waits this long for the supervisor's
				  * command, then on_fault applies; default 2000 */
	u32 reserved;
};

/* The first layout's sizes: a reader accepts these and defaults the rest. */
#define QV_MANIFEST_HEADER_V1_SIZE  56u
#define QV_MANIFEST_SANDBOX_V1_SIZE 56u
#define QV_RECOVERY_TIMEOUT_DEFAULT_MS 2000u

#define QV_MANIFEST_F_TEST_BUILD 0x1u /* built with --test: attacks may be armed */

struct qv_manifest_sandbox {
	char name[QV_NAME_LEN];
	u32 id;              /* equals the entry's index in the table */
	u32 core_mask;       /* bit c: logical core c (0 = the boot processor) */
	u32 mem_mib;
	u32 on_fault;        /* enum qv_fault_action */
	u32 device_mask;     /* bit d: device d of the device table is owned */
	u32 heartbeat_ms;    /* console heartbeat interval; 0 = none */
	u16 test_attacks[QV_MAX_TEST_ATTACKS];
	/* Appended after the first 56 bytes (sandbox_size says whether). */
	u32 watchdog_ms;     /* QV_HC_HEARTBEAT due at least this often; 0 = no watchdog */
	u32 reserved;
};

struct qv_manifest_device {
	char name[QV_NAME_LEN];
	u32 kind;            /* enum qv_device_kind */
	u32 owner;           /* sandbox id */
	u16 io_base, io_len; /* I/O port range granted to the owner; io_len 0 = none */
	u32 irq;             /* ISA IRQ / GSI, or QV_NO_IRQ */
	u32 pci_bdf;         /* bus << 8 | dev << 3 | fn, or QV_NO_PCI */
	u32 reserved;
};

struct qv_manifest_channel {
	char name[QV_NAME_LEN];
	u32 producer;        /* sandbox id */
	u32 consumer;        /* sandbox id */
	u32 slot_size;       /* bytes of payload per slot */
	u32 slot_count;
};

#endif
