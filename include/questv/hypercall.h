/* The hypercall interface between a sandbox kernel and its monitor.
 *
 * A kernel issues VMCALL with the hypercall number in RAX and up to three
 * arguments in RBX, RCX, RDX; the monitor returns a status (>= 0 success,
 * < 0 one of QV_HC_E*) in RAX. Numbers are never reused: a new call gets a
 * new number and bumps QV_HC_VERSION, which QV_HC_VERSION_QUERY returns. */
#ifndef QUESTV_HYPERCALL_H
#define QUESTV_HYPERCALL_H

#define QV_HC_VERSION 2

enum qv_hypercall {
	QV_HC_VERSION_QUERY = 0, /* -> QV_HC_VERSION */
	/* Stop-gap until the console hub: the monitor prints the bytes at
	 * guest-physical RBX, length RCX (<= QV_HC_CONSOLE_MAX), as one line
	 * prefixed with the sandbox id. */
	QV_HC_CONSOLE_WRITE = 1,
	/* The monitor prints one `exits` line with this sandbox's VM-exit
	 * counters per reason (see docs/monitor.md for the format). */
	QV_HC_REPORT_EXITS = 2,
	/* Channels created at run time and doorbells (monitor/hc_chan.c,
	 * docs/channels.md). CHAN_CREATE: RBX guest-physical address of a
	 * struct qv_chan_request (questv/chaninfo.h), RCX its size, RDX 0 to
	 * create or join, 1 to withdraw this sandbox's pending request of that
	 * name; -> the channel's position in the caller's channel list, or
	 * EBUSY while the peer has not asked, EINVAL, EPERM, ENOMEM.
	 * DOORBELL: RBX a channel index from the caller's list, of which the
	 * caller must be the producer (else EPERM; EINVAL no such channel) ->
	 * 0 once QV_DOORBELL_VECTOR is sent to the consumer's core. */
	QV_HC_CHAN_CREATE = 3,
	QV_HC_DOORBELL = 4,
	/* Fault containment and recovery (monitor/recovery.c, docs/monitor.md):
	 * the watchdog's heartbeat, the supervisor's reading of the fault log
	 * and its recovery commands. */
	QV_HC_HEARTBEAT = 5,
	QV_HC_FAULT_ACK = 6,
	QV_HC_RECOVER = 7,
	QV_HC_RESERVED_8 = 8,
	QV_HC_RESERVED_9 = 9,
	QV_HC_COUNT
};

#define QV_HC_CONSOLE_MAX 256

#define QV_HC_EINVAL  (-1) /* bad argument (address outside the sandbox, length) */
#define QV_HC_ENOSYS  (-2) /* unknown hypercall number */
#define QV_HC_EPERM   (-3) /* the caller may not ask this (not the supervisor, not a peer) */
#define QV_HC_EBUSY   (-4) /* try again: the other side has not answered yet */
#define QV_HC_ENOMEM  (-5) /* the monitor's pool for this is exhausted */
#define QV_HC_ESTALE  (-6) /* a recovery command for a boot the target has left */

#endif
