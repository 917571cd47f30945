/* Channels created at run time (QV_HC_CHAN_CREATE) and doorbells
 * (QV_HC_DOORBELL). Not built yet: both answer ENOSYS. */
#include "mon.h"
#include "questv/hypercall.h"

s64 hc_chan_create(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}

s64 hc_doorbell(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}
