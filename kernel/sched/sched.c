/*
 * VCPU scheduling decisions: rate-monotonic fixed priorities over sporadic
 * servers (Main VCPUs) and priority-inheriting I/O VCPUs, threads on VCPUs,
 * and the next timer event. The kernel calls in with the time; nothing here
 * touches hardware. docs/scheduling.md describes the model.
 */
#include "admit.h"
#include "refill.h"

/* ---- priorities ---- */

/* Rate-monotonic: a shorter period is a higher priority, the lower id wins a
 * tie. An I/O VCPU takes the place of the Main VCPU it works for, just above
 * it (its work is what that Main VCPU waits on); with nobody to work for it
 * is below every Main VCPU. */
struct prio {
	u64 period;
	u32 id;
	u32 rank;
};

static struct prio prio_of(const struct qvs_vcpu *v)
{
	struct prio p;

	if (v->kind == QVS_MAIN) {
		p.period = v->period;
		p.id = v->id;
		p.rank = 1;
	} else if (v->io_for) {
		p.period = v->io_for->period;
		p.id = v->io_for->id;
		p.rank = 0;
	} else {
		p.period = QVS_NEVER;
		p.id = v->id;
		p.rank = 0;
	}
	return p;
}

static bool prio_above(struct prio pa, struct prio pb)
{
	if (pa.period != pb.period)
		return pa.period < pb.period;
	if (pa.id != pb.id)
		return pa.id < pb.id;
	return pa.rank < pb.rank;
}

static bool prio_higher(const struct qvs_vcpu *a, const struct qvs_vcpu *b)
{
	return prio_above(prio_of(a), prio_of(b));
}

/* ---- run queues ---- */

static void run_append(struct qvs_thread *t)
{
	struct qvs_vcpu *v = t->vcpu;

	t->state = QVS_READY;
	t->next_run = NULL;
	if (v->run_tail)
		v->run_tail->next_run = t;
	else
		v->run_head = t;
	v->run_tail = t;
}

static void run_remove(struct qvs_thread *t)
{
	struct qvs_vcpu *v = t->vcpu;
	struct qvs_thread *prev = NULL;

	for (struct qvs_thread *p = v->run_head; p; prev = p, p = p->next_run) {
		if (p != t)
			continue;
		if (prev)
			prev->next_run = p->next_run;
		else
			v->run_head = p->next_run;
		if (v->run_tail == p)
			v->run_tail = prev;
		p->next_run = NULL;
		return;
	}
}

static bool runnable(const struct qvs_vcpu *v)
{
	return v->run_head != NULL;
}

static bool chunk_running(const struct qvs_sched *s, const struct qvs_vcpu *v)
{
	return s->cur == v && s->cur_fg;
}

/* ---- I/O VCPU activations ---- */

static u64 io_budget_for(const struct qvs_vcpu *io)
{
	u64 c = io->io_for->period * io->util_ppm / QVS_PPM;

	return c ? c : 1;
}

static void io_start(struct qvs_vcpu *io, u64 now)
{
	io->io_active = true;
	io->io_start = now;
	io->io_used = 0;
	io->budget = io_budget_for(io);
	io->stats.activations++;
}

/* Quest's rule: an activation that used x ns may not be followed by the
 * next one before start + x / U, which keeps the I/O VCPU within U. */
static void io_end(struct qvs_vcpu *io)
{
	u64 gap = (io->io_used * QVS_PPM + io->util_ppm - 1) / io->util_ppm;

	io->io_active = false;
	io->io_eligible = io->io_start + gap;
	io->stats.replenishments++;
}


static u64 io_available(const struct qvs_vcpu *v, u64 now)
{
	if (!v->io_for)
		return 0;
	if (v->io_active)
		return v->budget - v->io_used;
	return now >= v->io_eligible ? io_budget_for(v) : 0;
}

/* ---- foreground chunks ---- */

