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
 * that becomes usable before the chunk could have used up what precedes it,
 * less any debt. 0 when the head is still in the future. Exact once
 * qvs_rq_settle ran at `now` (no debt is then left with the head due);
 * before that, an estimate for inspection. */
u64 qvs_rq_available(const struct qvs_vcpu *v, u64 now);

/* The earliest time from `now` on at which a chunk could start with more
 * than `slack` ns of budget (QVS_NEVER if C itself is no more than that).
 * With a debt outstanding: when a chunk could start with more than
 * `slack` after paying it (the decision then pays it, qvs_rq_settle), or,
 * if that never comes, when the head is due. */
u64 qvs_rq_due(const struct qvs_vcpu *v, u64 now, u64 slack);

/* Folds into the head what qvs_rq_available counted, so the chunk draws on
 * a single entry. */
void qvs_rq_coalesce(struct qvs_vcpu *v, u64 now);

/* Charges a chunk that ran from `start` for `used` ns with `budget` ns
 * available (the head), and queues its replenishment at start + T. What
 * it ran past the budget becomes the VCPU's debt (at most C). */
void qvs_rq_charge(struct qvs_vcpu *v, u64 start, u64 used, u64 budget);

/* Pays as much of the debt as the entries due at `now` hold: that much is
 * taken out of them and queued again at now + T, as if a chunk of that
 * length had started now. Called for every Main VCPU at each decision,
 * before eligibility is computed; a no-op without debt. */
void qvs_rq_settle(struct qvs_vcpu *v, u64 now);

/* Changes C and T (the caller ended any running chunk first). Keeps the
 * guarantee for both: entries move later for a longer period, a smaller
 * budget is cut from the entries due first, a larger one is usable now. */
void qvs_rq_resize(struct qvs_vcpu *v, u64 budget, u64 period, u64 now);

#endif
