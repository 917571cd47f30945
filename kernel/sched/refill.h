/*
 * The replenishment queue of a Main VCPU (a sporadic server), internal to
 * kernel/sched. The amounts always add up to the budget C: budget is never
 * created, only moved in time, which is what rules out amplification.
 */
#ifndef QUESTV_SCHED_REFILL_H
#define QUESTV_SCHED_REFILL_H

#include "sched.h"

/* The whole budget, usable from `now`. */
void qvs_rq_reset(struct qvs_vcpu *v, u64 now);

/* Budget a chunk starting at `now` may use: the head and every later entry
 * that becomes usable before the chunk could have used up what precedes it.
 * 0 when the head is still in the future. */
u64 qvs_rq_available(const struct qvs_vcpu *v, u64 now);

/* The earliest time from `now` on at which a chunk could start with more
 * than `slack` ns of budget (QVS_NEVER if C itself is no more than that). */
u64 qvs_rq_due(const struct qvs_vcpu *v, u64 now, u64 slack);

/* Folds into the head what qvs_rq_available counted, so the chunk draws on
 * a single entry. */
void qvs_rq_coalesce(struct qvs_vcpu *v, u64 now);

/* Charges a chunk that ran from `start` for `used` ns with `budget` ns
 * available (the head less any debt), and queues its replenishment at
 * start + T. */
void qvs_rq_charge(struct qvs_vcpu *v, u64 start, u64 used, u64 budget);

/* Changes C and T (the caller ended any running chunk first). Keeps the
 * guarantee for both: entries move later for a longer period, a smaller
 * budget is cut from the entries due first, a larger one is usable now. */
void qvs_rq_resize(struct qvs_vcpu *v, u64 budget, u64 period, u64 now);

#endif
