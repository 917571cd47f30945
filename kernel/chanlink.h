/* The kernel's ends of the channels its monitor mapped (the list at
 * QV_CHANINFO_GPA), attached with the ring API of kernel/chan. */
#ifndef QUESTV_KERNEL_CHANLINK_H
#define QUESTV_KERNEL_CHANLINK_H

#include "questv/chaninfo.h"
#include "chan/chan.h"

struct kthread;

struct kchan {
	struct qv_chaninfo_entry info;
	enum qv_chan_status attach; /* QV_CHAN_OK once attached */
	struct qv_chan_tx tx;       /* used when info.role is PRODUCER */
	struct qv_chan_rx rx;       /* used when info.role is CONSUMER */
	struct qv_chan_wait bell;   /* chanlink_bell_wait(): waiting with the doorbell */
	u64 rings;                  /* producer: doorbell hypercalls made */
	u64 rings_refused;          /* ... that the monitor refused */
	s64 ring_error;             /* the last refusal (QV_HC_E*), 0 if none */
	u64 sleeps, wakes;          /* consumer: halts, and those a doorbell ended */
	u64 bell_seen;              /* doorbell interrupts counted at the last wake */
	struct kthread *volatile sleeper; /* consumer: the thread blocked on the doorbell */
};

/* Copies the channel list (none when booted without a monitor or when the
 * block is not valid) and attaches every end; chanlink_report() then
 * prints one line per channel. */
void chanlink_init(void);
void chanlink_report(void);

u32 chanlink_count(void);
struct kchan *chanlink_at(u32 i);
/* The end of manifest channel `index`, or NULL if this sandbox is none. */
struct kchan *chanlink_find(u32 index);
/* The copied list, for its test-only host addresses. */
const struct qv_chaninfo *chanlink_info(void);

/* Waiting on channels: now() is the TSC, relax() a pause. Timeouts of
 * qv_chan_send/recv with this are in TSC ticks. */
extern const struct qv_chan_wait chanlink_wait;

/* The end of this sandbox named `name` (declared or created at run time),
 * or NULL. */
struct kchan *chanlink_by_name(const char *name);

/* Creates, or joins, the run-time channel `name` between this sandbox and
 * sandbox `peer` (QV_HC_CHAN_CREATE, docs/channels.md): both ends call with
 * the same name and geometry, one with producer true, the other false.
 * Until the peer has asked too the monitor answers "busy": this asks again
 * every millisecond (sleeping when called from a thread) until timeout_ns
 * has passed (0: asks once; UINT64_MAX: waits for ever), then withdraws
 * its request. Returns the attached end, or NULL with *err a QV_HC_E*
 * code: EINVAL bad name or geometry, or the name is this sandbox's already
 * with other parameters or the peer asked differently; EPERM the name is
 * taken (declared, or agreed between other sandboxes); ENOMEM the
 * monitor's pool or this sandbox's channel list is full; EBUSY timed out;
 * ENOSYS no monitor. Asking again for a channel this sandbox has (after a
 * restart, or twice) returns it. */
struct kchan *chanlink_create(const char *name, u32 peer, u32 slot_size, u32 slot_count,
			      bool producer, u64 timeout_ns, int *err);

/* The doorbell (optional: polling needs none of it). A wait for `k` that
 * rings the consumer after each send that found it asleep (producer), or
 * sleeps until a doorbell instead of spinning (consumer: a thread blocks
 * for at most 10 ms at a time, other threads run meanwhile; outside threads
 * the core halts until an interrupt); now() is the TSC as for
 * chanlink_wait. */
const struct qv_chan_wait *chanlink_bell_wait(struct kchan *k);
/* Asks the monitor to interrupt k's consumer (QV_HC_DOORBELL): 0, or
 * QV_HC_EPERM when this sandbox is not k's producer. */
s64 chanlink_ring(struct kchan *k);
/* Doorbell interrupts this kernel received (QV_DOORBELL_VECTOR). */
u64 chanlink_doorbell_irqs(void);

#endif
