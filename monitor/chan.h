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

/* Channels created at run time (hc_chan.c). Their pages, and the EPT
 * tables that map them, come from a pool of this many pages carved with
 * the channel region, after the declared channels. */
#define QV_CHAN_RT_POOL_PAGES 256u
u64 chan_rt_pool_bytes(void);
void chan_rt_pool_place(u64 base);
/* Where sb's run-time window starts: the first 2 MiB boundary above its
 * declared channels and the UART lock page. */
u64 chan_rt_window_gpa(const struct sandbox *sb);
/* Appends sb's live run-time channels to its list (chan_fill_info). */
struct qv_chaninfo;
void chan_rt_fill_info(const struct sandbox *sb, struct qv_chaninfo *ci);
/* Whether a manifest channel has this name. */
bool chan_declared(const char *name);

/* The monitor's own copy of the order of sb's channel list (the page is the
 * guest's to scribble on): the entries' indexes, in list order
 * (chan_list.c). */
void chan_list_clear(const struct sandbox *sb);
u32 chan_listed(const struct sandbox *sb);
void chan_list_append(const struct sandbox *sb, u32 index);
s64 chan_list_find(const struct sandbox *sb, u32 index); /* position or -1 */

/* The two hardware steps of run-time channels, apart so that hc_chan.c
 * runs in the host tests: INVEPT for sb's EPT on this core (sb's own), and
 * the doorbell vector sent to a core (false: no x2APIC to send it with). */
void chan_hw_invept(const struct sandbox *sb);
bool chan_hw_doorbell(u32 core);

#endif
