/* The monitor's own copy of the order of each sandbox's channel list (the
 * list page is the guest's to scribble on): the entries' indexes, in list
 * order. Filled by chan_fill_info (chan.c) and hc_chan.c; on its own so the
 * host harness of hc_chan.c (tests/kernel/chan_rt_harness.c) links this
 * rather than a copy. */
#include "chan.h"
#include "questv/chaninfo.h"

static u32 list_index[QV_MAX_SANDBOXES][QV_CHANINFO_MAX];
static u32 list_len[QV_MAX_SANDBOXES];

void chan_list_clear(const struct sandbox *sb)
{
	list_len[sb->cfg.id] = 0;
}

u32 chan_listed(const struct sandbox *sb)
{
	return list_len[sb->cfg.id];
}

void chan_list_append(const struct sandbox *sb, u32 index)
{
	u32 id = sb->cfg.id;

	if (list_len[id] < QV_CHANINFO_MAX)
		list_index[id][list_len[id]++] = index;
}

s64 chan_list_find(const struct sandbox *sb, u32 index)
{
	u32 id = sb->cfg.id;

	for (u32 i = 0; i < list_len[id]; i++)
		if (list_index[id][i] == index)
			return i;
	return -1;
}
