/* Services (service.h, docs/port.md "Services"): a service is a slot in a
 * small table, a thread on a Main VCPU of its own, and an interpreter
 * whose heap comes from kmem. The thread creates the interpreter (its
 * stack is the one the collector scans), runs the module, calls main(),
 * and when the code ends for any reason frees the heap, queues an exit
 * event for the supervisor and ends; its stack and VCPU go with it. */
#include "vtx.h"
#include "mem.h"
#include "qv_ext.h"
#include "service.h"
#include "irq.h"
#include "devices.h"
#include "waitlist.h"

#define DEFAULT_BUDGET_US 1000u
#define DEFAULT_PERIOD_US 10000u
#define DEFAULT_HEAP_KIB 64u
#define EVENT_MAX 16u
#define STATE_MAX (32u * 1024u) /* marshalled state handed over by a hot swap */
#define STOP_RETRY_NS 10000000u
/* The longest block of an event wait between two looks at the device epoch;
 * the notice interrupt normally ends it much sooner. */
#define EPOCH_LOOK_NS 100000000u

enum swap_phase { SWAP_NONE, SWAP_PREPARED, SWAP_COMMIT, SWAP_DONE, SWAP_FAILED };

struct svc {
	struct vtx_svc_info info;
	struct kthread *thread;
	struct qvs_vcpu *vcpu;
	struct vtx_interp *interp;   /* while the code runs */
	char *source;                /* kmem copy of the code to run, or NULL */
	size_t source_len;
	bool stop_requested;
	struct kthread *waiter;      /* a stop or swap waiting for this service */
	/* Hot swap. */
	u8 swap;                     /* enum swap_phase */
	struct vtx_interp *next;     /* prepared, its module imported */
	char swap_why[160];
};

static struct svc svcs[VTX_SVC_MAX];
static struct vtx_svc_info events[EVENT_MAX];
static u32 ev_head, ev_count, ev_lost;
/* The threads in vtx_svc_next_event (the supervisor, a REPL that asks
 * too). All are woken by an event or a notice and look again. */
static struct kwaiter *ev_waiters;

