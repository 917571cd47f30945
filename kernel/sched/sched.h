/*
 * The VCPU scheduling core of the sandbox kernel: pure decision logic.
 *
 * No hardware, no allocation, no global state. The caller owns every
 * structure (the per-core scheduler, VCPUs, threads, replenishment queues),
 * hands in the time on every call and acts on what the scheduler answers:
 * which thread to run, whether its VCPU runs at foreground or background
 * priority, and when the one-shot timer must fire next. The same file builds
 * for the board (freestanding) and for the host tests (simulated time).
 *
 * Time is u64 nanoseconds from any origin the caller picks; it must never go
 * backwards between calls. See docs/scheduling.md for the model.
 */
#ifndef QUESTV_SCHED_H
#define QUESTV_SCHED_H

#include <questv/types.h>

#define QVS_NEVER UINT64_MAX
/* Periods up to ~18 minutes keep C * 10^6 well inside u64. */
#define QVS_MAX_PERIOD_NS (1ull << 40)
#define QVS_PPM 1000000u
#define QVS_MIN_REFILLS 2u

enum qvs_kind { QVS_MAIN = 0, QVS_IO = 1 };

enum qvs_thread_state {
	QVS_READY = 0,    /* on its VCPU's run queue */
	QVS_BLOCKED,      /* waits for qvs_thread_wake */
	QVS_SLEEPING,     /* waits until wake_at */
	QVS_PERIOD_WAIT,  /* waits for its next release at wake_at */
	QVS_DETACHED,     /* not attached to a VCPU */
};

enum qvs_status {
	QVS_OK = 0,
	QVS_E_PARAM,      /* malformed parameters (zero budget, C > T, ...) */
	QVS_E_ADMISSION,  /* the core's VCPU set would be unschedulable */
	QVS_E_STATE,      /* the object is not in a state that allows this */
};

/* One pending replenishment: `amount` ns of budget usable from `time` on. */
struct qvs_refill {
	u64 time;
	u64 amount;
};

struct qvs_stats {
	u64 fg_ns;            /* run time at foreground (budgeted) priority */
	u64 bg_ns;            /* run time at background priority */
	u64 replenishments;   /* replenishments queued (one per consumed chunk) */
	u64 overruns;         /* chunks that ran past their budget */
	u64 overrun_ns;       /* total time run past the budget */
	u64 deadline_misses;  /* periodic jobs of its threads that ended late */
	u64 activations;      /* I/O VCPU: activations started */
};

struct qvs_vcpu;

struct qvs_thread {
	struct qvs_thread *next_all;  /* the VCPU's list of threads */
	struct qvs_thread *next_run;  /* the VCPU's run queue (FIFO) */
	struct qvs_vcpu *vcpu;
	u32 id;
	u8 state;                     /* enum qvs_thread_state */
	bool periodic;                /* has called qvs_thread_wait_period */
	u64 wake_at;                  /* sleep expiry or next release */
	u64 release;                  /* release time of the current job */
	u64 deadline_misses;
};

struct qvs_vcpu {
	struct qvs_vcpu *next;        /* the scheduler's list, in id order */
	u32 id;
	u8 kind;                      /* enum qvs_kind */
	u64 budget;                   /* main: C. I/O: C of the current activation */
	u64 period;                   /* main: T */
	u64 origin;                   /* period boundaries are origin + k*T */
	/* Main VCPUs: the replenishment queue, sorted by time, amounts sum to C. */
	struct qvs_refill *rq;
	u32 rq_cap;
	u32 rq_len;
	u64 debt;                     /* overrun not yet paid: settled from the next due entries */
	/* I/O VCPUs (Quest's priority-inheritance bandwidth-preserving server). */
	u32 util_ppm;                 /* utilization limit U */
	bool io_active;               /* an activation is under way */
	u64 io_start;                 /* when the activation started */
	u64 io_used;                  /* foreground time used by it so far */
	u64 io_eligible;              /* no new activation before this time */
	struct qvs_vcpu *io_for;      /* Main VCPU whose priority is inherited */
	/* Eligible at foreground at the current decision (pick's, for next_event). */
	bool fg_ok;
	/* Threads. */
	struct qvs_thread *threads;
	struct qvs_thread *run_head;
	struct qvs_thread *run_tail;
	struct qvs_stats stats;
};

