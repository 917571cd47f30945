/*
 * _quest: the native half of the `quest` module (pylib/quest/__init__.py is
 * the other half). Every function here works with plain values (ints,
 * strings, dicts, status codes) and leaves classes and Python-level
 * exceptions (AdmissionError, ChannelError, ...) to the Python side: a port
 * function can raise only built-in exceptions, and a refusal that carries a
 * message comes back as a str the Python side turns into the right class.
 *
 * One core per sandbox, several interpreters (services, the REPL) on it in
 * preemptive threads: whatever here touches state shared between them (a
 * channel end, the scheduler) does it with interrupts off, and only for the
 * few instructions of a poll, never across a wait. Waiting (channels, sleep)
 * sleeps the calling thread so an idle wait costs its VCPU no budget.
 *
 * docs/quest.md is the reference.
 */
#include "qv_ext.h"
#include "kernel.h"
#include "thread.h"
#include "chanlink.h"
#include "sched/admit.h"
#include "service.h"
#include "recovery.h"
#include "irq.h"
#include "devices.h"
#include "devirq.h"
#include "vtx.h"

#define ARGS qv_ctx *c, void *user, size_t argc, qv_val *argv
#define UNUSED_ARGS (void)user, (void)argc, (void)argv

/* ---------------------------------------------------------------- helpers */

static size_t cstrlen(const char *s, size_t max)
{
	return strnlen(s, max);
}

static qv_val mkstr(qv_ctx *c, const char *s, size_t max)
{
	return qv_str(c, s, cstrlen(s, max));
}

static bool put_int(qv_ctx *c, qv_val d, const char *k, int64_t v)
{
	qv_val x = qv_int(c, v);
	return x && qv_dict_set(c, d, k, x);
}

static bool put_bool(qv_ctx *c, qv_val d, const char *k, bool v)
{
	qv_val x = qv_bool(c, v);
	return x && qv_dict_set(c, d, k, x);
}

static bool put_str(qv_ctx *c, qv_val d, const char *k, const char *s, size_t max)
{
	qv_val x = mkstr(c, s, max);
	return x && qv_dict_set(c, d, k, x);
}

static bool arg_int(qv_ctx *c, qv_val v, int64_t lo, int64_t hi, const char *what, int64_t *out)
{
	if (!qv_get_int(c, v, out))
		return false;
	if (*out < lo || *out > hi) {
		char msg[96];
		fmt_buf(msg, sizeof(msg), "%s out of range (%ld..%ld)", what, (long)lo, (long)hi);
		qv_raise(c, "ValueError", msg);
		return false;
	}
	return true;
}

/* A str argument copied NUL-terminated into buf (cap bytes). */
static bool arg_cstr(qv_ctx *c, qv_val v, char *buf, size_t cap, const char *what)
{
	const char *s;
	size_t n;

	if (!qv_get_str(c, v, &s, &n))
		return false;
	if (n >= cap) {
		char msg[96];
		fmt_buf(msg, sizeof(msg), "%s longer than %u bytes", what, (unsigned)(cap - 1));
		qv_raise(c, "ValueError", msg);
		return false;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!buf[i]) {
			qv_raise(c, "ValueError", "embedded NUL in a name");
			return false;
		}
	return true;
}

/* Sleeps the calling thread: its VCPU's budget is not used meanwhile. A
 * stop request (kthread_wake from the service code) ends it early, so the
 * interpreter reaches its safe point at once; callers loop on the time
 * left. */
static void sleep_ns(u64 ns)
{
	kthread_block_until(clock_ns() + ns);
}

/* ---------------------------------------------------------------- sandbox */

static const char *const role_names[] = { "producer", "consumer" };

static qv_val chan_dict(qv_ctx *c, const struct kchan *k)
{
	const struct qv_chaninfo_entry *e = &k->info;
	qv_val d = qv_dict(c);

	if (!d || !put_str(c, d, "name", e->name, sizeof(e->name)) ||
	    !put_int(c, d, "index", e->index) ||
	    !put_str(c, d, "role", e->role <= 1 ? role_names[e->role] : "?", 16) ||
	    !put_int(c, d, "peer", e->peer) || !put_int(c, d, "slot_size", e->slot_size) ||
	    !put_int(c, d, "slot_count", e->slot_count) ||
	    !put_bool(c, d, "attached", k->attach == QV_CHAN_OK) ||
	    !put_int(c, d, "prod_addr", (int64_t)e->prod_gpa) ||
	    !put_int(c, d, "prod_len", (int64_t)e->producer_pages * QV_CHAN_PAGE) ||
	    !put_int(c, d, "cons_addr", (int64_t)e->cons_gpa))
		return NULL;
	if (k->attach != QV_CHAN_OK && !put_str(c, d, "error", qv_chan_strerror(k->attach), 80))
		return NULL;
	return d;
}

/* What sandbox()["devices"] and dev_info() both say of device i (which
 * exists): index, name, kind and I/O range. */
static qv_val dev_dict(qv_ctx *c, u32 i)
{
	const struct qv_bootinfo_device *d = devices_at(i);
	qv_val x = qv_dict(c);

	if (!x || !put_int(c, x, "index", i) || !put_str(c, x, "name", d->name, sizeof(d->name)) ||
	    !put_str(c, x, "kind", devices_kind_name(d->kind), 16) ||
	    !put_int(c, x, "io_base", d->io_base) || !put_int(c, x, "io_len", d->io_len))
		return NULL;
	return x;
}

static qv_val q_sandbox(ARGS)
{
	UNUSED_ARGS;
	qv_val d = qv_dict(c), cores = qv_list(c), devs = qv_list(c), chans = qv_list(c);
	qv_val core = qv_int(c, kboot.core);

	if (!d || !cores || !devs || !chans || !core || !qv_list_append(c, cores, core))
		return NULL;
	if (!put_int(c, d, "id", kboot.sandbox_id) ||
	    !put_str(c, d, "name", kboot.name, sizeof(kboot.name)) ||
	    !put_int(c, d, "core", kboot.core) || !qv_dict_set(c, d, "cores", cores) ||
	    !put_int(c, d, "memory_mib", kboot.mem_mib) ||
	    !put_int(c, d, "boot_count", kboot.boot_count) ||
	    !put_int(c, d, "supervisor", kboot.supervisor) ||
	    !put_int(c, d, "n_sandboxes", kboot.n_sandboxes) ||
	    !put_bool(c, d, "isolated", kboot.flags & QV_BI_F_ISOLATED) ||
	    !put_bool(c, d, "test_build", kboot.flags & QV_BI_F_TEST_BUILD) ||
	    !put_int(c, d, "uart_port", kboot.uart_port) ||
	    !put_int(c, d, "heartbeat_ms", kboot.heartbeat_ms) ||
	    !put_int(c, d, "tsc_khz", (int64_t)kboot.tsc_khz))
		return NULL;
	/* The devices owned now (the live ownership, which MOVE_DEVICE
	 * changes); console: the UART whose port the boot info names, the one
	 * the console hub drives. */
	u32 owned = devices_owned(); /* one look: a move during the loop splits nothing */
	for (u32 i = 0; i < devices_count(); i++) {
		const struct qv_bootinfo_device *dv = devices_at(i);
		if (!(owned >> i & 1))
			continue;
		qv_val x = dev_dict(c, i);
		bool console = dv->kind == QV_DEV_UART16550 && dv->io_len &&
			       dv->io_base == kboot.uart_port;
		if (!x || !put_bool(c, x, "console", console) || !qv_list_append(c, devs, x))
			return NULL;
	}
	/* No device table (booted by GRUB without a monitor): the UART the
	 * kernel prints on is the one device it has. */
	if (!devices_count() && kboot.uart_port) {
		qv_val x = qv_dict(c);
		if (!x || !put_str(c, x, "kind", "uart16550", 16) ||
		    !put_int(c, x, "io_base", kboot.uart_port) || !put_int(c, x, "io_len", 8) ||
		    !put_bool(c, x, "console", true) || !qv_list_append(c, devs, x))
			return NULL;
	}
	for (u32 i = 0; i < chanlink_count(); i++) {
		qv_val x = chan_dict(c, chanlink_at(i));
		if (!x || !qv_list_append(c, chans, x))
			return NULL;
	}
	if (!qv_dict_set(c, d, "devices", devs) || !qv_dict_set(c, d, "channels", chans))
		return NULL;
	return d;
}