/* Also the kernel's notice hook (devices_on_notice). */
static void wake_waiters(void)
{
	kwait_wake_all(&ev_waiters);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int vtx_svc_count(void)
{
	return VTX_SVC_MAX;
}

bool vtx_svc_info(int id, struct vtx_svc_info *out)
{
	if (id < 0 || id >= VTX_SVC_MAX)
		return false;
	struct svc *s = &svcs[id];
	u64 f = irq_off();
	*out = s->info;
	/* Only counters are read, with the owner stopped (one core, interrupts
	 * off): at worst they are a collection out of date. */
	if (s->info.state == VTX_SVC_RUNNING && s->interp) {
		qv_heap_stats st;
		qv_heap_info(s->interp->ctx, &st);
		out->heap_used = st.used;
		out->heap_peak = st.peak;
		out->heap_total = st.total;
	}
	irq_restore(f);
	return true;
}

int vtx_svc_find(const char *name)
{
	for (int i = 0; i < VTX_SVC_MAX; i++)
		if (svcs[i].info.state != VTX_SVC_FREE && str_eq(svcs[i].info.spec.name, name))
			return i;
	return -1;
}

int vtx_svc_self(void)
{
	struct kthread *me = kthread_self();

	for (int i = 0; i < VTX_SVC_MAX; i++)
		if (svcs[i].thread == me &&
		    (svcs[i].info.state == VTX_SVC_RUNNING || svcs[i].info.state == VTX_SVC_STARTING))
			return i;
	return -1;
}

/* ---- exit events ---------------------------------------------------------- */

static void queue_event(const struct svc *s)
{
	u64 f = irq_off();

	if (ev_count == EVENT_MAX) {
		ev_head = (ev_head + 1) % EVENT_MAX; /* the oldest is lost, and counted */
		ev_count--;
		ev_lost++;
	}
	events[(ev_head + ev_count++) % EVENT_MAX] = s->info;
	irq_restore(f);
	wake_waiters();
}

/* Also ends, with false, once the devices' epoch differs from the one at
 * the call: the supervisor then starts or stops its device-bound services.
 * The notice interrupt wakes the waiters (wake_waiters is the hook). */
bool vtx_svc_next_event(struct vtx_svc_info *out, u32 timeout_ms)
{
	u64 deadline = clock_ns() + (u64)timeout_ms * 1000000u;
	u32 epoch = devices_epoch();
	struct kwaiter me;
	bool got = false;
	u64 f = irq_off();

	kwait_add(&ev_waiters, &me);
	for (;;) {
		if (ev_count) {
			*out = events[ev_head];
			ev_head = (ev_head + 1) % EVENT_MAX;
			ev_count--;
			got = true;
			break;
		}
		u64 now = clock_ns();
		if (now >= deadline || devices_epoch() != epoch)
			break;
		irq_restore(f);
		kthread_block_until(deadline - now < EPOCH_LOOK_NS ? deadline : now + EPOCH_LOOK_NS);
		f = irq_off();
	}
	kwait_remove(&ev_waiters, &me);
	irq_restore(f);
	return got;
}

/* ---- running the code -------------------------------------------------- */

static void wake_waiter(struct svc *s)
{
	u64 f = irq_off();
	struct kthread *w = s->waiter;

	s->waiter = NULL;
	irq_restore(f);
	if (w)
		kthread_wake(w);
}

/* Runs main() if the module defined one. */
static int call_main(qv_ctx *c)
{
	if (!qv_get_global(c, "main"))
		return QV_OK;
	return qv_call_global(c, "main");
}

static void end_interp(struct svc *s, int r)
{
	struct vtx_interp *in = s->interp;
	qv_heap_stats st;

	qv_heap_info(in->ctx, &st);
	u64 f = irq_off();
	s->info.heap_used = st.used;
	s->info.heap_peak = st.peak;
	s->info.heap_total = st.total;
	s->info.exit_status = r;
	copy_str(s->info.last_error, sizeof(s->info.last_error), in->last_error);
	s->interp = NULL;
	irq_restore(f);
	vtx_interp_free(in);
}

/* A commit asked the code to stop: hand its state to the prepared
 * interpreter and go on with that one, on this thread and VCPU. Returns
 * the new interpreter's outcome, or -1 if there was no swap. */
static int swap_over(struct svc *s, void *stack_base)
{
	qv_ctx *old = s->interp->ctx;
	u8 *state = NULL;
	size_t state_len = 0;

	qv_val save = qv_get_global(old, "save_state");
	if (save) {
		qv_val v = qv_call(old, save, 0, NULL);
		state = v ? kmem_alloc(STATE_MAX, 64) : NULL;
		if (!v || !state || qv_marshal_out(old, v, state, STATE_MAX, &state_len) != QV_OK) {
			qv_exc_clear(old, true);
			kprintf("service %s: save_state() failed; the new version starts without state",
				s->info.spec.name);
			kmem_free(state);
			state = NULL;
		}
	}
	end_interp(s, QV_EXIT);
	u64 f = irq_off();
	s->interp = s->next;
	s->next = NULL;
	s->swap = SWAP_DONE;
	s->stop_requested = false;
	s->info.starts++;
	s->info.started_ns = clock_ns();
	s->info.last_error[0] = 0;
	irq_restore(f);
	wake_waiter(s);
	qv_ctx *c = s->interp->ctx;
	s->interp->owner = s;
	qv_set_stack_base(c, stack_base);
	qv_set_stack_limit(c, vtx_stack_below(stack_base));
	qv_val restore = qv_get_global(c, "restore_state");
	if (restore && state) {
		qv_val v = qv_marshal_in(c, state, state_len);
		if (!v || !qv_call(c, restore, 1, &v))
			qv_exc_clear(c, true);
	}
	kmem_free(state);
	kprintf("service %s: swapped", s->info.spec.name);
	return call_main(c);
}

static void svc_thread(void *arg)
{
	struct svc *s = arg;
	u8 base_marker;
	void *base = &base_marker;
	char why[160];

	s->interp = vtx_interp_new((size_t)s->info.spec.heap_kib * 1024u, base, why, sizeof(why));
	if (!s->interp) {
		kprintf("service %s: %s", s->info.spec.name, why);
		copy_str(s->info.last_error, sizeof(s->info.last_error), why);
		s->info.exit_status = QV_EXC;
		s->info.state = VTX_SVC_FAILED;
		s->info.vcpu = NULL;
		queue_event(s);
		wake_waiter(s);
		return;
	}
	s->interp->owner = s;
	s->info.state = VTX_SVC_RUNNING;
	qv_ctx *c = s->interp->ctx;
	int r;
	if (s->source) {
		r = qv_exec(c, s->source, s->source_len, s->info.spec.name, QV_MODE_FILE);
		kmem_free(s->source);
		s->source = NULL;
	} else {
		r = qv_run_module(c, s->info.spec.module);
	}
	if (r == QV_OK && !s->stop_requested)
		r = call_main(c);
	while (r == QV_EXIT && s->swap == SWAP_COMMIT) {
		r = swap_over(s, base);
		c = s->interp->ctx;
	}
	u64 f = irq_off();
	bool stopped = s->stop_requested;
	irq_restore(f);
	end_interp(s, r);
	s->info.state = r == QV_EXC ? VTX_SVC_FAILED :
			stopped && r == QV_EXIT ? VTX_SVC_STOPPED : VTX_SVC_EXITED;
	s->info.vcpu = NULL;
	if (s->info.state == VTX_SVC_FAILED)
		kprintf("service %s failed: %s", s->info.spec.name,
			s->info.last_error[0] ? s->info.last_error : "(no traceback)");
	else
		kprintf("service %s %s", s->info.spec.name,
			s->info.state == VTX_SVC_STOPPED ? "stopped" : "ended");
	/* The code ended some other way than at a committed swap's safe point
	 * (it returned, failed, or swallowed the stop): the prepared version
	 * goes, and a commit waiting for the safe point learns why. */
	u64 g = irq_off();
	struct vtx_interp *next = s->next;
	s->next = NULL;
	if (s->swap == SWAP_COMMIT) {
		fmt_buf(s->swap_why, sizeof(s->swap_why), "service %s %s before its safe point",
			s->info.spec.name, s->info.state == VTX_SVC_FAILED ? "failed" : "ended");
		s->swap = SWAP_FAILED;
	} else if (s->swap == SWAP_PREPARED) {
		s->swap = SWAP_NONE;
	}
	irq_restore(g);
	vtx_interp_free(next);
	queue_event(s);
	wake_waiter(s);
	/* Returning ends the thread: kthread_exit frees the stack and VCPU. */
}

int vtx_svc_start(const struct vtx_svc_spec *spec, const char *source, size_t len, char *why,
		  size_t whycap)
{
	if (!spec->name[0] || (!source && !spec->module[0])) {
		fmt_buf(why, whycap, "a service needs a name and a module or source");
		return -VTX_EINVAL;
	}
	u64 f = irq_off();
	int id = vtx_svc_find(spec->name);
	if (id >= 0 && (svcs[id].info.state == VTX_SVC_RUNNING ||
			svcs[id].info.state == VTX_SVC_STARTING)) {
		irq_restore(f);
		fmt_buf(why, whycap, "service %s is running", spec->name);
		return -VTX_EEXIST;
	}
	/* Its old slot (keeps the start count), else a free one. */
	if (id < 0)
		for (int i = 0; i < VTX_SVC_MAX && id < 0; i++)
			if (svcs[i].info.state == VTX_SVC_FREE)
				id = i;
	if (id < 0)
		for (int i = 0; i < VTX_SVC_MAX && id < 0; i++)
			if (svcs[i].info.state != VTX_SVC_RUNNING &&
			    svcs[i].info.state != VTX_SVC_STARTING && svcs[i].swap == SWAP_NONE)
				id = i;
	if (id < 0) {
		irq_restore(f);
		fmt_buf(why, whycap, "no room for another service (%u)", VTX_SVC_MAX);
		return -VTX_EFULL;
	}
	struct svc *s = &svcs[id];
	u32 starts = str_eq(s->info.spec.name, spec->name) ? s->info.starts : 0;
	s->info.state = VTX_SVC_STARTING;
	irq_restore(f);

	memset(&s->info, 0, sizeof(s->info));
	s->info.state = VTX_SVC_STARTING;
	s->info.spec = *spec;
	s->info.spec.name[sizeof(s->info.spec.name) - 1] = 0;
	s->info.spec.module[sizeof(s->info.spec.module) - 1] = 0;
	s->info.spec.alternate[sizeof(s->info.spec.alternate) - 1] = 0;
	struct vtx_svc_spec *sp = &s->info.spec;
	if (!sp->budget_us)
		sp->budget_us = DEFAULT_BUDGET_US;
	if (!sp->period_us)
		sp->period_us = DEFAULT_PERIOD_US;
	if (!sp->heap_kib)
		sp->heap_kib = DEFAULT_HEAP_KIB;
	s->info.starts = starts + 1;
	s->stop_requested = false;
	s->swap = SWAP_NONE;
	s->source = NULL;
	s->interp = NULL;
	int err = 0;
	if (source) {
		s->source = kmem_alloc(len ? len : 1, 64);
		if (!s->source) {
			fmt_buf(why, whycap, "no memory for %lu bytes of source", (u64)len);
			err = -VTX_ENOMEM;
			goto fail;
		}
		memcpy(s->source, source, len);
		s->source_len = len;
	}
	s->vcpu = kvcpu_add_why((u64)sp->budget_us * 1000u, (u64)sp->period_us * 1000u, why,
				whycap);
	if (!s->vcpu) {
		err = -VTX_EADMIT;
		goto fail;
	}
	s->info.vcpu = s->vcpu;
	s->info.started_ns = clock_ns();
	s->thread = kthread_spawn_stack(s->vcpu, s->info.spec.name, svc_thread, s,
					VTX_STACK_BYTES, true);
	if (!s->thread) {
		kvcpu_remove(s->vcpu);
		fmt_buf(why, whycap, "no thread slot or no memory for a %u KiB stack",
			VTX_STACK_BYTES / 1024u);
		err = -VTX_EFULL;
		goto fail;
	}
	return id;
fail:
	kmem_free(s->source);
	s->source = NULL;
	s->info.vcpu = NULL;
	s->info.state = VTX_SVC_FREE;
	return err;
}

static bool running(const struct svc *s)
{
	return s->info.state == VTX_SVC_RUNNING || s->info.state == VTX_SVC_STARTING;
}

/* Asks the code to stop and waits up to timeout_ms for `done(s)`. */
static bool stop_and_wait(struct svc *s, u32 timeout_ms, bool (*done)(const struct svc *))
{
	u64 deadline = clock_ns() + (u64)timeout_ms * 1000000u;

	while (!done(s)) {
		u64 now = clock_ns();
		if (now >= deadline)
			return false;
		u64 f = irq_off();
		if (s->interp)
			qv_request_stop(s->interp->ctx); /* again: the code may swallow one */
		s->waiter = kthread_self();
		irq_restore(f);
		if (s->thread)
			kthread_wake(s->thread); /* a sleeping service reaches its safe point */
		u64 until = now + STOP_RETRY_NS;
		kthread_block_until(until < deadline ? until : deadline);
	}
	return true;
}

static bool not_running(const struct svc *s)
{
	return !running(s);
}

int vtx_svc_stop(int id, u32 timeout_ms)
{
	if (id < 0 || id >= VTX_SVC_MAX)
		return -VTX_EINVAL;
	struct svc *s = &svcs[id];
	if (!running(s))
		return -VTX_ESTATE;
	if (s->thread == kthread_self())
		return -VTX_EINVAL; /* a service stops itself with sys.exit() */
	s->stop_requested = true;
	return stop_and_wait(s, timeout_ms, not_running) ? 0 : -VTX_ETIMEDOUT;
}

/* ---- hot swap -------------------------------------------------------------- */

int vtx_svc_swap_prepare(int id, const char *source, size_t len, char *why, size_t whycap)
{
	u8 base_marker;

	if (id < 0 || id >= VTX_SVC_MAX || !running(&svcs[id])) {
		fmt_buf(why, whycap, "no running service %d", id);
		return -VTX_ESTATE;
	}
	struct svc *s = &svcs[id];
	if (s->swap != SWAP_NONE) {
		fmt_buf(why, whycap, "a swap of %s is already under way", s->info.spec.name);
		return -VTX_ESTATE;
	}
	struct vtx_interp *in = vtx_interp_new((size_t)s->info.spec.heap_kib * 1024u, &base_marker,
					       why, whycap);
	if (!in)
		return -VTX_ENOMEM;
	int r = qv_exec(in->ctx, source, len, s->info.spec.name, QV_MODE_FILE);
	if (r != QV_OK) {
		fmt_buf(why, whycap, "%s", in->last_error[0] ? in->last_error :
			r == QV_EXIT ? "SystemExit while starting" : "error while starting");
		vtx_interp_free(in);
		return -VTX_ECODE;
	}
	u64 f = irq_off();
	if (s->swap != SWAP_NONE || !running(s)) {
		irq_restore(f);
		vtx_interp_free(in);
		fmt_buf(why, whycap, "service %s changed meanwhile", s->info.spec.name);
		return -VTX_ESTATE;
	}
	s->next = in;
	s->swap = SWAP_PREPARED;
	irq_restore(f);
	return 0;
}

static bool swap_settled(const struct svc *s)
{
	return s->swap != SWAP_COMMIT;
}

int vtx_svc_swap_commit(int id, char *why, size_t whycap)
{
	if (id < 0 || id >= VTX_SVC_MAX || svcs[id].swap != SWAP_PREPARED) {
		fmt_buf(why, whycap, "no swap prepared for service %d", id);
		return -VTX_ESTATE;
	}
	struct svc *s = &svcs[id];
	if (!running(s)) {
		vtx_svc_swap_abort(id);
		fmt_buf(why, whycap, "service %s is not running any more", s->info.spec.name);
		return -VTX_ESTATE;
	}
	s->swap = SWAP_COMMIT;
	if (!stop_and_wait(s, 5000, swap_settled)) {
		fmt_buf(why, whycap, "service %s did not reach a safe point in 5 s; still trying",
			s->info.spec.name);
		return -VTX_ETIMEDOUT;
	}
	u64 f = irq_off();
	u8 phase = s->swap;
	if (phase == SWAP_DONE || phase == SWAP_FAILED)
		s->swap = SWAP_NONE;
	irq_restore(f);
	if (phase != SWAP_DONE) {
		/* failed, or the service was started again meanwhile */
		fmt_buf(why, whycap, "%s", phase == SWAP_FAILED ? s->swap_why :
			"the service was restarted during the swap");
		return -VTX_ESTATE;
	}
	return 0;
}

void vtx_svc_swap_abort(int id)
{
	if (id < 0 || id >= VTX_SVC_MAX)
		return;
	struct svc *s = &svcs[id];
	u64 f = irq_off();
	struct vtx_interp *in = s->swap == SWAP_PREPARED ? s->next : NULL;
	if (s->swap == SWAP_PREPARED) {
		s->next = NULL;
		s->swap = SWAP_NONE;
	}
	irq_restore(f);
	vtx_interp_free(in);
}

/* ---- at boot ----------------------------------------------------------------- */

void vtx_svc_spec_from(struct vtx_svc_spec *sp, const struct vtx_bundle_service *b)
{
	memset(sp, 0, sizeof(*sp));
	copy_str(sp->name, sizeof(sp->name), b->name);
	copy_str(sp->module, sizeof(sp->module), b->module);
	copy_str(sp->alternate, sizeof(sp->alternate), b->alternate);
	sp->budget_us = b->budget_us;
	sp->period_us = b->period_us;
	sp->heap_kib = b->heap_kib;
	sp->restart = b->restart;
	sp->restart_limit = b->restart_limit;
	sp->backoff_ms = b->backoff_ms;
}

/* The supervisor's recovery note for this boot, "<service>=<module>"
 * (kboot_recovery_note; the monitor checked its form): split into its two
 * names, or false when there is none. */
static bool recovery_note(char *svc, size_t scap, char *mod, size_t mcap)
{
	const char *n = kboot_recovery_note(), *eq = n;

	while (*eq && *eq != '=')
		eq++;
	if (!*n || !*eq)
		return false;
	size_t k = (size_t)(eq - n);
	copy_str(mod, mcap, eq + 1);
	if (k >= scap)
		k = 0; /* longer than any service's name: "" matches none */
	memcpy(svc, n, k);
	svc[k] = 0;
	return true;
}

/* A RESTART_SERVICE note naming declared service b: b starts with the
 * note's module instead of its own, when that module is in the bundle
 * (its alternate then empty: the replacement already is the fallback).
 * Otherwise the kernel log says why, and b starts as declared. */
static void apply_note(struct vtx_svc_spec *sp, const char *module)
{
	size_t len;
	bool bc;

	if (strnlen(module, sizeof(sp->module)) >= sizeof(sp->module) ||
	    !vtx_bundle_module(module, &len, &bc)) {
		kprintf("service %s: recovery note names module %s, not in the bundle: starts %s "
			"as declared", sp->name, module, sp->module);
		return;
	}
	copy_str(sp->module, sizeof(sp->module), module);
	sp->alternate[0] = 0;
	kprintf("service %s starts %s (recovery note)", sp->name, sp->module);
}

void vtx_services_boot(void)
{
	struct vtx_bundle_service b;
	struct vtx_svc_spec sp;
	char why[160], note_svc[sizeof(sp.name)], note_mod[QV_RECOVERY_NOTE_MAX + 1];
	size_t len;
	bool bc, noted = recovery_note(note_svc, sizeof(note_svc), note_mod, sizeof(note_mod));
	bool note_used = false;

	devices_on_notice(wake_waiters);
	for (u32 i = 0; vtx_bundle_service(i, &b); i++) {
		if (!(b.flags & VTX_BUNDLE_SVC_AT_BOOT))
			continue;
		/* A device-bound service runs where its device is now; a standby
		 * copy waits for the supervisor to see the device arrive. */
		if (b.device >= 0 && !devices_owns((u32)b.device)) {
			char dev[QV_NAME_LEN + 1];
			devices_name((u32)b.device, dev);
			if (dev[0])
				kprintf("service %s not started: device %s is not in this sandbox",
					b.name, dev);
			else
				kprintf("service %s not started: device %d is not in this sandbox",
					b.name, b.device);
			continue;
		}
		vtx_svc_spec_from(&sp, &b);
		if (noted && str_eq(sp.name, note_svc)) {
			apply_note(&sp, note_mod);
			note_used = true;
		}
		if (vtx_svc_start(&sp, NULL, 0, why, sizeof(why)) < 0)
			kprintf("service %s not started: %s", sp.name, why);
	}
	if (noted && !note_used)
		kprintf("recovery note %s: no service %s starts at boot here; services start as "
			"declared", kboot_recovery_note(), note_svc);
	/* The supervisor consumes the exit events and restarts by policy. */
	if (vtx_bundle_module("quest.supervisor", &len, &bc)) {
		memset(&sp, 0, sizeof(sp));
		copy_str(sp.name, sizeof(sp.name), "supervisor");
		copy_str(sp.module, sizeof(sp.module), "quest.supervisor");
		sp.budget_us = 1000;
		sp.period_us = 50000;
		sp.heap_kib = 192;
		if (vtx_svc_start(&sp, NULL, 0, why, sizeof(why)) < 0)
			kprintf("service supervisor not started: %s", why);
	}
}
