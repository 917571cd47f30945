/* The channel list a monitor hands to a sandbox kernel, next to its boot
 * info: one page at QV_CHANINFO_GPA, rewritten at every (re)start.
 *
 * Each channel the sandbox is an end of is mapped in a guest-physical window
 * just above its RAM (window_gpa = mem_mib MiB), channel after channel, in
 * the order of the manifest's channel table: the producer region
 * (producer_pages, from qv_chan_layout) then the consumer page. The producer
 * may write only the producer region, the consumer only the consumer page;
 * each reads the other's. No other sandbox maps them.
 *
 * Channels created at run time (QV_HC_CHAN_CREATE, docs/channels.md) are
 * appended after the declared ones, mapped in a second window above the
 * first (rt_window_gpa); each append bumps `generation`.
 *
 * Versioned and sized like the boot info: a reader checks magic, version
 * and size before it trusts the block. */
#ifndef QUESTV_CHANINFO_H
#define QUESTV_CHANINFO_H

#include "questv/types.h"
#include "questv/manifest.h"

#define QV_CHANINFO_MAGIC   0x43435651u /* "QVCI" read as a little-endian u32 */
#define QV_CHANINFO_VERSION 2u
#define QV_CHANINFO_GPA     0x2000u
#define QV_CHANINFO_MAX     40u /* channels one sandbox may be an end of */

/* Channels created at run time: at most QV_CHAN_RT_MAX in the whole
 * system; their `index` in the list is QV_CHANINFO_RT_INDEX + their number,
 * so it never collides with a manifest index (< QV_MAX_CHANNELS). The
 * index is what QV_HC_DOORBELL takes. */
#define QV_CHAN_RT_MAX       32u
#define QV_CHANINFO_RT_INDEX 0x100u

/* The doorbell interrupt a monitor sends to a consumer's core
 * (QV_HC_DOORBELL): a fixed vector, above the kernel's timer (0x20) and
 * below the spurious vector (0xFF). */
#define QV_DOORBELL_VECTOR   0xF0u

/* The request QV_HC_CHAN_CREATE reads from the caller's memory (RBX its
 * guest-physical address, RCX its size, which must be exactly this). Both
 * ends send the same name and geometry, each its own role and the other
 * as peer. */
struct qv_chan_request {
	char name[QV_NAME_LEN]; /* NUL-padded, printable, not empty */
	u32 peer;               /* sandbox id of the other end */
	u32 slot_size;          /* as qv_chan_layout accepts */
	u32 slot_count;
	u32 role;               /* enum qv_chan_role of the caller */
};

/* The UART owner's kernel and every monitor write the one serial line. So
 * that their lines do not interleave, each takes the word at uart_lock_gpa
 * (a page mapped only into the UART owner) around a whole line or frame:
 * 0 free, QV_UART_LOCK_GUEST held by the kernel, QV_UART_LOCK_MONITOR by a
 * monitor. A monitor waits a bounded time and then prints anyway, so a
 * stuck kernel cannot silence the fault records. */
#define QV_UART_LOCK_GUEST   1u
#define QV_UART_LOCK_MONITOR 2u

enum qv_chan_role {
	QV_CHAN_ROLE_PRODUCER = 0,
	QV_CHAN_ROLE_CONSUMER = 1,
};

struct qv_chaninfo_entry {
	char name[QV_NAME_LEN];
	u32 index;           /* in the manifest's channel table */
	u32 role;            /* enum qv_chan_role */
	u32 peer;            /* sandbox id of the other end */
	u32 slot_size;
	u32 slot_count;
	u32 producer_pages;
	u64 prod_gpa;        /* producer region */
	u64 cons_gpa;        /* consumer page */
};

struct qv_chaninfo {
	u32 magic;           /* QV_CHANINFO_MAGIC */
	u16 version;
	u16 size;            /* sizeof(struct qv_chaninfo) of the writer */
	u32 n_channels;      /* entries used in ch[] */
	u32 generation;      /* bumped by the monitor at every run-time append */
	u64 window_gpa;
	u64 window_size;
	u64 uart_lock_gpa;   /* 0 unless this sandbox owns the monitors' UART */
	u64 rt_window_gpa;   /* run-time channels are mapped from here up */
	struct qv_chaninfo_entry ch[QV_CHANINFO_MAX];
	/* Test builds only (0 otherwise): the host-physical producer region and
	 * consumer page of every channel of the manifest, so that the test
	 * attacks aim at the real pages of channels the sandbox has no part in. */
	u64 test_host_prod[QV_MAX_CHANNELS];
	u64 test_host_cons[QV_MAX_CHANNELS];
	/* Test builds only: the same for every run-time channel agreed so far,
	 * by number, refreshed at each QV_HC_CHAN_CREATE of this sandbox. */
	u64 test_rt_host_prod[QV_CHAN_RT_MAX];
	u64 test_rt_host_cons[QV_CHAN_RT_MAX];
};

#endif
