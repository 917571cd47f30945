/* The supervisor's side of fault recovery, in C: reading the monitors'
 * fault log (include/questv/faultlog.h), acknowledging what was read, and
 * asking for recovery commands (QV_HC_RECOVER). The Python supervisor
 * (ports/vtx) wraps these; the test kernel's supervisor script uses them
 * directly (kernel/attack.c). Only the supervising sandbox has the log
 * mapped; any other sandbox gets -1 from krecovery_next and QV_HC_EPERM
 * from the hypercalls (and is reported by its monitor). */
#ifndef QUESTV_KERNEL_RECOVERY_H
#define QUESTV_KERNEL_RECOVERY_H

#include "questv/types.h"
#include "questv/faultlog.h"

/* True when this sandbox is the supervisor and the log is mapped. */
bool krecovery_has_log(void);

/* The next record not read yet: 1 (copied into *out), 0 (nothing new) or
 * -1 (no fault log here). Reading starts after the last acknowledged seq,
 * so a restarted supervisor does not see old records again. */
int krecovery_next(struct qv_fault_record *out);

/* Records the ring overwrote before they were read, since boot. */
u64 krecovery_lost(void);

/* Tells the monitors everything up to seq has been read (QV_HC_FAULT_ACK). */
s64 krecovery_ack(u64 seq);

/* QV_HC_RECOVER: cmd is enum qv_recover_cmd; arg a device's new owner
 * (MOVE_DEVICE) or the guest-physical address of a struct
 * qv_recovery_note (RESTART_SERVICE: kernel memory is identity-mapped, so
 * a pointer is that address). 0 or QV_HC_E*. */
s64 krecovery_command(u32 cmd, u32 target, u64 arg);
/* The same, for the fault record of boot `boot`: refused (QV_HC_ESTALE)
 * if the target has restarted since (faultlog.h QV_RECOVER_TARGET). */
s64 krecovery_command_for(u32 cmd, u32 target, u32 boot, u64 arg);

/* A short name for a record's kind ("ept_violation", "hang", ...). */
const char *krecovery_kind_name(u32 kind);

/* kernel/attack.c (test kernel) or attack_stub.c: threads of the test
 * attacks that must run beside the scheduler (the supervisor's script);
 * called once the scheduler is up (kernel/watchdog.c). */
void attack_threads_start(void);

#endif
