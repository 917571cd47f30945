/* Reading the fault log from the supervising sandbox (recovery.h). The
 * monitors write it; this side only reads, under the protocol in
 * include/questv/faultlog.h: a record counts only when its slot's seq is
 * the wanted one before and after the copy. */
#include "kernel.h"
#include "recovery.h"

static u64 next_seq;   /* 0 until the first call picks up after the last ack */
static u64 lost;

static const struct qv_faultlog *the_log(void)
{
	const struct qv_faultlog *log = (const void *)(uintptr_t)kboot.faultlog_gpa;

	if (!kernel_isolated() || !kboot.faultlog_size || !kboot.faultlog_gpa ||
	    log->magic != QV_FAULTLOG_MAGIC || log->version != QV_FAULTLOG_VERSION ||
	    log->record_size < sizeof(struct qv_fault_record) || log->capacity == 0)
		return NULL;
	return log;
}

bool krecovery_has_log(void)
{
	return the_log() != NULL;
}

int krecovery_next(struct qv_fault_record *out)
{
	const struct qv_faultlog *log = the_log();

	if (!log)
		return -1;
	if (next_seq == 0)
		next_seq = __atomic_load_n(&log->ack_seq, __ATOMIC_ACQUIRE) + 1;
	for (;;) {
		u64 newest = __atomic_load_n(&log->write_seq, __ATOMIC_ACQUIRE);
		if (next_seq > newest)
			return 0;
		if (newest - next_seq >= log->capacity) {
			/* lapped: the oldest still in the ring is newest - capacity + 1 */
			lost += newest - log->capacity + 1 - next_seq;
			next_seq = newest - log->capacity + 1;
		}
		const u8 *base = (const u8 *)log + log->header_size;
		const struct qv_fault_record *slot =
			(const void *)(base + (next_seq - 1) % log->capacity * log->record_size);
		if (__atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) == next_seq) {
			memcpy(out, slot, sizeof(*out));
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) == next_seq &&
			    out->seq == next_seq) {
				out->sym[QV_FAULTLOG_SYM_LEN - 1] = 0;
				next_seq++;
				return 1;
			}
		}
		/* Being rewritten or lapped while we looked: count it lost unless
		 * it is the record still being written (write_seq not yet past). */
		if (__atomic_load_n(&log->write_seq, __ATOMIC_ACQUIRE) - next_seq < log->capacity)
			return 0;
		lost++;
		next_seq++;
	}
}

u64 krecovery_lost(void)
{
	return lost;
}

s64 krecovery_ack(u64 seq)
{
	return hypercall(QV_HC_FAULT_ACK, seq, 0, 0);
}

s64 krecovery_command(u32 cmd, u32 target, u64 arg)
{
	return hypercall(QV_HC_RECOVER, cmd, target, arg);
}

s64 krecovery_command_for(u32 cmd, u32 target, u32 boot, u64 arg)
{
	return hypercall(QV_HC_RECOVER, cmd, QV_RECOVER_TARGET(target, boot + 1u), arg);
}

const char *krecovery_kind_name(u32 kind)
{
	static const char *const names[] = {
		"none", "ept_violation", "io", "pci", "triple_fault", "hang", "exit", "entry",
		"refused_command",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}