u64 qvs_vcpu_available(const struct qvs_sched *s, const struct qvs_vcpu *v, u64 now)
{
	if (chunk_running(s, v)) {
		u64 used = now - s->chunk_start;

		return used < s->chunk_budget ? s->chunk_budget - used : 0;
	}
	if (v->kind == QVS_IO)
		return io_available(v, now);
	return qvs_rq_available(v, now);
}

static void chunk_start(struct qvs_sched *s, struct qvs_vcpu *v, u64 now)
{
	if (v->kind == QVS_MAIN) {
		/* Settled at this decision: no debt is left with the head due. */
		qvs_rq_coalesce(v, now);
		s->chunk_budget = v->rq[0].amount;
	} else {
		if (!v->io_active)
			io_start(v, now);
		s->chunk_budget = v->budget - v->io_used;
	}
	s->chunk_start = now;
	s->cur_fg = true;
}

static void chunk_end(struct qvs_sched *s, u64 now)
{
	struct qvs_vcpu *v = s->cur;
	u64 used = now - s->chunk_start;

	s->cur_fg = false;
	if (v->kind == QVS_MAIN) {
		qvs_rq_charge(v, s->chunk_start, used, s->chunk_budget);
		return;
	}
	v->io_used += used;
	if (used > s->chunk_budget) {
		v->stats.overruns++;
		v->stats.overrun_ns += used - s->chunk_budget;
	}
	/* What is left could not start another chunk. */
	if (v->io_used + s->slack + s->dispatch >= v->budget)
		io_end(v);
}

/* Before eligibility is computed, in one pass over the VCPUs (each pass
 * is a cost of every decision, under Bochs ~20 instructions per VCPU):
 *
 * - An I/O VCPU that ran out of work ends its activation and stops
 *   inheriting: the requests it served are done.
 * - A Main VCPU pays what it overran out of the budget due now: with the
 *   debt in the queue, a VCPU whose debt reached C (less the slack) still
 *   gets its next chunk (a chunk that had to start with more than the debt
 *   never could). A running chunk has no debt (it started settled), so
 *   this never touches its head. Most decisions find no debt at all: the
 *   test is made here, not by a call into refill.c per VCPU per decision.
 *
 * The two touch different VCPUs, and ending an I/O VCPU's chunk makes no
 * Main VCPU's chunk the running one, so one pass is the same as two. */
static void settle(struct qvs_sched *s, u64 now)
{
	for (struct qvs_vcpu *v = s->vcpus; v; v = v->next) {
		if (v->kind == QVS_MAIN) {
			/* A debt waits for its head to fall due (up to a period):
			 * until then the call would find nothing to pay. */
			if (v->debt && v->rq_len && v->rq[0].time <= now && !chunk_running(s, v))
				qvs_rq_settle(v, now);
			continue;
		}
		if (runnable(v))
			continue;
		if (chunk_running(s, v))
			chunk_end(s, now);
		if (v->io_active)
			io_end(v);
		v->io_for = NULL;
	}
}

/* ---- time ---- */

static void release_expired(struct qvs_sched *s, u64 now)
{
	for (struct qvs_vcpu *v = s->vcpus; v; v = v->next) {
		for (struct qvs_thread *t = v->threads; t; t = t->next_all) {
			if (t->state != QVS_SLEEPING && t->state != QVS_PERIOD_WAIT)
				continue;
			if (t->wake_at > now)
				continue;
			if (t->state == QVS_PERIOD_WAIT)
				t->release = t->wake_at;
			run_append(t);
		}
	}
}

/* Charges the time since the last call and applies what fell due. Time that
 * goes backwards is taken as no time at all. */
static void advance(struct qvs_sched *s, u64 now)
{
	if (now < s->now)
		now = s->now;
	if (s->cur) {
		if (s->cur_fg)
			s->cur->stats.fg_ns += now - s->now;
		else
			s->cur->stats.bg_ns += now - s->now;
	}
	s->now = now;
	if (s->cur_fg && now - s->chunk_start + s->slack >= s->chunk_budget)
		chunk_end(s, now);
	release_expired(s, now);
}

/* ---- decisions ---- */

