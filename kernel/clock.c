/* The kernel's monotonic clock: TSC ticks since boot scaled to nanoseconds
 * by a 32.32 fixed-point factor, so that reading the time takes no division
 * (the TSC is invariant on the boards we target; under Bochs it counts
 * emulated instructions, docs/monitor.md). */
#include "kernel.h"
#include "thread.h"

static u64 tsc_origin;
static u64 ns_per_tick_32;   /* 2^32 * ns per TSC tick */
static u64 ticks_per_ns_32;  /* 2^32 * TSC ticks per ns */

void clock_init(void)
{
	u64 khz = kboot.tsc_khz ? kboot.tsc_khz : 1;

	ns_per_tick_32 = ((u64)1000000 << 32) / khz;
	ticks_per_ns_32 = (u64)(((unsigned __int128)khz << 32) / 1000000u);
	tsc_origin = rdtsc();
}

u64 clock_tsc_to_ns(u64 tsc)
{
	return (u64)(((unsigned __int128)tsc * ns_per_tick_32) >> 32);
}

u64 clock_ns_to_tsc(u64 ns)
{
	return (u64)(((unsigned __int128)ns * ticks_per_ns_32) >> 32);
}

u64 clock_ns(void)
{
	return clock_tsc_to_ns(rdtsc() - tsc_origin);
}
