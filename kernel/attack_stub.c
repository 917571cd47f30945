/* The default kernel carries no attack code: the test attacks exist only
 * in kernel-test.elf, which links attack.c instead of this file. */
#include "kernel.h"
#include "recovery.h"

void attack_run(void)
{
}

void attack_threads_start(void)
{
}
