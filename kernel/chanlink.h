/* The kernel's ends of the channels its monitor mapped (the list at
 * QV_CHANINFO_GPA), attached with the ring API of kernel/chan. */
#ifndef QUESTV_KERNEL_CHANLINK_H
#define QUESTV_KERNEL_CHANLINK_H

#include "questv/chaninfo.h"
#include "chan/chan.h"

struct kchan {
	struct qv_chaninfo_entry info;
	enum qv_chan_status attach; /* QV_CHAN_OK once attached */
	struct qv_chan_tx tx;       /* used when info.role is PRODUCER */
	struct qv_chan_rx rx;       /* used when info.role is CONSUMER */
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

#endif