/* Per-core scheduler state. One per core, reached through the kernel's
 * per-core accessor; nothing here is shared between cores. */
struct qvs_sched {
	struct qvs_vcpu *vcpus;
	u32 nvcpus;
	u32 next_thread_id;
	u64 now;                      /* latest time handed in */
	/* What the last decision dispatched. */
	struct qvs_vcpu *cur;
	bool cur_fg;
	u64 chunk_start;              /* foreground chunk under way since */
	u64 chunk_budget;             /* budget it may use */
	/* A budget with no more than `slack` ns left counts as spent, and the
	 * timer for a chunk's exhaustion is asked `slack` ns early: the kernel
	 * sets it to the timer interrupt's delivery latency, so that the chunk
	 * really stops within its budget (qvs_set_slack). 0 by default. */
	u64 slack;
	/* Time from a decision to its timer being armed (the decision itself,
	 * the switch): a chunk is only started with more than slack + dispatch
	 * of budget, or its timer would be armed after its end (qvs_set_slack). */
	u64 dispatch;
};

/* Why a VCPU was refused: the numbers for a message a user understands. */
struct qvs_admit_error {
	u64 budget;                   /* C of the refused main VCPU (ns) */
	u64 period;                   /* T of the refused main VCPU (ns) */
	u32 kind;                     /* enum qvs_kind of the refused VCPU */
	u32 io_util_ppm;              /* U of a refused I/O VCPU */
	u32 util_ppm;                 /* utilization the set would have */
	u32 bound_ppm;                /* Liu-Layland bound for nvcpus */
	u32 nvcpus;                   /* VCPUs in the set, the new one included */
};

/* What to run: `thread` on `vcpu` (both NULL when the core idles), at
 * foreground priority or not, until `next_event` at the latest (QVS_NEVER
 * when nothing is pending). The kernel programs the one-shot timer for it. */
struct qvs_decision {
	struct qvs_thread *thread;
	struct qvs_vcpu *vcpu;
	bool foreground;
	u64 next_event;
};

/* Starts an empty scheduler at time `now`. */
void qvs_init(struct qvs_sched *s, u64 now);

/* The interrupt latency to allow for: from now on a chunk's exhaustion is
 * due `slack` ns before its budget runs out, a running chunk with no more
 * than `slack` left is over, and after a decision a chunk runs (starts or
 * goes on) only with more than `slack + dispatch` (what a decision costs
 * before it arms the timer); a VCPU with less runs only at background
 * priority (the rest stays queued and is used with the next
 * replenishment). Both 0 by default. */
void qvs_set_slack(struct qvs_sched *s, u64 slack);
void qvs_set_dispatch(struct qvs_sched *s, u64 dispatch);

/* Adds a Main VCPU with budget C and period T (ns), a sporadic server whose
 * replenishment queue is `rq[0..rq_cap)` (rq_cap >= QVS_MIN_REFILLS). `id`
 * breaks priority ties between equal periods (lower id wins) and must be
 * unique. On QVS_E_ADMISSION, `*err` says why; nothing is changed. */
enum qvs_status qvs_vcpu_add_main(struct qvs_sched *s, struct qvs_vcpu *v, u32 id,
				  u64 budget, u64 period, struct qvs_refill *rq, u32 rq_cap,
				  u64 now, struct qvs_admit_error *err);

/* Adds an I/O VCPU with utilization limit `util_ppm` (parts per million). */
enum qvs_status qvs_vcpu_add_io(struct qvs_sched *s, struct qvs_vcpu *v, u32 id, u32 util_ppm,
				u64 now, struct qvs_admit_error *err);

/* Changes a Main VCPU's budget and period, subject to admission (with its
 * old parameters left out). Budget taken away is cut from what is due
 * first; added budget is usable at once; a longer period postpones every
 * queued replenishment by the difference. The running chunk, if any, is
 * charged under the old parameters first. */
enum qvs_status qvs_vcpu_set_main(struct qvs_sched *s, struct qvs_vcpu *v, u64 budget,
				  u64 period, u64 now, struct qvs_admit_error *err);