/* ---------------------------------------------------------------- time */

static qv_val q_ticks_us(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, (int64_t)(clock_ns() / 1000));
}

static qv_val q_ticks_ms(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, (int64_t)(clock_ns() / 1000000));
}

/* The core's time-stamp counter, MicroPython's ticks_cpu: under Bochs with
 * `clock: sync=none` it counts emulated instructions, the unit the monitor
 * and kernel print TSCs in, so a board-side moment can be placed among
 * their console lines (benchmarks/recovery). */
static qv_val q_ticks_cpu(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, (int64_t)rdtsc());
}

/* ticks_diff(a, b) = a - b: the clock is 64-bit and never wraps, so no
 * modular arithmetic (MicroPython's ticks wrap; code written for it works). */
static qv_val q_ticks_diff(ARGS)
{
	int64_t a, b;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &a) || !qv_get_int(c, argv[1], &b))
		return NULL;
	return qv_int(c, a - b);
}

/* One slice of a sleep; the Python side loops so Ctrl-C gets through. */
static qv_val q_sleep_us(ARGS)
{
	int64_t us;

	(void)user, (void)argc;
	if (!arg_int(c, argv[0], 0, 10 * 1000 * 1000, "sleep slice (us)", &us))
		return NULL;
	sleep_ns((u64)us * 1000);
	return qv_none(c);
}

/* Ends the calling thread's job; returns how many deadlines it has missed
 * in this call (the scheduler counts a job that ended late). */
static qv_val q_wait_period(ARGS)
{
	UNUSED_ARGS;
	struct kthread *t = kthread_self();
	u64 before = t->qt.deadline_misses;

	kthread_wait_period();
	return qv_int(c, (int64_t)(t->qt.deadline_misses - before));
}

/* ---------------------------------------------------------------- VCPUs */

/* I/O VCPUs live here: the kernel has no wrapper for them yet. Their ids
 * start above any Main VCPU id the kernel hands out. */
#define IO_VCPU_MAX 4u
#define IO_VCPU_ID0 1000u
static struct qvs_vcpu io_vcpus[IO_VCPU_MAX];
static u32 n_io_vcpus;

static struct qvs_vcpu *vcpu_by_id(int64_t id)
{
	for (struct qvs_vcpu *v = ksched()->vcpus; v; v = v->next)
		if (v->id == id)
			return v;
	return NULL;
}

/* Admission's verdict for a new Main VCPU, with its message, before the
 * kernel is asked (so the refusal is the caller's to report, not a console
 * line). */
static bool admit_main(u64 c_ns, u64 t_ns, char *why, size_t cap)
{
	struct qvs_vcpu cand;
	struct qvs_admit_error err;

	memset(&cand, 0, sizeof(cand));
	cand.kind = QVS_MAIN;
	cand.budget = c_ns;
	cand.period = t_ns;
	u64 f = irq_off();
	enum qvs_status st = qvs_admit(ksched(), &cand, NULL, &err);
	irq_restore(f);
	if (st == QVS_OK)
		return true;
	qvs_admit_format(&err, why, cap);
	return false;
}

static bool vcpu_params(qv_ctx *c, qv_val *argv, u64 *c_ns, u64 *t_ns)
{
	int64_t b, p;

	if (!arg_int(c, argv[0], 1, (int64_t)(QVS_MAX_PERIOD_NS / 1000), "budget_us", &b) ||
	    !arg_int(c, argv[1], 1, (int64_t)(QVS_MAX_PERIOD_NS / 1000), "period_us", &p))
		return false;
	if (b > p) {
		qv_raise(c, "ValueError", "budget_us must not exceed period_us");
		return false;
	}
	*c_ns = (u64)b * 1000;
	*t_ns = (u64)p * 1000;
	return true;
}

/* vcpu_new(budget_us, period_us) -> id, or the refusal as a str. */
static qv_val q_vcpu_new(ARGS)
{
	u64 cn, tn;
	char why[160];

	(void)user, (void)argc;
	if (!vcpu_params(c, argv, &cn, &tn))
		return NULL;
	if (!admit_main(cn, tn, why, sizeof(why)))
		return mkstr(c, why, sizeof(why));
	struct qvs_vcpu *v = kvcpu_add(cn, tn);
	if (!v)
		return qv_str(c, "the kernel has no room for another VCPU", 39);
	return qv_int(c, v->id);
}

static qv_val q_vcpu_set(ARGS)
{
	u64 cn, tn;
	int64_t id;
	struct qvs_admit_error err;
	char why[160];

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id) || !vcpu_params(c, argv + 1, &cn, &tn))
		return NULL;
	struct qvs_vcpu *v = vcpu_by_id(id);
	if (!v || v->kind != QVS_MAIN)
		return qv_raise(c, "ValueError", "no such Main VCPU");
	u64 f = irq_off();
	struct qvs_vcpu cand = *v;
	cand.budget = cn;
	cand.period = tn;
	enum qvs_status st = qvs_admit(ksched(), &cand, v, &err);
	irq_restore(f);
	if (st != QVS_OK) {
		qvs_admit_format(&err, why, sizeof(why));
		return mkstr(c, why, sizeof(why));
	}
	if (kvcpu_set(v, cn, tn) != QVS_OK)
		return qv_str(c, "refused by the scheduler", 24);
	return qv_none(c);
}

/* iovcpu_new(util_ppm, main_id or -1) -> id, or the refusal as a str. */
static qv_val q_iovcpu_new(ARGS)
{
	int64_t u, main_id;
	struct qvs_admit_error err;
	char why[160];

	(void)user, (void)argc;
	if (!arg_int(c, argv[0], 1, QVS_PPM, "utilization (ppm)", &u) ||
	    !qv_get_int(c, argv[1], &main_id))
		return NULL;
	if (main_id >= 0) {
		struct qvs_vcpu *m = vcpu_by_id(main_id);
		if (!m || m->kind != QVS_MAIN)
			return qv_raise(c, "ValueError", "main_vcpu is not a Main VCPU of this sandbox");
	}
	u64 f = irq_off();
	if (n_io_vcpus == IO_VCPU_MAX) {
		irq_restore(f);
		return qv_str(c, "no room for another I/O VCPU", 28);
	}
	struct qvs_vcpu *v = &io_vcpus[n_io_vcpus];
	enum qvs_status st = qvs_vcpu_add_io(ksched(), v, IO_VCPU_ID0 + n_io_vcpus, (u32)u,
					     clock_ns(), &err);
	if (st == QVS_OK)
		n_io_vcpus++;
	irq_restore(f);
	if (st == QVS_E_ADMISSION) {
		qvs_admit_format(&err, why, sizeof(why));
		return mkstr(c, why, sizeof(why));
	}
	if (st != QVS_OK)
		return qv_raise(c, "ValueError", "bad I/O VCPU parameters");
	return qv_int(c, v->id);
}

static qv_val q_vcpu_self(ARGS)
{
	UNUSED_ARGS;
	struct kthread *t = kthread_self();

	if (!t || !t->qt.vcpu)
		return qv_none(c);
	return qv_int(c, t->qt.vcpu->id);
}

