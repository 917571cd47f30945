/*
 * Host-only shim between pytest (ctypes) and the scheduling core: it owns
 * the storage the kernel would own and names VCPUs and threads by small
 * indices, so Python never has to mirror the C structure layouts.
 */
#include <stdlib.h>
#include <string.h>

#include "sched.h"

struct harness {
	struct qvs_sched s;
	struct qvs_vcpu *vcpus;
	struct qvs_refill **rqs;
	struct qvs_thread *threads;
	int nv, nt, maxv, maxt;
};

void *qvsh_new(int maxv, int maxt, u64 now)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->vcpus = calloc((size_t)maxv, sizeof(*h->vcpus));
	h->rqs = calloc((size_t)maxv, sizeof(*h->rqs));
	h->threads = calloc((size_t)maxt, sizeof(*h->threads));
	h->maxv = maxv;
	h->maxt = maxt;
	qvs_init(&h->s, now);
	return h;
}

void qvsh_set_slack(void *p, u64 slack)
{
	struct harness *h = p;

	qvs_set_slack(&h->s, slack);
}

void qvsh_set_dispatch(void *p, u64 dispatch)
{
	struct harness *h = p;

	qvs_set_dispatch(&h->s, dispatch);
}

void qvsh_free(void *p)
{
	struct harness *h = p;

	if (!h)
		return;
	for (int i = 0; i < h->maxv; i++)
		free(h->rqs[i]);
	free(h->rqs);
	free(h->vcpus);
	free(h->threads);
	free(h);
}

static int vidx(struct harness *h, const struct qvs_vcpu *v)
{
	return v ? (int)(v - h->vcpus) : -1;
}

static int tidx(struct harness *h, const struct qvs_thread *t)
{
	return t ? (int)(t - h->threads) : -1;
}

static int vcpu_result(struct harness *h, enum qvs_status st, const struct qvs_admit_error *err,
		       u32 *info, char *msg, size_t msglen)
{
	if (st == QVS_E_ADMISSION) {
		info[0] = err->util_ppm;
		info[1] = err->bound_ppm;
		info[2] = err->nvcpus;
		qvs_admit_format(err, msg, msglen);
	}
	if (st != QVS_OK)
		return -(int)st;
	return h->nv++;
}

/* Returns the new VCPU's index, or minus the enum qvs_status. */
int qvsh_add_main(void *p, u32 id, u64 budget, u64 period, u32 rq_cap, u64 now, u32 *info,
		  char *msg, size_t msglen)
{
	struct harness *h = p;
	struct qvs_admit_error err;
	enum qvs_status st;

	if (h->nv >= h->maxv)
		return -(int)QVS_E_PARAM;
	free(h->rqs[h->nv]);
	h->rqs[h->nv] = calloc(rq_cap ? rq_cap : 1, sizeof(struct qvs_refill));
	st = qvs_vcpu_add_main(&h->s, &h->vcpus[h->nv], id, budget, period, h->rqs[h->nv], rq_cap,
			       now, &err);
	return vcpu_result(h, st, &err, info, msg, msglen);
}

int qvsh_add_io(void *p, u32 id, u32 util_ppm, u64 now, u32 *info, char *msg, size_t msglen)
{
	struct harness *h = p;
	struct qvs_admit_error err;
	enum qvs_status st;

	if (h->nv >= h->maxv)
		return -(int)QVS_E_PARAM;
	st = qvs_vcpu_add_io(&h->s, &h->vcpus[h->nv], id, util_ppm, now, &err);
	return vcpu_result(h, st, &err, info, msg, msglen);
}

int qvsh_set_main(void *p, int vi, u64 budget, u64 period, u64 now, u32 *info, char *msg,
		  size_t msglen)
{
	struct harness *h = p;
	struct qvs_admit_error err;
	enum qvs_status st = qvs_vcpu_set_main(&h->s, &h->vcpus[vi], budget, period, now, &err);

	if (st == QVS_E_ADMISSION) {
		info[0] = err.util_ppm;
		info[1] = err.bound_ppm;
		info[2] = err.nvcpus;
		qvs_admit_format(&err, msg, msglen);
	}
	return -(int)st;
}

int qvsh_remove_vcpu(void *p, int vi, u64 now)
{
	struct harness *h = p;

	return (int)qvs_vcpu_remove(&h->s, &h->vcpus[vi], now);
}

