/* Heartbeats for the monitor's hung-sandbox watchdog. Not built yet: the
 * monitor has no watchdog, so nothing is sent. */
#include "kernel.h"

void watchdog_start(void)
{
}
