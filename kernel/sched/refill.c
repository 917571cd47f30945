/*
 * Sporadic-server replenishments, after Stanovich, Baker, Wang and Gonzalez
 * Harbour (RTAS 2010). Each contiguous chunk of foreground execution that
 * starts at time a and uses x ns queues one replenishment (a + T, x). The
 * budget of a chunk is drawn from the head of the queue, entries are only
 * ever moved later, and their amounts always add up to C. Together that
 * gives the sliding-window guarantee the tests check: in any window of
 * length T the VCPU runs at most C at foreground priority.
 */
#include "refill.h"

static void rq_remove(struct qvs_vcpu *v, u32 i)
{
	for (; i + 1 < v->rq_len; i++)
		v->rq[i] = v->rq[i + 1];
	v->rq_len--;
}

/* Keeps the queue sorted; an entry goes after the ones due at the same time
 * so that equal times stay in the order they were queued. */
static void rq_place(struct qvs_vcpu *v, u64 time, u64 amount)
{
	u32 i = v->rq_len;

	while (i > 0 && v->rq[i - 1].time > time) {
		v->rq[i] = v->rq[i - 1];
		i--;
	}
	v->rq[i].time = time;
	v->rq[i].amount = amount;
	v->rq_len++;
}

static void rq_insert(struct qvs_vcpu *v, u64 time, u64 amount)
{
	rq_place(v, time, amount);
	v->stats.replenishments++;
}

void qvs_rq_reset(struct qvs_vcpu *v, u64 now)
{
	v->rq[0].time = now;
	v->rq[0].amount = v->budget;
	v->rq_len = 1;
}

/* Entry i can join the chunk if it is due before the chunk, running from
 * `now`, has used the `sum` ns ahead of it: every one of its ns is then
 * still used no earlier than its own time. */
static u32 rq_usable_entries(const struct qvs_vcpu *v, u64 now, u64 *sum)
{
	u32 n = 1;

	*sum = v->rq[0].amount;
	while (n < v->rq_len && v->rq[n].time <= now + *sum) {
		*sum += v->rq[n].amount;
		n++;
	}
	return n;
}

u64 qvs_rq_available(const struct qvs_vcpu *v, u64 now)
{
	u64 sum;

	if (v->rq_len == 0 || v->rq[0].time > now)
		return 0;
	rq_usable_entries(v, now, &sum);
	return sum > v->debt ? sum - v->debt : 0;
}

u64 qvs_rq_due(const struct qvs_vcpu *v, u64 now, u64 slack)
{
	u64 t, sum;
	u32 n;

	if (v->rq_len == 0)
		return QVS_NEVER;
	t = v->rq[0].time > now ? v->rq[0].time : now;
	for (;;) {
		n = rq_usable_entries(v, t, &sum);
		if (sum > slack + v->debt)
			return t;
		if (n == v->rq_len)
			return QVS_NEVER;
		/* Entry n joins a chunk that starts once it is due within the
		 * `sum` ns ahead of it; it was not at t, so this is later. */
		t = v->rq[n].time - sum;
	}
}

void qvs_rq_coalesce(struct qvs_vcpu *v, u64 now)
{
	u64 sum;
	u32 n;

	if (v->rq_len == 0 || v->rq[0].time > now)
		return;
	n = rq_usable_entries(v, now, &sum);
	v->rq[0].amount = sum;
	while (n-- > 1)
		rq_remove(v, 1);
}

/* The chunk stayed within its budget: the head shrinks by what was used and
 * the use comes back at start + T. With the queue full the unused rest of
 * the head is merged into the next entry (postponing it, never advancing
 * it), which frees the slot the new replenishment needs. */
static void rq_charge_within(struct qvs_vcpu *v, u64 start, u64 used)
{
	v->rq[0].amount -= used;
	if (v->rq[0].amount == 0) {
		rq_remove(v, 0);
	} else if (v->rq_len == v->rq_cap) {
		v->rq[1].amount += v->rq[0].amount;
		rq_remove(v, 0);
	}
	rq_insert(v, start + v->period, used);
}

/* The chunk ran `over` ns past its budget (a late timer, a section that
 * could not be preempted). That time was taken from entries not yet due, so
 * it is taken out of them (each moved later by what it loses) and comes
 * back with the chunk at start + T: the total stays C (no amplification).
 * What no entry covered is a debt the next chunk pays: it starts with that
 * much less, as if it had used it first. Postponing the replenishment by
 * the overrun instead would let a server that overruns by o every period
 * run (C + o) / (T + o) of the core. */
static void rq_charge_over(struct qvs_vcpu *v, u64 start, u64 budget, u64 over)
{
	u64 taken = 0;

	v->stats.overruns++;
	v->stats.overrun_ns += over;
	rq_remove(v, 0);
	while (v->rq_len > 0 && taken < over) {
		u64 need = over - taken;
		u64 take = v->rq[0].amount < need ? v->rq[0].amount : need;

		taken += take;
		v->rq[0].amount -= take;
		v->rq[0].time += take;
		if (v->rq[0].amount == 0)
			rq_remove(v, 0);
	}
	v->debt += over - taken;
	if (v->debt > v->budget)
		v->debt = v->budget;
	rq_insert(v, start + v->period, budget + taken);
}

void qvs_rq_charge(struct qvs_vcpu *v, u64 start, u64 used, u64 budget)
{
	/* A debt was paid at the chunk's start: its budget was that much less. */
	used += v->debt;
	budget += v->debt;
	v->debt = 0;
	if (used == 0)
		return;
	if (used <= budget)
		rq_charge_within(v, start, used);
	else
		rq_charge_over(v, start, budget, used - budget);
}

/* Budget taken away goes from the entries due first, so the VCPU has less
 * to spend soonest; nothing left is moved earlier. */
static void rq_shrink(struct qvs_vcpu *v, u64 cut)
{
	while (cut > 0 && v->rq_len > 0) {
		u64 take = v->rq[0].amount < cut ? v->rq[0].amount : cut;

		v->rq[0].amount -= take;
		cut -= take;
		if (v->rq[0].amount == 0)
			rq_remove(v, 0);
	}
}

/* Budget added was never used, so it may be used at once; with the queue
 * full it joins the last entry (and waits for it). */
static void rq_grow(struct qvs_vcpu *v, u64 add, u64 now)
{
	if (v->rq_len < v->rq_cap)
		rq_place(v, now, add);
	else
		v->rq[v->rq_len - 1].amount += add;
}

void qvs_rq_resize(struct qvs_vcpu *v, u64 budget, u64 period, u64 now)
{
	/* Each queued entry is due one old period after the chunk it came from;
	 * a longer period must hold for it too. A shorter one already does. */
	if (period > v->period)
		for (u32 i = 0; i < v->rq_len; i++)
			v->rq[i].time += period - v->period;
	if (budget < v->budget)
		rq_shrink(v, v->budget - budget);
	else if (budget > v->budget)
		rq_grow(v, budget - v->budget, now);
	v->budget = budget;
	v->period = period;
	if (v->debt > budget)
		v->debt = budget;
}
