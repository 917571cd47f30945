/* The default kernel carries no attack code: the test attacks exist only
 * in kernel-test.elf, which links attack.c instead of this file. */
#include "kernel.h"

void attack_run(void)
{
}