/* Budget a VCPU needs to run at foreground after a decision: more than
 * the slack (or it would be over at once) plus the dispatch (or its timer,
 * armed at the end of this decision, would come after the chunk's end).
 * This holds for the running chunk too: a decision that finds it with no
 * more left ends it, and the rest waits for the next replenishment (under
 * Bochs, letting it go on made timers armed past their event, and overruns
 * of up to a decision, a tenth of all budget timers). */
static u64 start_threshold(const struct qvs_sched *s)
{
	return s->slack + s->dispatch;
}

static bool foreground_eligible(const struct qvs_sched *s, const struct qvs_vcpu *v, u64 now)
{
	return runnable(v) && qvs_vcpu_available(s, v, now) > start_threshold(s);
}

/* Records each VCPU's eligibility (fg_ok) for next_event, which would
 * otherwise compute it again for every VCPU (qvs_vcpu_available walks the
 * replenishment queue). */
static struct qvs_vcpu *pick(const struct qvs_sched *s, u64 now, bool *fg)
{
	struct qvs_vcpu *best = NULL;

	for (struct qvs_vcpu *v = s->vcpus; v; v = v->next) {
		v->fg_ok = foreground_eligible(s, v, now);
		if (v->fg_ok && (!best || prio_higher(v, best)))
			best = v;
	}
	*fg = best != NULL;
	if (best)
		return best;
	for (struct qvs_vcpu *v = s->vcpus; v; v = v->next)
		if (runnable(v) && (!best || prio_higher(v, best)))
			best = v;
	return best;
}

static void dispatch(struct qvs_sched *s, struct qvs_vcpu *v, bool fg, u64 now)
{
	struct qvs_vcpu *prev = s->cur;

	if (v == prev && fg == s->cur_fg)
		return;
	if (s->cur_fg) {
		chunk_end(s, now);
		/* Charged: its eligibility is that of a VCPU not running. Starting
		 * a chunk changes no VCPU's (it draws what pick counted). */
		prev->fg_ok = foreground_eligible(s, prev, now);
	}
	s->cur = v;
	if (fg)
		chunk_start(s, v, now);
}

/* When budget next appears for a VCPU that has work but none to run on
 * (more than the slack: less would not start a chunk). */
static u64 budget_due(const struct qvs_sched *s, const struct qvs_vcpu *v, u64 now)
{
	if (v->kind == QVS_MAIN)
		return qvs_rq_due(v, now, start_threshold(s));
	if (!v->io_for || v->io_active || io_budget_for(v) <= start_threshold(s))
		return QVS_NEVER;
	return v->io_eligible;
}

static u64 earliest(u64 a, u64 b)
{
	return a < b ? a : b;
}

/* Whether an event of a VCPU (a release, a wake, budget falling due) can
 * change the decision now in force. While a VCPU runs at foreground, one
 * of lower priority (or itself: a thread it wakes queues behind the one
 * running) cannot preempt it, so its events need no interrupt: the next
 * decision (the chunk's end, which is always an event, or its thread
 * blocking, after which the kernel decides at once) brings the scheduler
 * to that time and applies them then, releases at their own times. Such
 * an interrupt is not free: its decision runs on the running VCPU's
 * budget (under Bochs 300 to 500 us each, against a 1 ms budget of the
 * workload's periodic thread, which then ran out of foreground budget
 * and finished its job in background behind every hog). The running
 * VCPU's priority is computed once per decision (`cur`), not per VCPU. */
static bool event_matters(const struct qvs_sched *s, const struct qvs_vcpu *v, struct prio cur)
{
	return !s->cur_fg || prio_above(prio_of(v), cur);
}

u64 qvs_chunk_end(const struct qvs_sched *s)
{
	if (!s->cur_fg)
		return QVS_NEVER;
	return s->chunk_start + s->chunk_budget -
	       (s->chunk_budget > s->slack ? s->slack : s->chunk_budget);
}

/* Eligibility is pick's (fg_ok, brought up to date by dispatch): nothing
 * changed it since. */
