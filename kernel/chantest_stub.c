/* kernel.elf carries no channel test workloads (see chantest.c). */
#include "kernel.h"

bool chantest_start(void)
{
	return false;
}

void chantest_idle(void)
{
}

void chantest_report(void)
{
}
