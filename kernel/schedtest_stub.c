/* The default kernel carries no scheduling workload: it exists only in
 * kernel-test.elf, which links schedtest.c instead of this file. */
#include "kernel.h"
#include "thread.h"

void schedtest_setup(void)
{
}

bool schedtest_measuring(void)
{
	return false;
}