static u64 next_event(const struct qvs_sched *s, u64 now)
{
	u64 ev = qvs_chunk_end(s);
	struct prio cur = { 0, 0, 0 };

	if (s->cur_fg)
		cur = prio_of(s->cur);
	for (const struct qvs_vcpu *v = s->vcpus; v; v = v->next) {
		if (!event_matters(s, v, cur))
			continue;
		if (runnable(v) && !v->fg_ok)
			ev = earliest(ev, budget_due(s, v, now));
		for (const struct qvs_thread *t = v->threads; t; t = t->next_all)
			if (t->state == QVS_SLEEPING || t->state == QVS_PERIOD_WAIT)
				ev = earliest(ev, t->wake_at);
	}
	return ev;
}

struct qvs_decision qvs_schedule(struct qvs_sched *s, u64 now)
{
	struct qvs_decision d;
	struct qvs_vcpu *v;
	bool fg;

	advance(s, now);
	now = s->now;
	settle(s, now);
	v = pick(s, now, &fg);
	dispatch(s, v, fg, now);
	d.vcpu = v;
	d.thread = v ? v->run_head : NULL;
	d.foreground = fg;
	d.next_event = next_event(s, now);
	return d;
}

/* ---- set-up ---- */

void qvs_init(struct qvs_sched *s, u64 now)
{
	s->vcpus = NULL;
	s->nvcpus = 0;
	s->next_thread_id = 0;
	s->now = now;
	s->cur = NULL;
	s->cur_fg = false;
	s->chunk_start = now;
	s->chunk_budget = 0;
	s->slack = 0;
	s->dispatch = 0;
}

void qvs_set_slack(struct qvs_sched *s, u64 slack)
{
	s->slack = slack;
}

void qvs_set_dispatch(struct qvs_sched *s, u64 dispatch)
{
	s->dispatch = dispatch;
}

static void vcpu_clear(struct qvs_vcpu *v, u32 id, u8 kind, u64 now)
{
	struct qvs_stats zero = { 0 };

	v->next = NULL;
	v->id = id;
	v->kind = kind;
	v->budget = 0;
	v->period = 0;
	v->origin = now;
	v->rq = NULL;
	v->rq_cap = 0;
	v->rq_len = 0;
	v->debt = 0;
	v->util_ppm = 0;
	v->io_active = false;
	v->io_start = 0;
	v->io_used = 0;
	v->io_eligible = now;
	v->io_for = NULL;
	v->fg_ok = false;
	v->threads = NULL;
	v->run_head = NULL;
	v->run_tail = NULL;
	v->stats = zero;
}

static bool id_taken(const struct qvs_sched *s, u32 id)
{
	for (const struct qvs_vcpu *v = s->vcpus; v; v = v->next)
		if (v->id == id)
			return true;
	return false;
}

/* Keeps the list in id order, so every scan visits VCPUs in one order. */
static void vcpu_link(struct qvs_sched *s, struct qvs_vcpu *v)
{
	struct qvs_vcpu **p = &s->vcpus;

	while (*p && (*p)->id < v->id)
		p = &(*p)->next;
	v->next = *p;
	*p = v;
	s->nvcpus++;
}

enum qvs_status qvs_vcpu_add_main(struct qvs_sched *s, struct qvs_vcpu *v, u32 id,
				  u64 budget, u64 period, struct qvs_refill *rq, u32 rq_cap,
				  u64 now, struct qvs_admit_error *err)
{
	enum qvs_status st;

	if (!v || !rq || rq_cap < QVS_MIN_REFILLS || budget == 0 || budget > period ||
	    period > QVS_MAX_PERIOD_NS || id_taken(s, id))
		return QVS_E_PARAM;
	advance(s, now);
	vcpu_clear(v, id, QVS_MAIN, s->now);
	v->budget = budget;
	v->period = period;
	st = qvs_admit(s, v, NULL, err);
	if (st != QVS_OK)
		return st;
	v->rq = rq;
	v->rq_cap = rq_cap;
	qvs_rq_reset(v, s->now);
	vcpu_link(s, v);
	return QVS_OK;
}