static qv_val vcpu_stats_dict(qv_ctx *c, const struct qvs_vcpu *v)
{
	struct qvs_stats st;
	u64 f = irq_off();

	st = v->stats;
	u64 budget = v->budget, period = v->period;
	u64 avail = qvs_vcpu_available(ksched(), v, clock_ns());
	irq_restore(f);
	qv_val d = qv_dict(c);
	if (!d || !put_int(c, d, "id", v->id) ||
	    !put_str(c, d, "kind", v->kind == QVS_IO ? "io" : "main", 8) ||
	    !put_int(c, d, "budget_us", (int64_t)(budget / 1000)) ||
	    !put_int(c, d, "period_us", (int64_t)(period / 1000)) ||
	    !put_int(c, d, "util_ppm", v->kind == QVS_IO ? v->util_ppm :
		     (period ? (int64_t)(budget * QVS_PPM / period) : 0)) ||
	    !put_int(c, d, "available_us", (int64_t)(avail / 1000)) ||
	    !put_int(c, d, "fg_us", (int64_t)(st.fg_ns / 1000)) ||
	    !put_int(c, d, "bg_us", (int64_t)(st.bg_ns / 1000)) ||
	    !put_int(c, d, "replenishments", (int64_t)st.replenishments) ||
	    !put_int(c, d, "overruns", (int64_t)st.overruns) ||
	    !put_int(c, d, "overrun_us", (int64_t)(st.overrun_ns / 1000)) ||
	    !put_int(c, d, "deadline_misses", (int64_t)st.deadline_misses) ||
	    !put_int(c, d, "activations", (int64_t)st.activations))
		return NULL;
	return d;
}

static qv_val q_vcpu_stats(ARGS)
{
	int64_t id;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id))
		return NULL;
	struct qvs_vcpu *v = vcpu_by_id(id);
	if (!v)
		return qv_raise(c, "ValueError", "no such VCPU");
	return vcpu_stats_dict(c, v);
}

static qv_val q_vcpu_list(ARGS)
{
	UNUSED_ARGS;
	qv_val l = qv_list(c);

	if (!l)
		return NULL;
	for (struct qvs_vcpu *v = ksched()->vcpus; v; v = v->next) {
		qv_val d = vcpu_stats_dict(c, v);
		if (!d || !qv_list_append(c, l, d))
			return NULL;
	}
	return l;
}

/* ---------------------------------------------------------------- channels */

/* A wait is polls with interrupts off (the channel end is shared by every
 * interpreter of the sandbox) and sleeps between them, short at first so a
 * reply that comes quickly is seen quickly, doubling up to 5 ms: each
 * wake-up costs the VCPU a scheduling round trip (measured ~270 us in
 * Bochs), and at 1 ms an idle wait used about a quarter of the time it
 * waited. */
#define CHAN_NAP_MIN_NS 20000ull
#define CHAN_NAP_MAX_NS 5000000ull

/* The nap each channel end has reached: a wait cut into slices by the
 * Python side (for Ctrl-C) goes on where the last slice left off instead
 * of ramping up again; a message that gets through resets it. */
static u64 chan_nap[QV_CHANINFO_MAX];

static u64 *nap_of(const struct kchan *k)
{
	for (u32 i = 0; i < chanlink_count() && i < QV_CHANINFO_MAX; i++)
		if (chanlink_at(i) == k)
			return &chan_nap[i];
	return NULL;
}

static void nap_sleep(u64 *nap, u64 left)
{
	if (*nap < CHAN_NAP_MIN_NS)
		*nap = CHAN_NAP_MIN_NS;
	sleep_ns(*nap < left ? *nap : left);
	*nap = *nap * 2 < CHAN_NAP_MAX_NS ? *nap * 2 : CHAN_NAP_MAX_NS;
}

/* One send (msg, n bytes) or receive (into msg, n bytes of room; *len the
 * length) on channel end k: polls with interrupts off, napping between
 * polls while the channel is full (send) or empty (receive), until it gets
 * through or tmo_us has passed (E_TIMEOUT; a 0 timeout is one poll, which
 * answers E_FULL or E_EMPTY). */
static enum qv_chan_status chan_xfer(struct kchan *k, bool send, void *msg, u32 n, u32 *len,
				     int64_t tmo_us)
{
	enum qv_chan_status busy = send ? QV_CHAN_E_FULL : QV_CHAN_E_EMPTY, st;
	u64 end = clock_ns() + (u64)tmo_us * 1000, own_nap = 0;
	u64 *nap = nap_of(k);

	if (!nap)
		nap = &own_nap;
	for (;;) {
		u64 f = irq_off();
		st = send ? qv_chan_send(&k->tx, msg, n, QV_CHAN_POLL, &chanlink_wait) :
			    qv_chan_recv(&k->rx, msg, n, len, QV_CHAN_POLL, &chanlink_wait);
		irq_restore(f);
		if (st != busy)
			break;
		u64 now = clock_ns();
		if (now >= end)
			return tmo_us ? QV_CHAN_E_TIMEOUT : busy;
		nap_sleep(nap, end - now);
	}
	if (st == QV_CHAN_OK)
		*nap = 0;
	return st;
}

static struct kchan *chan_arg(qv_ctx *c, qv_val v)
{
	int64_t i;

	if (!qv_get_int(c, v, &i))
		return NULL;
	if (i < 0 || i >= (int64_t)chanlink_count()) {
		qv_raise(c, "ValueError", "no such channel");
		return NULL;
	}
	struct kchan *k = chanlink_at((u32)i);
	if (k->attach != QV_CHAN_OK) {
		char msg[120];
		fmt_buf(msg, sizeof(msg), "channel %s is not attached: %s", k->info.name,
			qv_chan_strerror(k->attach));
		qv_raise(c, "OSError", msg);
		return NULL;
	}
	return k;
}

static qv_val q_chan_find(ARGS)
{
	char name[QV_NAME_LEN + 1];

	(void)user, (void)argc;
	if (!arg_cstr(c, argv[0], name, sizeof(name), "channel name"))
		return NULL;
	for (u32 i = 0; i < chanlink_count(); i++) {
		const struct kchan *k = chanlink_at(i);
		size_t n = cstrlen(k->info.name, sizeof(k->info.name));
		if (n == cstrlen(name, sizeof(name)) && !memcmp(k->info.name, name, n))
			return qv_int(c, i);
	}
	return qv_int(c, -1);
}

/* chan_create(name, peer, slot_size, slot_count, producer, timeout_ms) ->
 * the channel's index, or why not as a str. Both ends call it with the same
 * name and geometry (docs/channels.md, run-time channels); it waits up to
 * timeout_ms for the peer's call, sleeping between asks. */
static qv_val q_chan_create(ARGS)
{
	char name[QV_NAME_LEN + 1];
	int64_t peer, size, count, tmo;
	bool producer;
	int err = 0;

	(void)user, (void)argc;
	if (!arg_cstr(c, argv[0], name, sizeof(name), "channel name") ||
	    !arg_int(c, argv[1], 0, QV_MAX_SANDBOXES - 1, "peer", &peer) ||
	    !arg_int(c, argv[2], QV_CHAN_SLOT_SIZE_MIN, QV_CHAN_SLOT_SIZE_MAX, "slot_size", &size) ||
	    !arg_int(c, argv[3], QV_CHAN_SLOTS_MIN, QV_CHAN_SLOTS_MAX, "slot_count", &count) ||
	    !qv_truth(c, argv[4], &producer) ||
	    !arg_int(c, argv[5], 0, 3600000, "timeout_ms", &tmo))
		return NULL;
	if (peer == kboot.sandbox_id)
		return qv_raise(c, "ValueError", "a channel needs another sandbox as its peer");
	struct kchan *k = chanlink_create(name, (u32)peer, (u32)size, (u32)count, producer,
					  (u64)tmo * 1000000u, &err);
	if (!k) {
		const char *why = err == QV_HC_EBUSY ? "timeout: the peer did not ask in time" :
				  err == QV_HC_EPERM ? "the name is taken by another channel" :
				  err == QV_HC_ENOMEM ? "no room: the monitor's pool or the channel list is full" :
				  err == QV_HC_ENOSYS ? "no monitor: run-time channels need one" :
				  "refused: bad name or geometry (a power-of-two slot count, a slot size "
				  "that is a multiple of 8), or the peer asked differently";
		return mkstr(c, why, 200);
	}
	for (u32 i = 0; i < chanlink_count(); i++)
		if (chanlink_at(i) == k)
			return qv_int(c, i);
	return qv_str(c, "created but not listed", 22);
}