int qvsh_thread_exit(void *p, int ti, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_exit(&h->s, &h->threads[ti], now);
}

int qvsh_add_thread(void *p, int vi, u64 now)
{
	struct harness *h = p;
	enum qvs_status st;

	if (h->nt >= h->maxt || vi < 0 || vi >= h->nv)
		return -(int)QVS_E_PARAM;
	st = qvs_thread_add(&h->s, &h->threads[h->nt], &h->vcpus[vi], now);
	return st == QVS_OK ? h->nt++ : -(int)st;
}

int qvsh_block(void *p, int ti, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_block(&h->s, &h->threads[ti], now);
}

int qvsh_wake(void *p, int ti, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_wake(&h->s, &h->threads[ti], now);
}

int qvsh_io_wake(void *p, int ti, int owner, u64 now)
{
	struct harness *h = p;

	return (int)qvs_io_wake(&h->s, &h->threads[ti], &h->vcpus[owner], now);
}

int qvsh_io_inherit(void *p, int vi, int owner, u64 now)
{
	struct harness *h = p;

	return (int)qvs_io_inherit(&h->s, &h->vcpus[vi], &h->vcpus[owner], now);
}

int qvsh_sleep_until(void *p, int ti, u64 until, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_sleep_until(&h->s, &h->threads[ti], until, now);
}

int qvsh_wait_period(void *p, int ti, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_wait_period(&h->s, &h->threads[ti], now);
}

int qvsh_yield(void *p, int ti, u64 now)
{
	struct harness *h = p;

	return (int)qvs_thread_yield(&h->s, &h->threads[ti], now);
}

/* Returns the thread index to run (-1: idle); *out = vcpu, foreground. */
int qvsh_schedule(void *p, u64 now, int *out, u64 *next_event)
{
	struct harness *h = p;
	struct qvs_decision d = qvs_schedule(&h->s, now);

	out[0] = vidx(h, d.vcpu);
	out[1] = d.foreground;
	*next_event = d.next_event;
	return tidx(h, d.thread);
}

/* fg, bg, replenishments, overruns, overrun_ns, deadline_misses, activations */
void qvsh_stats(void *p, int vi, u64 *out)
{
	struct harness *h = p;
	const struct qvs_stats *st = &h->vcpus[vi].stats;

	out[0] = st->fg_ns;
	out[1] = st->bg_ns;
	out[2] = st->replenishments;
	out[3] = st->overruns;
	out[4] = st->overrun_ns;
	out[5] = st->deadline_misses;
	out[6] = st->activations;
}

u64 qvsh_available(void *p, int vi, u64 now)
{
	struct harness *h = p;

	return qvs_vcpu_available(&h->s, &h->vcpus[vi], now);
}

u64 qvsh_refill_total(void *p, int vi)
{
	struct harness *h = p;

	return qvs_vcpu_refill_total(&h->vcpus[vi]);
}

/* Copies the replenishment queue as (time, amount) pairs; returns its length. */
int qvsh_refills(void *p, int vi, u64 *pairs, int max)
{
	struct harness *h = p;
	const struct qvs_vcpu *v = &h->vcpus[vi];
	int n = (int)v->rq_len < max ? (int)v->rq_len : max;

	for (int i = 0; i < n; i++) {
		pairs[2 * i] = v->rq[i].time;
		pairs[2 * i + 1] = v->rq[i].amount;
	}
	return (int)v->rq_len;
}

/* owner index, budget, eligible, active, activation start, used in it */
void qvsh_io_info(void *p, int vi, u64 *out)
{
	struct harness *h = p;
	const struct qvs_vcpu *v = &h->vcpus[vi];

	out[0] = (u64)(s64)vidx(h, v->io_for);
	out[1] = v->budget;
	out[2] = v->io_eligible;
	out[3] = v->io_active;
	out[4] = v->io_start;
	out[5] = v->io_used;
}

u64 qvsh_thread_misses(void *p, int ti)
{
	struct harness *h = p;

	return h->threads[ti].deadline_misses;
}

int qvsh_thread_state(void *p, int ti)
{
	struct harness *h = p;

	return h->threads[ti].state;
}

u32 qvsh_ll_bound_ppm(u32 n)
{
	return qvs_ll_bound_ppm(n);
}

/* The overrun a Main VCPU has not paid yet. */
u64 qvsh_debt(void *p, int vi)
{
	struct harness *h = p;

	return h->vcpus[vi].debt;
}