/* Removes a VCPU that has no threads left (QVS_E_STATE otherwise). */
enum qvs_status qvs_vcpu_remove(struct qvs_sched *s, struct qvs_vcpu *v, u64 now);

/* Attaches a thread to a VCPU, ready to run (appended to its run queue). */
enum qvs_status qvs_thread_add(struct qvs_sched *s, struct qvs_thread *t, struct qvs_vcpu *v,
			       u64 now);

/* The thread stops until qvs_thread_wake. */
enum qvs_status qvs_thread_block(struct qvs_sched *s, struct qvs_thread *t, u64 now);

/* Makes a blocked thread ready (appended to its VCPU's run queue). */
enum qvs_status qvs_thread_wake(struct qvs_sched *s, struct qvs_thread *t, u64 now);

/* Wakes a blocked thread of an I/O VCPU to do work on behalf of Main VCPU
 * `owner`: the I/O VCPU inherits the highest priority among the owners it
 * serves in its current activation, and its budget follows that owner. */
enum qvs_status qvs_io_wake(struct qvs_sched *s, struct qvs_thread *t, struct qvs_vcpu *owner,
			    u64 now);

/* Makes I/O VCPU `io` work on behalf of Main VCPU `owner` as qvs_io_wake
 * does (it keeps the higher of the two priorities), without waking a
 * thread: for a kernel that wakes its threads its own way, right after. A
 * VCPU with no runnable thread at the next decision stops inheriting. */
enum qvs_status qvs_io_inherit(struct qvs_sched *s, struct qvs_vcpu *io, struct qvs_vcpu *owner,
			       u64 now);

/* The thread sleeps until `until` (no-op if that is not in the future). */
enum qvs_status qvs_thread_sleep_until(struct qvs_sched *s, struct qvs_thread *t, u64 until,
				       u64 now);

/* The thread's job is done; it waits for its next release, the next period
 * boundary of its Main VCPU. A job that ends after its deadline (its release
 * plus T) counts as a deadline miss and the thread resumes at the next
 * boundary; missed releases are skipped. */
enum qvs_status qvs_thread_wait_period(struct qvs_sched *s, struct qvs_thread *t, u64 now);

/* Detaches a thread from its VCPU for good (it ended); the caller may then
 * reuse its storage. */
enum qvs_status qvs_thread_exit(struct qvs_sched *s, struct qvs_thread *t, u64 now);

/* Moves a ready thread to the back of its VCPU's run queue. */
enum qvs_status qvs_thread_yield(struct qvs_sched *s, struct qvs_thread *t, u64 now);

/* Brings the scheduler to `now` (charges the running VCPU, releases expired
 * sleepers, pays overrun debts out of the budget due) and decides what runs
 * next. Call it on every timer interrupt
 * and after any event above. */
struct qvs_decision qvs_schedule(struct qvs_sched *s, u64 now);

/* Budget a VCPU could use at foreground priority at `now` if dispatched
 * (0 when exhausted), less any overrun debt not yet paid. For inspection;
 * changes nothing (exact after a qvs_schedule at `now`). */
u64 qvs_vcpu_available(const struct qvs_sched *s, const struct qvs_vcpu *v, u64 now);

/* When the running foreground chunk's end is asked for: early by the
 * slack, so that the interrupt's latency does not carry it past its
 * budget. QVS_NEVER when no foreground chunk runs. */
u64 qvs_chunk_end(const struct qvs_sched *s);

/* Sum of the amounts in a Main VCPU's replenishment queue (always C). */
u64 qvs_vcpu_refill_total(const struct qvs_vcpu *v);

/* Admission arithmetic, exposed for the tests and for `quest` messages. */
u32 qvs_util_ppm(u64 budget, u64 period);
u32 qvs_io_util_ppm(u32 util_ppm);
u32 qvs_ll_bound_ppm(u32 nvcpus);

/* Writes "VCPU 2ms/5ms refused: utilization 0.843 > bound 0.780
 * (Liu-Layland, 3 VCPUs)" into buf (always NUL-terminated); returns the
 * length written. */
size_t qvs_admit_format(const struct qvs_admit_error *err, char *buf, size_t len);

#endif