static qv_val q_chan_info(ARGS)
{
	int64_t i;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &i))
		return NULL;
	if (i < 0 || i >= (int64_t)chanlink_count())
		return qv_raise(c, "ValueError", "no such channel");
	return chan_dict(c, chanlink_at((u32)i));
}

/* chan_send(i, data, timeout_us) -> status (0 = sent). */
static qv_val q_chan_send(ARGS)
{
	const void *p;
	size_t n;
	int64_t tmo;

	(void)user, (void)argc;
	struct kchan *k = chan_arg(c, argv[0]);
	if (!k || !qv_get_buffer(c, argv[1], &p, &n) ||
	    !arg_int(c, argv[2], 0, 10 * 1000 * 1000, "timeout slice (us)", &tmo))
		return NULL;
	if (k->info.role != QV_CHAN_ROLE_PRODUCER)
		return qv_raise(c, "OSError", "this sandbox is the consumer of that channel");
	if (n > k->info.slot_size)
		return qv_int(c, QV_CHAN_E_TOO_BIG);
	return qv_int(c, chan_xfer(k, true, (void *)(uintptr_t)p, (u32)n, NULL, tmo));
}

/* chan_recv(i, bytearray, timeout_us) -> length >= 0, or -status. The
 * bytearray is the Channel object's own, slot_size long. */
static qv_val q_chan_recv(ARGS)
{
	const void *p;
	size_t cap;
	int64_t tmo;
	u32 len = 0;

	(void)user, (void)argc;
	struct kchan *k = chan_arg(c, argv[0]);
	if (!k || !qv_get_buffer(c, argv[1], &p, &cap) ||
	    !arg_int(c, argv[2], 0, 10 * 1000 * 1000, "timeout slice (us)", &tmo))
		return NULL;
	if (k->info.role != QV_CHAN_ROLE_CONSUMER)
		return qv_raise(c, "OSError", "this sandbox is the producer of that channel");
	if (cap > 0xFFFFFFFFu)
		cap = 0xFFFFFFFFu;
	/* The buffer is a bytearray the Python side made for this. */
	enum qv_chan_status st = chan_xfer(k, false, (void *)(uintptr_t)p, (u32)cap, &len, tmo);
	if (st == QV_CHAN_OK)
		return qv_int(c, len);
	return qv_int(c, -(int64_t)st);
}

static qv_val q_chan_pending(ARGS)
{
	(void)user, (void)argc;
	struct kchan *k = chan_arg(c, argv[0]);
	if (!k)
		return NULL;
	u64 f = irq_off();
	u32 n = k->info.role == QV_CHAN_ROLE_PRODUCER ? qv_chan_tx_pending(&k->tx) :
							qv_chan_rx_pending(&k->rx);
	irq_restore(f);
	return qv_int(c, n);
}

static qv_val q_chan_stats(ARGS)
{
	(void)user, (void)argc;
	struct kchan *k = chan_arg(c, argv[0]);
	if (!k)
		return NULL;
	struct qv_chan_stats st;
	u64 f = irq_off();
	st = k->info.role == QV_CHAN_ROLE_PRODUCER ? k->tx.st : k->rx.st;
	irq_restore(f);
	qv_val d = qv_dict(c), by = qv_dict(c);
	if (!d || !by || !put_int(c, d, "messages", (int64_t)st.messages) ||
	    !put_int(c, d, "bytes", (int64_t)st.bytes) || !put_int(c, d, "waits", (int64_t)st.waits) ||
	    !put_int(c, d, "timeouts", (int64_t)st.timeouts) ||
	    !put_int(c, d, "errors", (int64_t)st.errors))
		return NULL;
	for (u32 s = 1; s < QV_CHAN_NSTATUS; s++)
		if (st.by_status[s] && !put_int(c, by, qv_chan_status_name(s), (int64_t)st.by_status[s]))
			return NULL;
	if (!qv_dict_set(c, d, "by_status", by))
		return NULL;
	return d;
}

static qv_val q_chan_strerror(ARGS)
{
	int64_t s;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &s))
		return NULL;
	if (s < 0 || s >= QV_CHAN_NSTATUS)
		return qv_raise(c, "ValueError", "no such channel status");
	const char *name = qv_chan_status_name(s), *text = qv_chan_strerror(s);
	char buf[120];
	fmt_buf(buf, sizeof(buf), "%s (%s)", text, name);
	return mkstr(c, buf, sizeof(buf));
}

/* ---------------------------------------------------------------- memory */

/* Raw access to what the sandbox owns: its RAM, [0, mem_mib MiB),
 * identity-mapped by the kernel and backed by the monitor's EPT; and its
 * channels' pages in the window above RAM, readable all, writable only
 * where this end writes (the producer region for a producer, the consumer
 * page for a consumer): the monitor maps the rest read-only, and a write
 * there would stop the sandbox. So nothing accepted here can fault;
 * anything else is refused before it is touched. */
static bool in_span(u64 a, u64 n, u64 base, u64 len)
{
	return a >= base && n <= len && a - base <= len - n;
}

static bool mem_range_ok(qv_ctx *c, int64_t addr, int64_t n, bool write)
{
	u64 end = (u64)kboot.mem_mib << 20;

	if (addr >= 0 && n >= 0 && in_span((u64)addr, (u64)n, 0, end))
		return true;
	for (u32 i = 0; addr >= 0 && n >= 0 && i < chanlink_count(); i++) {
		const struct qv_chaninfo_entry *e = &chanlink_at(i)->info;
		bool producer = e->role == QV_CHAN_ROLE_PRODUCER;
		if (in_span((u64)addr, (u64)n, e->prod_gpa, (u64)e->producer_pages * QV_CHAN_PAGE))
			return !write || producer ? true :
			       (qv_raise(c, "ValueError", "the producer region is the peer's: "
					 "read-only here"), false);
		if (in_span((u64)addr, (u64)n, e->cons_gpa, QV_CHAN_PAGE))
			return !write || !producer ? true :
			       (qv_raise(c, "ValueError", "the consumer page is the peer's: "
					 "read-only here"), false);
	}
	char msg[120];
	fmt_buf(msg, sizeof(msg), "0x%lx+%ld is outside this sandbox's memory [0, 0x%lx)",
		(unsigned long)addr, (long)n, (unsigned long)end);
	qv_raise(c, "ValueError", msg);
	return false;
}

static qv_val q_mem_read(ARGS)
{
	int64_t addr, n;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &addr) || !qv_get_int(c, argv[1], &n) ||
	    !mem_range_ok(c, addr, n, false))
		return NULL;
	/* Aligned words of 1..8 bytes are read in one access (device-style
	 * registers); everything else is copied. */
	if ((n == 1 || n == 2 || n == 4 || n == 8) && !(addr & (n - 1))) {
		u64 v = 0;
		const volatile void *a = (const volatile void *)(uintptr_t)addr;
		switch (n) {
		case 1: v = *(const volatile u8 *)a; break;
		case 2: v = *(const volatile u16 *)a; break;
		case 4: v = *(const volatile u32 *)a; break;
		default: v = *(const volatile u64 *)a; break;
		}
		return qv_bytes(c, &v, (size_t)n);
	}
	return qv_bytes(c, (const void *)(uintptr_t)addr, (size_t)n);
}

static qv_val q_mem_write(ARGS)
{
	int64_t addr;
	const void *p;
	size_t n;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &addr) || !qv_get_buffer(c, argv[1], &p, &n) ||
	    !mem_range_ok(c, addr, (int64_t)n, true))
		return NULL;
	if ((n == 1 || n == 2 || n == 4 || n == 8) && !(addr & (int64_t)(n - 1))) {
		u64 v = 0;
		memcpy(&v, p, n);
		volatile void *a = (volatile void *)(uintptr_t)addr;
		switch (n) {
		case 1: *(volatile u8 *)a = (u8)v; break;
		case 2: *(volatile u16 *)a = (u16)v; break;
		case 4: *(volatile u32 *)a = (u32)v; break;
		default: *(volatile u64 *)a = v; break;
		}
	} else {
		memmove((void *)(uintptr_t)addr, p, n);
	}
	return qv_none(c);
}

