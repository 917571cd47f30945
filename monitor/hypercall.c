/* The hypercall table (include/questv/hypercall.h). Arguments that name
 * guest memory are guest-physical and checked against the sandbox's own
 * region before the monitor touches them. */
#include "mon.h"
#include "questv/hypercall.h"

typedef s64 (*hypercall_fn)(struct sandbox *sb, struct guest_regs *r);

static s64 hc_reserved(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_ENOSYS;
}

static s64 hc_version(struct sandbox *sb, struct guest_regs *r)
{
	(void)sb;
	(void)r;
	return QV_HC_VERSION;
}

/* Stop-gap until the console hub: sandboxes without the UART print their
 * console through their monitor, one line per call. */
static s64 hc_console_write(struct sandbox *sb, struct guest_regs *r)
{
	char prefix[12], buf[QV_HC_CONSOLE_MAX];
	u64 len = r->rcx;
	const void *src = guest_bytes(sb, r->rbx, len);

	if (len > QV_HC_CONSOLE_MAX || !src)
		return QV_HC_EINVAL;
	memcpy(buf, src, len);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	fmt_buf(prefix, sizeof(prefix), "[sb%u] ", sb->cfg.id);
	con_line(prefix, buf, len);
	return 0;
}

static s64 hc_report_exits(struct sandbox *sb, struct guest_regs *r)
{
	(void)r;
	exits_report(sb);
	return 0;
}

static const hypercall_fn hypercalls[QV_HC_COUNT] = {
	[QV_HC_VERSION_QUERY] = hc_version,
	[QV_HC_CONSOLE_WRITE] = hc_console_write,
	[QV_HC_REPORT_EXITS] = hc_report_exits,
	[QV_HC_CHAN_CREATE] = hc_chan_create,
	[QV_HC_DOORBELL] = hc_doorbell,
	[QV_HC_HEARTBEAT] = hc_heartbeat,
	[QV_HC_FAULT_ACK] = hc_fault_ack,
	[QV_HC_RECOVER] = hc_recover,
	[QV_HC_RESERVED_8] = hc_reserved,
	[QV_HC_RESERVED_9] = hc_reserved,
};

void hypercall_dispatch(struct sandbox *sb, struct guest_regs *r)
{
	u64 n = r->rax;

	r->rax = (u64)(n < QV_HC_COUNT ? hypercalls[n](sb, r) : QV_HC_ENOSYS);
}
