/* Channels as the monitor sees them: sizing and placing their memory in the
 * channel region, mapping each into its two ends' EPT, and the channel list
 * (include/questv/chaninfo.h) handed to each sandbox. */
#ifndef QUESTV_MON_CHAN_H
#define QUESTV_MON_CHAN_H

#include "mon.h"
#include "ept.h"

/* Checks every channel of the manifest (ends exist and differ, geometry
 * valid for qv_chan_layout, at most QV_CHANINFO_MAX per sandbox) and sets
 * *bytes to the memory they need. NULL or why not. */
const char *chan_plan(u64 *bytes);

/* Gives each channel its host-physical pages from `base` (the carved
 * channel region) and zeroes them: a channel starts empty exactly once. */
void chan_place(u64 base);

/* Maps the channels `sb` is an end of into its EPT above its RAM. NULL or
 * why not. */
const char *chan_map(struct sandbox *sb, struct ept_alloc *a);

/* Writes the channel list at QV_CHANINFO_GPA in the sandbox's memory. */
void chan_fill_info(const struct sandbox *sb);

/* The UART lock word (questv/chaninfo.h), once chan_map has mapped it into
 * the UART owner; NULL before and when nobody owns COM1. */
extern volatile u32 *chan_uart_lock;

/* Prints one line per channel: ends, geometry, host pages. */
void chan_report(void);

#endif