enum qvs_status qvs_vcpu_add_io(struct qvs_sched *s, struct qvs_vcpu *v, u32 id, u32 util_ppm,
				u64 now, struct qvs_admit_error *err)
{
	enum qvs_status st;

	if (!v || util_ppm == 0 || util_ppm > QVS_PPM || id_taken(s, id))
		return QVS_E_PARAM;
	advance(s, now);
	vcpu_clear(v, id, QVS_IO, s->now);
	v->util_ppm = util_ppm;
	st = qvs_admit(s, v, NULL, err);
	if (st != QVS_OK)
		return st;
	vcpu_link(s, v);
	return QVS_OK;
}

enum qvs_status qvs_thread_add(struct qvs_sched *s, struct qvs_thread *t, struct qvs_vcpu *v,
			       u64 now)
{
	struct qvs_thread **p;

	if (!t || !v)
		return QVS_E_PARAM;
	advance(s, now);
	t->next_all = NULL;
	t->next_run = NULL;
	t->vcpu = v;
	t->id = s->next_thread_id++;
	t->periodic = false;
	t->wake_at = 0;
	t->release = 0;
	t->deadline_misses = 0;
	/* Appended, so that threads released together queue in creation order. */
	for (p = &v->threads; *p; p = &(*p)->next_all)
		;
	*p = t;
	run_append(t);
	return QVS_OK;
}

enum qvs_status qvs_vcpu_set_main(struct qvs_sched *s, struct qvs_vcpu *v, u64 budget,
				  u64 period, u64 now, struct qvs_admit_error *err)
{
	struct qvs_vcpu cand;
	enum qvs_status st;

	if (!v || v->kind != QVS_MAIN || budget == 0 || budget > period ||
	    period > QVS_MAX_PERIOD_NS)
		return QVS_E_PARAM;
	cand = *v;
	cand.budget = budget;
	cand.period = period;
	st = qvs_admit(s, &cand, v, err);
	if (st != QVS_OK)
		return st;
	advance(s, now);
	if (chunk_running(s, v))
		chunk_end(s, s->now);
	qvs_rq_resize(v, budget, period, s->now);
	return QVS_OK;
}

/* An I/O VCPU working for a VCPU that goes away stops inheriting from it. */
static void io_forget(struct qvs_sched *s, const struct qvs_vcpu *gone)
{
	for (struct qvs_vcpu *v = s->vcpus; v; v = v->next) {
		if (v->kind != QVS_IO || v->io_for != gone)
			continue;
		if (chunk_running(s, v))
			chunk_end(s, s->now);
		if (v->io_active)
			io_end(v);
		v->io_for = NULL;
	}
}

enum qvs_status qvs_vcpu_remove(struct qvs_sched *s, struct qvs_vcpu *v, u64 now)
{
	struct qvs_vcpu **p = &s->vcpus;

	if (!v)
		return QVS_E_PARAM;
	if (v->threads)
		return QVS_E_STATE;
	while (*p && *p != v)
		p = &(*p)->next;
	if (!*p)
		return QVS_E_STATE;
	advance(s, now);
	if (chunk_running(s, v))
		chunk_end(s, s->now);
	if (s->cur == v)
		s->cur = NULL;
	io_forget(s, v);
	*p = v->next;
	v->next = NULL;
	s->nvcpus--;
	return QVS_OK;
}

/* ---- thread events ---- */

static enum qvs_status leave_run_queue(struct qvs_thread *t, u8 state)
{
	if (t->state != QVS_READY)
		return QVS_E_STATE;
	run_remove(t);
	t->state = state;
	return QVS_OK;
}

enum qvs_status qvs_thread_block(struct qvs_sched *s, struct qvs_thread *t, u64 now)
{
	advance(s, now);
	return leave_run_queue(t, QVS_BLOCKED);
}