static qv_val q_mem_range(ARGS)
{
	UNUSED_ARGS;
	qv_val t[2] = { qv_int(c, 0), qv_int(c, (int64_t)kboot.mem_mib << 20) };

	if (!t[0] || !t[1])
		return NULL;
	return qv_tuple(c, 2, t);
}

/* ---------------------------------------------------------------- test faults */

/* quest._inject(kind, arg): the wild accesses the monitor must stop, for
 * the isolation tests. Only in test builds (the flag comes from the
 * monitor, which sets it only for a `questv build --test` manifest). Each
 * prints what it is about to do first, so a test log shows the attempt;
 * a contained one never returns. */
#ifdef QV_KERNEL_TEST
static qv_val q_inject(ARGS)
{
	char kind[16];
	int64_t arg = 0;

	(void)user;
	if (!arg_cstr(c, argv[0], kind, sizeof(kind), "kind") ||
	    (argc > 1 && !qv_get_int(c, argv[1], &arg)))
		return NULL;
	if (!(kboot.flags & QV_BI_F_TEST_BUILD))
		return qv_raise(c, "RuntimeError", "_inject is only in test builds");
	u64 addr = 0;
	const char *what = kind;
	if (!memcmp(kind, "sandbox", 8)) {
		if (arg < 0 || arg >= QV_MAX_SANDBOXES || arg == kboot.sandbox_id ||
		    !kboot.sandbox_host_base[arg])
			return qv_raise(c, "ValueError", "no other sandbox with that id");
		addr = kboot.sandbox_host_base[arg];
	} else if (!memcmp(kind, "monitor", 8)) {
		addr = kboot.monitor_host_addr;
	} else if (!memcmp(kind, "ept", 4)) {
		addr = kboot.ept_host_addr;
	} else if (!memcmp(kind, "io", 3)) {
		if (arg < 0 || arg >= QV_MAX_DEVICES || !kboot.device_io_base[arg])
			return qv_raise(c, "ValueError", "no device with that index");
		kprintf("inject: out to port 0x%x of device %ld", kboot.device_io_base[arg], (long)arg);
		outb(kboot.device_io_base[arg], 'X');
		kprintf("inject NOT contained: port 0x%x written", kboot.device_io_base[arg]);
		return qv_str(c, "not contained", 13);
	} else if (!memcmp(kind, "pci", 4)) {
		/* Configuration mechanism #1 for function arg (bus<<8|dev<<3|fn):
		 * a function not on the sandbox's allow-list must be stopped. */
		if (arg < 0 || arg > 0xFFFF)
			return qv_raise(c, "ValueError", "pci: arg is bus << 8 | device << 3 | function");
		u32 a = 0x80000000u | (u32)arg << 8, v;
		kprintf("inject: pci config read of %02x:%02x.%x", (u32)arg >> 8, ((u32)arg >> 3) & 31,
			(u32)arg & 7);
		__asm__ volatile("outl %0, %1" : : "a"(a), "Nd"((u16)0xCF8));
		__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((u16)0xCFC));
		kprintf("inject NOT contained: pci id 0x%x", v);
		return qv_str(c, "not contained", 13);
	} else if (!memcmp(kind, "triple", 7)) {
		kprintf("inject: triple fault");
		/* An empty IDT: the next exception cannot be delivered, nor the
		 * double fault that follows. */
		struct __attribute__((packed)) { u16 limit; u64 base; } idtr = { 0, 0 };
		__asm__ volatile("cli; lidt %0; int3" : : "m"(idtr) : "memory");
		return qv_str(c, "not contained", 13);
	} else if (!memcmp(kind, "hang", 5)) {
		kprintf("inject: spinning with interrupts off");
		__asm__ volatile("cli");
		for (;;)
			__asm__ volatile("pause");
	} else {
		return qv_raise(c, "ValueError", "kind: sandbox, monitor, ept, io, pci, triple or hang");
	}
	if (!addr)
		return qv_raise(c, "ValueError", "the boot info has no host address for that");
	/* The sandbox can only name guest-physical addresses; below its RAM
	 * size the EPT maps one to its own memory, so such a write would only
	 * scribble over this sandbox and say nothing about the monitor. */
	if (addr < ((u64)kboot.mem_mib << 20)) {
		char msg[128];
		fmt_buf(msg, sizeof(msg), "%s: host address 0x%lx is inside this sandbox's own %u MiB "
			"as a guest-physical address (a smaller sandbox is needed)", what,
			(unsigned long)addr, kboot.mem_mib);
		return qv_raise(c, "ValueError", msg);
	}
	kprintf("inject: write %s at 0x%lx", what, (unsigned long)addr);
	*(volatile u64 *)(uintptr_t)addr = 0xBADC0FFEE0DDF00Dull;
	kprintf("inject NOT contained: wrote %s", what);
	return qv_str(c, "not contained", 13);
}
#else
/* The default kernel carries no attack code at all (tests/kernel/test_kernel_images.py). */
static qv_val q_inject(ARGS)
{
	UNUSED_ARGS;
	return qv_raise(c, "RuntimeError", "_inject is only in test builds");
}
#endif

/* ---------------------------------------------------------------- devices */

/* The manifest's devices (kernel/devices.h): the table, the live ownership
 * and port I/O. The owned check here is for a clear error; the monitor's
 * I/O bitmap is what enforces it (a device moved away between the check
 * and the instruction makes the access exit: an io fault of this sandbox). */

static const struct qv_bootinfo_device *dev_arg(qv_ctx *c, qv_val v, int64_t *out)
{
	if (!qv_get_int(c, v, out))
		return NULL;
	const struct qv_bootinfo_device *d = *out >= 0 && *out < (int64_t)devices_count() ?
					     devices_at((u32)*out) : NULL;
	if (!d)
		qv_raise(c, "ValueError", "no such device");
	return d;
}

static bool dev_owned_or_raise(qv_ctx *c, u32 i)
{
	char name[QV_NAME_LEN + 1], msg[80];

	if (devices_owns(i))
		return true;
	devices_name(i, name);
	fmt_buf(msg, sizeof(msg), "device %s is not owned by this sandbox", name);
	qv_raise(c, "PermissionError", msg);
	return false;
}

/* The port of device i at offset, for an access of `width` bytes. */
static bool dev_port(qv_ctx *c, const struct qv_bootinfo_device *d, u32 i, qv_val off_v,
		     qv_val width_v, u16 *port, u32 *width)
{
	int64_t off, w;
	char name[QV_NAME_LEN + 1], msg[96];

	if (!qv_get_int(c, off_v, &off) || !qv_get_int(c, width_v, &w))
		return false;
	if (w != 1 && w != 2 && w != 4) {
		qv_raise(c, "ValueError", "width must be 1, 2 or 4");
		return false;
	}
	if (!d->io_len || off < 0 || off + w > d->io_len) {
		/* named only here: every port access of a driver comes this way */
		devices_name(i, name);
		if (!d->io_len)
			fmt_buf(msg, sizeof(msg), "device %s has no I/O ports", name);
		else
			fmt_buf(msg, sizeof(msg), "offset %ld width %ld outside device %s's %u ports",
				(long)off, (long)w, name, d->io_len);
		qv_raise(c, "ValueError", msg);
		return false;
	}
	if (!dev_owned_or_raise(c, i))
		return false;
	*port = (u16)(d->io_base + off);
	*width = (u32)w;
	return true;
}

static qv_val q_dev_count(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, devices_count());
}

