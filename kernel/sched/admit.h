/* Admission control, internal to kernel/sched. */
#ifndef QUESTV_SCHED_ADMIT_H
#define QUESTV_SCHED_ADMIT_H

#include "sched.h"

/* QVS_OK if the core's VCPUs plus `cand` (filled in, not yet listed) pass
 * the Liu-Layland test; else QVS_E_ADMISSION with the numbers in *err. */
enum qvs_status qvs_admit(const struct qvs_sched *s, const struct qvs_vcpu *cand,
			  struct qvs_admit_error *err);

#endif
