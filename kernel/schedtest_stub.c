/* The default kernel carries no scheduling workload: it exists only in
 * kernel-test.elf, which links schedtest.c instead of this file. */
#include "kernel.h"
#include "thread.h"
#include "sched/kside.h"

void schedtest_setup(void)
{
}

bool schedtest_measuring(void)
{
	return false;
}

void schedtest_decision(const struct qvs_sched *s, u64 now_ns)
{
	(void)s;
	(void)now_ns;
}