static qv_val q_dev_info(ARGS)
{
	int64_t i;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &i))
		return NULL;
	if (i < 0 || i >= (int64_t)devices_count())
		return qv_none(c);
	const struct qv_bootinfo_device *d = devices_at((u32)i);
	qv_val x = dev_dict(c, (u32)i);
	qv_val irq = d->irq == QV_NO_IRQ ? qv_none(c) : qv_int(c, d->irq);
	if (!x || !irq || !qv_dict_set(c, x, "irq", irq) ||
	    !put_bool(c, x, "owned", devices_owns((u32)i)))
		return NULL;
	return x;
}

static qv_val q_dev_epoch(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, devices_epoch());
}

static qv_val q_dev_in(ARGS)
{
	int64_t i;
	u16 port;
	u32 w, v;

	(void)user, (void)argc;
	const struct qv_bootinfo_device *d = dev_arg(c, argv[0], &i);
	if (!d || !dev_port(c, d, (u32)i, argv[1], argv[2], &port, &w))
		return NULL;
	v = w == 1 ? inb(port) : w == 2 ? inw(port) : inl(port);
	return qv_int(c, v);
}

static qv_val q_dev_out(ARGS)
{
	int64_t i, v;
	u16 port;
	u32 w;

	(void)user, (void)argc;
	const struct qv_bootinfo_device *d = dev_arg(c, argv[0], &i);
	if (!d || !dev_port(c, d, (u32)i, argv[1], argv[2], &port, &w) ||
	    !arg_int(c, argv[3], 0, w == 4 ? 0xFFFFFFFFll : (1ll << (8 * w)) - 1, "value", &v))
		return NULL;
	if (w == 1)
		outb(port, (u8)v);
	else if (w == 2)
		outw(port, (u16)v);
	else
		outl(port, (u32)v);
	return qv_none(c);
}

static qv_val q_dev_irq_count(ARGS)
{
	int64_t i;

	(void)user, (void)argc;
	if (!dev_arg(c, argv[0], &i))
		return NULL;
	return qv_int(c, (int64_t)devirq_count((u32)i));
}

/* dev_wait_irq(i, count, timeout_ms) -> the count once it differs from
 * `count`, or at the timeout. A stop request for the calling service wakes
 * it early with the count unchanged, so that it reaches its safe point: the
 * Python side loops on the time left, as for sleeps. */
static qv_val q_dev_wait_irq(ARGS)
{
	int64_t i, seen, tmo;

	(void)user, (void)argc;
	if (!dev_arg(c, argv[0], &i) || !qv_get_int(c, argv[1], &seen) ||
	    !arg_int(c, argv[2], 0, 3600000, "timeout_ms", &tmo) || !dev_owned_or_raise(c, (u32)i))
		return NULL;
	u64 n = devirq_wait((u32)i, (u64)seen, clock_ns() + (u64)tmo * 1000000u);
	return qv_int(c, (int64_t)n);
}

/* ---------------------------------------------------------------- services */

static const char *const state_names[] = { "free", "starting", "running",
					   "exited", "failed", "stopped" };
static const char *const restart_names[] = { "never", "always", "backoff" };

static const char *svc_strerror(int e)
{
	switch (e) {
	case VTX_EADMIT: return "admission refused the VCPU";
	case VTX_ENOMEM: return "not enough memory";
	case VTX_EFULL: return "no free service or thread slot";
	case VTX_EINVAL: return "bad id, name or parameters";
	case VTX_EEXIST: return "a service of that name is running";
	case VTX_ESTATE: return "not in a state that allows this";
	case VTX_ETIMEDOUT: return "did not stop in time";
	case VTX_ECODE: return "the code failed";
	default: return "refused";
	}
}

static qv_val spec_dict(qv_ctx *c, const struct vtx_svc_spec *s)
{
	qv_val d = qv_dict(c);

	if (!d || !put_str(c, d, "name", s->name, sizeof(s->name)) ||
	    !put_str(c, d, "module", s->module, sizeof(s->module)) ||
	    !put_str(c, d, "alternate", s->alternate, sizeof(s->alternate)) ||
	    !put_int(c, d, "budget_us", s->budget_us) || !put_int(c, d, "period_us", s->period_us) ||
	    !put_int(c, d, "heap_kib", s->heap_kib) ||
	    !put_str(c, d, "restart", s->restart < 3 ? restart_names[s->restart] : "?", 8) ||
	    !put_int(c, d, "restart_limit", s->restart_limit) ||
	    !put_int(c, d, "backoff_ms", s->backoff_ms))
		return NULL;
	return d;
}

static qv_val info_dict(qv_ctx *c, int id, const struct vtx_svc_info *in)
{
	qv_val d = qv_dict(c), spec = spec_dict(c, &in->spec);
	u64 now = clock_ns();
	u64 run = in->started_ns && now > in->started_ns ? now - in->started_ns : 0;
	unsigned st = (unsigned)in->state;

	if (!d || !spec || !put_int(c, d, "id", id) ||
	    !put_str(c, d, "name", in->spec.name, sizeof(in->spec.name)) ||
	    !put_str(c, d, "module", in->spec.module, sizeof(in->spec.module)) ||
	    !put_str(c, d, "state", st < 6 ? state_names[st] : "?", 10) ||
	    !put_int(c, d, "exit_status", in->exit_status) ||
	    !put_str(c, d, "exit", in->exit_status == QV_OK ? "returned" :
		     in->exit_status == QV_EXC ? "exception" : "exit", 12) ||
	    !put_int(c, d, "starts", in->starts) ||
	    !put_int(c, d, "run_ms", (int64_t)(run / 1000000)) ||
	    !put_str(c, d, "last_error", in->last_error, sizeof(in->last_error)) ||
	    !put_int(c, d, "heap_used", (int64_t)in->heap_used) ||
	    !put_int(c, d, "heap_peak", (int64_t)in->heap_peak) ||
	    !put_int(c, d, "heap_total", (int64_t)in->heap_total) ||
	    !qv_dict_set(c, d, "spec", spec))
		return NULL;
	qv_val v = in->vcpu ? qv_int(c, in->vcpu->id) : qv_none(c);
	if (!v || !qv_dict_set(c, d, "vcpu", v))
		return NULL;
	return d;
}

static qv_val q_svc_count(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, vtx_svc_count());
}

static qv_val q_svc_info(ARGS)
{
	int64_t id;
	struct vtx_svc_info in;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id))
		return NULL;
	if (id < 0 || id > 0x7fffffff || !vtx_svc_info((int)id, &in) || in.state == VTX_SVC_FREE)
		return qv_none(c);
	return info_dict(c, (int)id, &in);
}

static qv_val q_svc_find(ARGS)
{
	char name[32];

	(void)user, (void)argc;
	if (!arg_cstr(c, argv[0], name, sizeof(name), "service name"))
		return NULL;
	return qv_int(c, vtx_svc_find(name));
}

static qv_val q_svc_self(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, vtx_svc_self());
}

/* svc_start(name, module, alternate, budget_us, period_us, heap_kib,
 * restart, restart_limit, backoff_ms, source or None) -> id, or the reason
 * as a str ("admission: ..." when the VCPU was refused). */
