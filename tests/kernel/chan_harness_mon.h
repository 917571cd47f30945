/* What the two host harnesses of the monitor's channel code
 * (chan_rt_harness.c, chan_mon_harness.c) both stand in for or do:
 * chan_harness_mon.c, linked into each. */
#ifndef QUESTV_CHAN_HARNESS_MON_H
#define QUESTV_CHAN_HARNESS_MON_H

#include "../../monitor/mon.h"

#define REQUEST_GPA 0x8000u /* where a harness writes a sandbox's request */

/* A zeroed page for the EPT tables (struct ept_alloc's callback). */
u64 harness_table_page(void *ctx);
/* Writes a QV_HC_CHAN_CREATE request (name: up to QV_NAME_LEN bytes, the
 * rest zero) at REQUEST_GPA in sb's RAM and makes the call with cmd in
 * rdx, as the exit handler would. */
s64 harness_request(u32 sb, const char *name, size_t name_len, u32 peer, u32 slot_size,
		    u32 slot_count, u32 role, u64 cmd);

#endif
