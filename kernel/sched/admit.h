/* Admission control, internal to kernel/sched. */
#ifndef QUESTV_SCHED_ADMIT_H
#define QUESTV_SCHED_ADMIT_H

#include "sched.h"

/* QVS_OK if the core's VCPUs plus `cand` pass the Liu-Layland test; else
 * QVS_E_ADMISSION with the numbers in *err. `cand` is a new VCPU (not yet
 * listed) or, when `replaces` is a listed VCPU, its new parameters. */
enum qvs_status qvs_admit(const struct qvs_sched *s, const struct qvs_vcpu *cand,
			  const struct qvs_vcpu *replaces, struct qvs_admit_error *err);

#endif