static qv_val q_svc_start(ARGS)
{
	struct vtx_svc_spec s;
	int64_t v[6];
	const char *src = NULL;
	size_t len = 0;
	char why[160];

	(void)user, (void)argc;
	memset(&s, 0, sizeof(s));
	if (!arg_cstr(c, argv[0], s.name, sizeof(s.name), "name") ||
	    !arg_cstr(c, argv[1], s.module, sizeof(s.module), "module") ||
	    !arg_cstr(c, argv[2], s.alternate, sizeof(s.alternate), "alternate"))
		return NULL;
	static const char *const what[6] = { "budget_us", "period_us", "heap_kib",
					     "restart", "restart_limit", "backoff_ms" };
	for (int i = 0; i < 6; i++)
		if (!arg_int(c, argv[3 + i], 0, i == 3 ? 2 : 0xFFFFFFFFll, what[i], &v[i]))
			return NULL;
	s.budget_us = (u32)v[0];
	s.period_us = (u32)v[1];
	s.heap_kib = (u32)v[2];
	s.restart = (u32)v[3];
	s.restart_limit = (u32)v[4];
	s.backoff_ms = (u32)v[5];
	if (!s.name[0])
		return qv_raise(c, "ValueError", "a service needs a name");
	if (s.budget_us > s.period_us)
		return qv_raise(c, "ValueError", "budget_us must not exceed period_us");
	if (!qv_is_none(argv[9]) && !qv_get_str(c, argv[9], &src, &len))
		return NULL;
	why[0] = 0;
	int id = vtx_svc_start(&s, src, len, why, sizeof(why));
	if (id == -VTX_EADMIT) {
		char msg[180];
		fmt_buf(msg, sizeof(msg), "admission: %s", why);
		return mkstr(c, msg, sizeof(msg));
	}
	if (id < 0)
		return mkstr(c, why[0] ? why : svc_strerror(-id), sizeof(why));
	return qv_int(c, id);
}

static qv_val q_svc_stop(ARGS)
{
	int64_t id, tmo;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id) || !arg_int(c, argv[1], 0, 3600000, "timeout_ms", &tmo))
		return NULL;
	if (id < 0 || id >= vtx_svc_count())
		return qv_raise(c, "ValueError", "no such service");
	int r = vtx_svc_stop((int)id, (u32)tmo);
	if (r < 0) {
		const char *why = r == -VTX_ESTATE ? "it is not running" :
				  r == -VTX_EINVAL ? "a service stops itself with sys.exit()" :
						     svc_strerror(-r);
		return mkstr(c, why, 80);
	}
	return qv_none(c);
}

/* svc_swap_prepare(id, source) -> None, or why it was refused. */
static qv_val q_svc_swap_prepare(ARGS)
{
	int64_t id;
	const char *src;
	size_t len;
	char why[160];

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id) || !qv_get_str(c, argv[1], &src, &len))
		return NULL;
	if (id < 0 || id >= vtx_svc_count())
		return qv_raise(c, "ValueError", "no such service");
	why[0] = 0;
	if (vtx_svc_swap_prepare((int)id, src, len, why, sizeof(why)) < 0)
		return mkstr(c, why[0] ? why : "refused", sizeof(why));
	return qv_none(c);
}

static qv_val q_svc_swap_commit(ARGS)
{
	int64_t id;
	char why[160];

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id))
		return NULL;
	if (id < 0 || id >= vtx_svc_count())
		return qv_raise(c, "ValueError", "no such service");
	why[0] = 0;
	if (vtx_svc_swap_commit((int)id, why, sizeof(why)) < 0)
		return mkstr(c, why[0] ? why : "refused", sizeof(why));
	return qv_none(c);
}

static qv_val q_svc_swap_abort(ARGS)
{
	int64_t id;

	(void)user, (void)argc;
	if (!qv_get_int(c, argv[0], &id))
		return NULL;
	if (id >= 0 && id < vtx_svc_count())
		vtx_svc_swap_abort((int)id);
	return qv_none(c);
}

/* svc_declared() -> the services of this sandbox's bundle, as declared
 * (the supervisor starts a device-bound one when its device arrives). */
static qv_val q_svc_declared(ARGS)
{
	UNUSED_ARGS;
	struct vtx_bundle_service b;
	struct vtx_svc_spec sp;
	qv_val list = qv_list(c);

	if (!list)
		return NULL;
	for (u32 i = 0; vtx_bundle_service(i, &b); i++) {
		vtx_svc_spec_from(&sp, &b);
		qv_val d = spec_dict(c, &sp);
		qv_val dev = b.device >= 0 ? qv_int(c, b.device) : qv_none(c);
		if (!d || !dev || !put_bool(c, d, "at_boot", b.flags & VTX_BUNDLE_SVC_AT_BOOT) ||
		    !qv_dict_set(c, d, "device", dev) || !qv_list_append(c, list, d))
			return NULL;
	}
	return list;
}

/* svc_next_event(timeout_ms) -> the info of a service whose state changed,
 * or None: at the timeout, or early when the devices' epoch changed. */
static qv_val q_svc_next_event(ARGS)
{
	int64_t tmo;
	struct vtx_svc_info in;

	(void)user, (void)argc;
	if (!arg_int(c, argv[0], 0, 3600000, "timeout_ms", &tmo))
		return NULL;
	if (!vtx_svc_next_event(&in, (u32)tmo))
		return qv_none(c);
	return info_dict(c, vtx_svc_find(in.spec.name), &in);
}

/* ---------------------------------------------------------------- recovery */

/* The supervisor's side of issue 7 (kernel/recovery.h): fault records as
 * dicts, the lost count, the acknowledgement and the recovery commands.
 * Only the supervising sandbox has the fault log; elsewhere fault_next
 * raises PermissionError rather than answering None forever, so a recovery
 * service started in the wrong sandbox says so instead of idling. */

static const char *const action_names[] = { "halt", "restart", "quarantine" };

static qv_val q_fault_next(ARGS)
{
	UNUSED_ARGS;
	struct qv_fault_record r;
	int got = krecovery_next(&r);

	if (got < 0)
		return qv_raise(c, "PermissionError", "no fault log here: not the supervising sandbox");
	if (got == 0)
		return qv_none(c);
	qv_val d = qv_dict(c);
	if (!d || !put_int(c, d, "seq", (int64_t)r.seq) ||
	    !put_int(c, d, "sandbox", r.sandbox) ||
	    !put_str(c, d, "kind", krecovery_kind_name(r.kind), 32) ||
	    !put_int(c, d, "reason", r.exit_reason) ||
	    !put_int(c, d, "rip", (int64_t)r.rip) ||
	    !put_int(c, d, "gpa", (int64_t)r.gpa) ||
	    !put_int(c, d, "qual", (int64_t)r.qual) ||
	    !put_int(c, d, "time_ns", (int64_t)r.time_ns) ||
	    !put_int(c, d, "boot", r.boot_count) ||
	    !put_str(c, d, "action", r.action < 3 ? action_names[r.action] : "unknown", 16) ||
	    !put_str(c, d, "symbol", r.sym, QV_FAULTLOG_SYM_LEN) ||
	    !put_int(c, d, "sym_off", r.sym_off))
		return NULL;
	return d;
}

static qv_val q_fault_lost(ARGS)
{
	UNUSED_ARGS;
	return qv_int(c, (int64_t)krecovery_lost());
}

static qv_val q_fault_ack(ARGS)
{
	int64_t seq;

	(void)user, (void)argc;
	if (!arg_int(c, argv[0], 1, INT64_MAX, "seq", &seq))
		return NULL;
	s64 rc = krecovery_ack((u64)seq);
	if (rc == QV_HC_EPERM)
		return qv_raise(c, "PermissionError", "only the supervisor acknowledges faults");
	if (rc < 0)
		return qv_raise(c, "ValueError", "that seq was not written yet");
	return qv_none(c);
}

/* _quest.recover(cmd, target, arg): cmd is enum qv_recover_cmd (the Python
 * side maps names). PermissionError when the monitor refuses (not the
 * supervisor, or a quarantined target): it has reported the attempt. For
 * RESTART_SERVICE arg is the str "<service>=<module>": the note is built
 * here, on this thread's stack (kernel memory is identity-mapped, so its
 * address is the guest-physical one the monitor reads, as for the console
 * and channel hypercalls); the monitor checks its form (ValueError). */
