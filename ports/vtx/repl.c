/* The sandbox's REPL (docs/port.md, "REPL"): the portable REPL of
 * ports/repl on the console byte stream, in an interpreter of its own, on
 * a thread on a low-priority VCPU (a long period: it runs in background
 * beyond its budget, so a busy REPL never takes time a service was
 * promised). A soft reset makes a new interpreter; services keep running. */
#include "vtx.h"
#include "mem.h"
#include "repl.h"

#define REPL_BUDGET_NS 5000000u
#define REPL_PERIOD_NS 100000000u
#define REPL_HEAP_KIB_DEFAULT 256u

struct vtx_repl {
	struct qv_repl *r;
	struct vtx_interp *in;
	size_t heap_bytes;
	void *stack_base;
	char banner[96];
};

static struct vtx_repl repl;

static int io_getc(void *user, uint64_t timeout_us)
{
	(void)user;
	int c = console_getc(timeout_us == UINT64_MAX ? QVS_NEVER : timeout_us * 1000u);

	return c < 0 ? -1 : c;
}

static void io_write(void *user, const char *s, size_t n)
{
	(void)user;
	console_write(s, n);
}

static void hook_write(void *user, int stream, const char *s, size_t n)
{
	(void)user;
	qv_repl_port_write(repl.r, stream, s, n);
}

static long hook_read_line(void *user, char *buf, size_t cap)
{
	(void)user;
	return qv_repl_port_read_line(repl.r, buf, cap);
}

static bool hook_poll_interrupt(void *user)
{
	(void)user;
	return qv_repl_port_poll_interrupt(repl.r);
}

static qv_ctx *env_new(void *user, struct qv_repl *r)
{
	char why[160];

	(void)user;
	(void)r;
	repl.in = vtx_interp_new(repl.heap_bytes, repl.stack_base, why, sizeof(why));
	if (!repl.in) {
		kprintf("REPL: %s", why);
		return NULL;
	}
	repl.in->write = hook_write;
	repl.in->read_line = hook_read_line;
	repl.in->poll_interrupt = hook_poll_interrupt;
	repl.in->owner = &repl;
	return repl.in->ctx;
}

static void env_free(void *user, qv_ctx *c)
{
	(void)user;
	if (repl.in && repl.in->ctx == c) {
		vtx_interp_free(repl.in);
		repl.in = NULL;
	}
}

static void repl_thread(void *arg)
{
	u8 base_marker;
	qv_repl_io io = { io_getc, io_write, NULL };
	qv_repl_env env = { env_new, env_free, repl.banner, NULL };

	(void)arg;
	repl.stack_base = &base_marker;
	console_stream_input();
	qv_repl_init(repl.r, &io, &env);
	qv_repl_run(repl.r);
	kprintf("REPL: input closed");
}

void vtx_repl_start(void)
{
	u32 kib = vtx_bundle_repl_heap_kib() ? vtx_bundle_repl_heap_kib() : REPL_HEAP_KIB_DEFAULT;

	repl.heap_bytes = (size_t)kib * 1024u;
	fmt_buf(repl.banner, sizeof(repl.banner), "questv Python on %s (sandbox %u)", kboot.name,
		kboot.sandbox_id);
	repl.r = kmem_alloc(qv_repl_size(), 64);
	if (!repl.r) {
		kprintf("REPL: no memory for its buffers; no REPL on this console");
		return;
	}
	struct qvs_vcpu *v = kvcpu_add(REPL_BUDGET_NS, REPL_PERIOD_NS);
	if (!v || !kthread_spawn_stack(v, "repl", repl_thread, NULL, VTX_STACK_BYTES, true)) {
		if (v)
			kvcpu_remove(v);
		kmem_free(repl.r);
		repl.r = NULL;
		kprintf("REPL: not started; no REPL on this console");
	}
}