enum qvs_status qvs_thread_wake(struct qvs_sched *s, struct qvs_thread *t, u64 now)
{
	advance(s, now);
	if (t->state != QVS_BLOCKED)
		return QVS_E_STATE;
	run_append(t);
	return QVS_OK;
}

static void io_take_owner(struct qvs_vcpu *io, struct qvs_vcpu *owner)
{
	if (!io->io_for || owner->period < io->io_for->period ||
	    (owner->period == io->io_for->period && owner->id < io->io_for->id))
		io->io_for = owner;
}

enum qvs_status qvs_io_wake(struct qvs_sched *s, struct qvs_thread *t, struct qvs_vcpu *owner,
			    u64 now)
{
	struct qvs_vcpu *io = t->vcpu;

	if (!owner || owner->kind != QVS_MAIN || io->kind != QVS_IO)
		return QVS_E_PARAM;
	advance(s, now);
	if (t->state != QVS_BLOCKED)
		return QVS_E_STATE;
	io_take_owner(io, owner);
	run_append(t);
	return QVS_OK;
}

enum qvs_status qvs_io_inherit(struct qvs_sched *s, struct qvs_vcpu *io, struct qvs_vcpu *owner,
			       u64 now)
{
	if (!io || !owner || owner->kind != QVS_MAIN || io->kind != QVS_IO)
		return QVS_E_PARAM;
	advance(s, now);
	io_take_owner(io, owner);
	return QVS_OK;
}

enum qvs_status qvs_thread_sleep_until(struct qvs_sched *s, struct qvs_thread *t, u64 until,
				       u64 now)
{
	enum qvs_status st;

	advance(s, now);
	if (t->state != QVS_READY)
		return QVS_E_STATE;
	if (until <= s->now)
		return QVS_OK;
	st = leave_run_queue(t, QVS_SLEEPING);
	t->wake_at = until;
	return st;
}

/* The first period boundary of the VCPU at or after `now`. */
static u64 boundary_from(const struct qvs_vcpu *v, u64 now)
{
	u64 k = (now - v->origin + v->period - 1) / v->period;

	return v->origin + k * v->period;
}

enum qvs_status qvs_thread_wait_period(struct qvs_sched *s, struct qvs_thread *t, u64 now)
{
	struct qvs_vcpu *v = t->vcpu;
	u64 next;

	if (v->kind != QVS_MAIN)
		return QVS_E_PARAM;
	advance(s, now);
	now = s->now;
	if (t->state != QVS_READY)
		return QVS_E_STATE;
	if (t->periodic && now <= t->release + v->period) {
		next = t->release + v->period;
	} else {
		if (t->periodic) {
			t->deadline_misses++;
			v->stats.deadline_misses++;
		}
		next = boundary_from(v, now);
	}
	t->periodic = true;
	if (next <= now) {
		t->release = now;
		return QVS_OK;
	}
	t->wake_at = next;
	return leave_run_queue(t, QVS_PERIOD_WAIT);
}

enum qvs_status qvs_thread_exit(struct qvs_sched *s, struct qvs_thread *t, u64 now)
{
	struct qvs_thread **p;

	if (t->state == QVS_DETACHED)
		return QVS_E_STATE;
	advance(s, now);
	if (t->state == QVS_READY)
		run_remove(t);
	for (p = &t->vcpu->threads; *p && *p != t; p = &(*p)->next_all)
		;
	if (*p)
		*p = t->next_all;
	t->next_all = NULL;
	t->state = QVS_DETACHED;
	return QVS_OK;
}

enum qvs_status qvs_thread_yield(struct qvs_sched *s, struct qvs_thread *t, u64 now)
{
	advance(s, now);
	if (t->state != QVS_READY)
		return QVS_E_STATE;
	run_remove(t);
	run_append(t);
	return QVS_OK;
}

u64 qvs_vcpu_refill_total(const struct qvs_vcpu *v)
{
	u64 sum = 0;

	for (u32 i = 0; i < v->rq_len; i++)
		sum += v->rq[i].amount;
	return sum;
}