static qv_val q_recover(ARGS)
{
	int64_t cmd, target, arg = 0, boot = -1;
	struct qv_recovery_note note;
	u64 a;

	(void)user;
	if (!arg_int(c, argv[0], QV_RECOVER_RESTART, QV_RECOVER_RESTART_SERVICE, "command",
		     &cmd))
		return NULL;
	/* MOVE_DEVICE's target is a device (manifest index, up to 32), the
	 * others' a sandbox; what is past the manifest the monitor refuses. */
	if (!arg_int(c, argv[1], 0, cmd == QV_RECOVER_MOVE_DEVICE ? QV_MAX_DEVICES : QV_MAX_SANDBOXES,
		     "target", &target) ||
	    (argc > 3 && !arg_int(c, argv[3], 0, 0xFFFFFFFE, "boot", &boot)))
		return NULL;
	if (cmd == QV_RECOVER_RESTART_SERVICE) {
		const char *s;
		size_t n;
		if (!qv_get_str(c, argv[2], &s, &n))
			return NULL;
		if (n > QV_RECOVERY_NOTE_MAX)
			return qv_raise(c, "ValueError", "recovery note longer than 95 bytes");
		note.len = (u32)n;
		memcpy(note.text, s, n);
		a = (u64)(uintptr_t)&note;
	} else {
		if (!arg_int(c, argv[2], 0, 0xFFFFFFFF, "arg", &arg))
			return NULL;
		a = (u64)arg;
	}
	/* With a boot (the fault record's), the command is for that life only
	 * (MOVE_DEVICE's target is a device: no boot applies). */
	s64 rc = boot >= 0 && cmd != QV_RECOVER_MOVE_DEVICE ?
			 krecovery_command_for((u32)cmd, (u32)target, (u32)boot, a) :
			 krecovery_command((u32)cmd, (u32)target, a);
	char msg[160];
	switch (rc) {
	case 0:
		return qv_none(c);
	case QV_HC_EPERM:
		fmt_buf(msg, sizeof(msg), "the monitor refused command %ld for sandbox %ld",
			(long)cmd, (long)target);
		return qv_raise(c, "PermissionError", msg);
	case QV_HC_EBUSY:
		return qv_raise(c, "OSError", "busy: a command for that sandbox is on its way");
	case QV_HC_ESTALE:
		fmt_buf(msg, sizeof(msg), "stale: sandbox %ld has left boot %ld (its on_fault "
			"came first)", (long)target, (long)boot);
		return qv_raise(c, "OSError", msg);
	default:
		if (cmd == QV_RECOVER_RESTART_SERVICE && rc == QV_HC_EINVAL)
			fmt_buf(msg, sizeof(msg), "the monitor refused the recovery note for sandbox %ld: "
				"not <service>=<module> with non-empty printable names, "
				"or not a sandbox it restarts",
				(long)target);
		else
			fmt_buf(msg, sizeof(msg), "command %ld for sandbox %ld refused (%ld)",
				(long)cmd, (long)target, (long)rc);
		return qv_raise(c, "ValueError", msg);
	}
}

/* ---------------------------------------------------------------- stats */

static qv_val q_stats(ARGS)
{
	UNUSED_ARGS;
	qv_heap_stats h;
	qv_val d = qv_dict(c);

	qv_heap_info(c, &h);
	if (!d || !put_int(c, d, "heap_total", (int64_t)h.total) ||
	    !put_int(c, d, "heap_used", (int64_t)h.used) ||
	    !put_int(c, d, "heap_peak", (int64_t)h.peak) ||
	    !put_int(c, d, "collections", (int64_t)h.collections) ||
	    !put_int(c, d, "gc_max_pause_us", (int64_t)h.max_pause_us) ||
	    !put_int(c, d, "now_us", (int64_t)(clock_ns() / 1000)) ||
	    !put_int(c, d, "sched_decisions", (int64_t)sched_costs.decisions) ||
	    !put_int(c, d, "sched_switches", (int64_t)sched_costs.switches) ||
	    !put_int(c, d, "timer_irqs", (int64_t)timer_stats.irqs) ||
	    !put_int(c, d, "timer_late_max_ns", (int64_t)timer_stats.late_max_ns))
		return NULL;
	return d;
}

/* ---------------------------------------------------------------- module */

static const qv_ext_func funcs[] = {
	{ "sandbox", q_sandbox, 0, 0 },
	{ "stats", q_stats, 0, 0 },
	{ "ticks_us", q_ticks_us, 0, 0 },
	{ "ticks_ms", q_ticks_ms, 0, 0 },
	{ "ticks_diff", q_ticks_diff, 2, 2 },
	{ "ticks_cpu", q_ticks_cpu, 0, 0 },
	{ "sleep_us", q_sleep_us, 1, 1 },
	{ "wait_period", q_wait_period, 0, 0 },
	{ "vcpu_new", q_vcpu_new, 2, 2 },
	{ "vcpu_set", q_vcpu_set, 3, 3 },
	{ "iovcpu_new", q_iovcpu_new, 2, 2 },
	{ "vcpu_self", q_vcpu_self, 0, 0 },
	{ "vcpu_stats", q_vcpu_stats, 1, 1 },
	{ "vcpu_list", q_vcpu_list, 0, 0 },
	{ "chan_find", q_chan_find, 1, 1 },
	{ "chan_info", q_chan_info, 1, 1 },
	{ "chan_create", q_chan_create, 6, 6 },
	{ "chan_send", q_chan_send, 3, 3 },
	{ "chan_recv", q_chan_recv, 3, 3 },
	{ "chan_pending", q_chan_pending, 1, 1 },
	{ "chan_stats", q_chan_stats, 1, 1 },
	{ "chan_strerror", q_chan_strerror, 1, 1 },
	{ "mem_read", q_mem_read, 2, 2 },
	{ "mem_write", q_mem_write, 2, 2 },
	{ "mem_range", q_mem_range, 0, 0 },
	{ "inject", q_inject, 1, 2 },
	{ "fault_next", q_fault_next, 0, 0 },
	{ "fault_lost", q_fault_lost, 0, 0 },
	{ "fault_ack", q_fault_ack, 1, 1 },
	{ "recover", q_recover, 3, 4 },
	{ "svc_count", q_svc_count, 0, 0 },
	{ "svc_info", q_svc_info, 1, 1 },
	{ "svc_find", q_svc_find, 1, 1 },
	{ "svc_self", q_svc_self, 0, 0 },
	{ "svc_start", q_svc_start, 10, 10 },
	{ "svc_stop", q_svc_stop, 2, 2 },
	{ "svc_swap_prepare", q_svc_swap_prepare, 2, 2 },
	{ "svc_swap_commit", q_svc_swap_commit, 1, 1 },
	{ "svc_swap_abort", q_svc_swap_abort, 1, 1 },
	{ "svc_next_event", q_svc_next_event, 1, 1 },
	{ "svc_declared", q_svc_declared, 0, 0 },
	{ "dev_count", q_dev_count, 0, 0 },
	{ "dev_info", q_dev_info, 1, 1 },
	{ "dev_epoch", q_dev_epoch, 0, 0 },
	{ "dev_in", q_dev_in, 3, 3 },
	{ "dev_out", q_dev_out, 4, 4 },
	{ "dev_irq_count", q_dev_irq_count, 1, 1 },
	{ "dev_wait_irq", q_dev_wait_irq, 3, 3 },
};

#define CHAN_CONST(name, text) { "CHAN_" #name, QV_CHAN_##name },
static const qv_ext_const consts[] = {
	QV_CHAN_STATUS_LIST(CHAN_CONST)
	{ "RESTART_NEVER", 0 },
	{ "RESTART_ALWAYS", 1 },
	{ "RESTART_BACKOFF", 2 },
	{ "RECOVER_RESTART", QV_RECOVER_RESTART },
	{ "RECOVER_STOP", QV_RECOVER_STOP },
	{ "RECOVER_QUARANTINE", QV_RECOVER_QUARANTINE },
	{ "RECOVER_RESUME", QV_RECOVER_RESUME },
	{ "RECOVER_MOVE_DEVICE", QV_RECOVER_MOVE_DEVICE },
	{ "RECOVER_RESTART_SERVICE", QV_RECOVER_RESTART_SERVICE },
};
#undef CHAN_CONST

const qv_ext_module vtx_mod_quest = {
	"_quest", funcs, sizeof(funcs) / sizeof(funcs[0]), consts,
	sizeof(consts) / sizeof(consts[0]),
};
