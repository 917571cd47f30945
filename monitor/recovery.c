/* Watchdog heartbeats, the supervisor's fault log and its recovery
 * commands. Not built yet: all answer ENOSYS. */
#include "mon.h"
#include "questv/hypercall.h"

s64 hc_heartbeat(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}

s64 hc_fault_ack(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}

s64 hc_recover(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}
