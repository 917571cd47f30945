/*
 * Sporadic-server replenishments, after Stanovich, Baker, Wang and Gonzalez
 * Harbour (RTAS 2010). Each contiguous chunk of foreground execution that
 * starts at time a and uses x ns queues one replenishment (a + T, x). The
 * budget of a chunk is drawn from the head of the queue, entries are only
 * ever moved later, and their amounts always add up to C. Together that
 * gives the sliding-window guarantee the tests check: in any window of
 * length T the VCPU runs at most C at foreground priority, plus what its
 * chunks ran past their budget (an overrun), which is a debt paid out of
 * the budget as it falls due (qvs_rq_settle).
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

/* The (last) entry due at `time` itself, rq_len if none. The queue is
 * sorted, and a new replenishment is usually the latest, so this is one
 * comparison. */
static u32 rq_entry_at(const struct qvs_vcpu *v, u64 time)
{
	u32 i = v->rq_len;

	while (i > 0 && v->rq[i - 1].time > time)
		i--;
	return i > 0 && v->rq[i - 1].time == time ? i - 1 : v->rq_len;
}

/* Whether a replenishment due at `time` joins an entry due at that very
 * time rather than taking a slot. Two entries due at once are one: a chunk
 * draws on both or on neither (rq_usable_entries), so joining moves no
 * budget. It matters because a debt paid at a decision (qvs_rq_settle) is
 * due at now + T, and so is the chunk the same decision usually starts:
 * as two entries, every overrun split the next period's budget in two,
 * each part a chunk of its own (under Bochs each chunk's decision costs
 * its VCPU ~250 us of its budget: the workload's 2 ms/10 ms hog ran its
 * own code 112 ms of its 396 ms at foreground in phase 2, in 1221 chunks
 * and payments over 201 periods). */
static bool rq_joins(const struct qvs_vcpu *v, u64 time)
{
	return rq_entry_at(v, time) < v->rq_len;
}

static void rq_insert(struct qvs_vcpu *v, u64 time, u64 amount)
{
	u32 i = rq_entry_at(v, time);

	v->stats.replenishments++;
	if (i < v->rq_len)
		v->rq[i].amount += amount;
	else
		rq_place(v, time, amount);
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
	u64 t, sum, head;
	u32 n;

	if (v->rq_len == 0)
		return QVS_NEVER;
	head = v->rq[0].time > now ? v->rq[0].time : now;
	/* With a debt, when a chunk could start once the debt is paid out of
	 * what is usable then (the decision then pays it, qvs_rq_settle, and
	 * starts the chunk), not when the head is due: a decision only to pay
	 * a debt of a few microseconds out of a head too small to start a
	 * chunk costs the VCPU running then a decision (under Bochs ~250 us of
	 * its budget; with an overrun every second or third chunk, the
	 * workload's timer interrupts that switched nothing went from 909 to
	 * 1329 of ~3300). Any decision with the head due pays it anyway. */
	t = head;
	for (;;) {
		n = rq_usable_entries(v, t, &sum);
		if (sum > slack + v->debt)
			return t;
		if (n == v->rq_len)
			break;
		/* Entry n joins a chunk that starts once it is due within the
		 * `sum` ns ahead of it; it was not at t, so this is later. */
		t = v->rq[n].time - sum;
	}
	/* A debt too large for that (C - slack or more) is paid when the head
	 * is due, so that what comes after is not owed any more. */
	return v->debt > 0 ? head : QVS_NEVER;
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
 * it), which frees the slot the new replenishment needs, if it needs one. */
static void rq_charge_within(struct qvs_vcpu *v, u64 start, u64 used)
{
	v->rq[0].amount -= used;
	if (v->rq[0].amount == 0) {
		rq_remove(v, 0);
	} else if (v->rq_len == v->rq_cap && !rq_joins(v, start + v->period)) {
		v->rq[1].amount += v->rq[0].amount;
		rq_remove(v, 0);
	}
	rq_insert(v, start + v->period, used);
}

/* The chunk ran `over` ns past its budget (a late timer, a section that
 * could not be preempted): budget the server did not have. Its replenishment
 * carries what the budget covered, and the overrun becomes a debt (capped at
 * C) that qvs_rq_settle pays out of the next entries as they fall due. The
 * overrun is not taken out of entries not yet due: one of those may be due
 * at start + T itself (a debt paid at this chunk's start), and moving its
 * amount into this chunk's replenishment would cost nothing: a hog that
 * overruns every chunk would pay only every other debt (0.209 to 0.228 of
 * the core at C/T = 0.2 in the host tests, timers 300 to 1000 ns late).
 * Postponing the replenishment by the overrun has the same kind of flaw. */
static void rq_charge_over(struct qvs_vcpu *v, u64 start, u64 budget, u64 over)
{
	v->stats.overruns++;
	v->stats.overrun_ns += over;
	rq_remove(v, 0);
	v->debt += over;
	if (v->debt > v->budget)
		v->debt = v->budget;
	rq_insert(v, start + v->period, budget);
}

void qvs_rq_charge(struct qvs_vcpu *v, u64 start, u64 used, u64 budget)
{
	/* No debt is outstanding here: qvs_rq_settle ran at the decision that
	 * started the chunk, and a chunk starts only with its head due, which
	 * settling leaves only once the debt is paid. */
	if (used == 0)
		return;
	if (used <= budget)
		rq_charge_within(v, start, used);
	else
		rq_charge_over(v, start, budget, used - budget);
}

/* Pays the debt as if a chunk of its length had started at `now` and been
 * charged at once: it draws on the entries already due (folded into the
 * head, all usable now) and comes back at now + T. The total stays C and
 * nothing moves earlier, so the window guarantee holds as for any chunk;
 * the VCPU just does not run for it. Paying it this way, rather than by
 * starting the next chunk that much short, is what lets a debt of C (or of
 * C less the slack) be paid at all: a chunk needs more than the debt. */
void qvs_rq_settle(struct qvs_vcpu *v, u64 now)
{
	u64 take;

	if (v->debt == 0 || v->rq_len == 0 || v->rq[0].time > now)
		return;
	while (v->rq_len > 1 && v->rq[1].time <= now) {
		v->rq[0].amount += v->rq[1].amount;
		rq_remove(v, 1);
	}
	take = v->rq[0].amount < v->debt ? v->rq[0].amount : v->debt;
	v->debt -= take;
	rq_charge_within(v, now, take);
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
