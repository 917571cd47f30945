/* The runtime's port on the sandbox kernel (docs/port.md, "The port"). */
#include "vtx.h"
#include "irq.h"
#include "mem.h"
#include "qv_ext.h"
#include "ramfs.h"

#define FS_KIB_DEFAULT 256u

/* The quest-module engineer's `_quest` (ports/vtx/modquest.c). */
extern const qv_ext_module vtx_mod_quest;

static struct ramfs *sandbox_fs;
static u64 fs_irq;
static u32 fs_depth;

struct ramfs *vtx_fs(void)
{
	return sandbox_fs;
}

/* The RAM fs is shared by every interpreter of the sandbox (one core):
 * interrupts off around each operation make it atomic. The hooks take no
 * saved state, so the outermost lock keeps irq_off's flags for the matching
 * unlock. */
static void fs_lock(void *user)
{
	u64 f = irq_off();

	(void)user;
	if (!fs_depth++)
		fs_irq = f;
}

static void fs_unlock(void *user)
{
	(void)user;
	if (--fs_depth == 0)
		irq_restore(fs_irq);
}

static uint64_t fs_clock(void *user)
{
	(void)user;
	return clock_ns() / 1000u;
}

static void fs_setup(void)
{
	u32 kib = vtx_bundle_fs_kib() ? vtx_bundle_fs_kib() : FS_KIB_DEFAULT;
	void *mem = kmem_alloc((size_t)kib * 1024u, 4096);

	if (!mem) {
		kprintf("python: no memory for a %u KiB RAM file system; running without one", kib);
		return;
	}
	sandbox_fs = ramfs_init(mem, (size_t)kib * 1024u);
	if (!sandbox_fs) {
		kmem_free(mem);
		kprintf("python: a %u KiB RAM file system is too small; running without one", kib);
		return;
	}
	ramfs_set_lock(sandbox_fs, fs_lock, fs_unlock, NULL);
	ramfs_set_clock(sandbox_fs, fs_clock, NULL);
}

/* ---- the hooks ---------------------------------------------------------- */

static void port_write(void *user, int stream, const char *s, size_t n)
{
	struct vtx_interp *in = user;

	if (in->write) {
		in->write(user, stream, s, n);
	} else {
		/* A service: its lines go to the sandbox's log, never into the
		 * console byte stream the REPL (and mpremote) own. */
		for (size_t i = 0; i < n; i++) {
			bool nl = s[i] == '\n';
			if (!nl)
				in->out_line[in->out_len++] = s[i];
			if (nl || in->out_len == sizeof(in->out_line)) {
				console_log(in->out_line, in->out_len);
				in->out_len = 0;
			}
		}
	}
	if (stream != QV_ERR)
		return;
	/* Keep the last complete line of error output: a service's last_error. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (in->err_len) {
				memcpy(in->last_error, in->err_line, in->err_len);
				in->last_error[in->err_len] = 0;
			}
			in->err_len = 0;
		} else if (in->err_len < sizeof(in->err_line) - 1) {
			in->err_line[in->err_len++] = s[i];
		}
	}
}

static long port_read_line(void *user, char *buf, size_t cap)
{
	struct vtx_interp *in = user;

	return in->read_line ? in->read_line(user, buf, cap) : -1;
}

static uint64_t port_ticks_us(void *user)
{
	(void)user;
	return clock_ns() / 1000u;
}

static bool port_poll_interrupt(void *user)
{
	struct vtx_interp *in = user;

	return in->poll_interrupt ? in->poll_interrupt(user) : false;
}

static const char *port_find_module(void *user, const char *name, size_t *len,
				    bool *is_bytecode, const char **origin)
{
	struct vtx_interp *in = user;
	const char *p = NULL;

	if (sandbox_fs)
		p = ramfs_find_module(sandbox_fs, name, len, is_bytecode, in->origin,
				      sizeof(in->origin));
	if (p) {
		*origin = in->origin;
		return p;
	}
	p = vtx_bundle_module(name, len, is_bytecode);
	if (p) {
		fmt_buf(in->origin, sizeof(in->origin), "<bundle %s>", name);
		*origin = in->origin;
	}
	return p;
}

static const qv_ext_module *const modules[] = { &vtx_mod_quest };

struct vtx_interp *vtx_interp_new(size_t heap_bytes, void *stack_base, char *why, size_t cap)
{
	struct vtx_interp *in = kmem_alloc(sizeof(*in), 64);

	if (!in) {
		fmt_buf(why, cap, "no memory for an interpreter");
		return NULL;
	}
	memset(in, 0, sizeof(*in));
	if (heap_bytes < QV_MIN_MEMORY)
		heap_bytes = QV_MIN_MEMORY;
	in->mem = kmem_alloc(heap_bytes, 64);
	if (!in->mem) {
		struct kmem_stats st;
		kmem_info(&st);
		fmt_buf(why, cap, "no memory for a %lu KiB heap (largest free block %lu KiB)",
			(u64)heap_bytes / 1024u, st.largest / 1024u);
		kmem_free(in);
		return NULL;
	}
	in->mem_size = heap_bytes;
	in->fs = sandbox_fs;
	in->port.write = port_write;
	in->port.read_line = port_read_line;
	in->port.ticks_us = port_ticks_us;
	in->port.poll_interrupt = port_poll_interrupt;
	in->port.find_module = port_find_module;
	in->port.modules = modules;
	in->port.n_modules = sizeof(modules) / sizeof(modules[0]);
	in->port.fs = sandbox_fs ? ramfs_ops() : NULL;
	in->ctx = qv_new(in->mem, heap_bytes, &in->port, in, stack_base);
	if (!in->ctx) {
		fmt_buf(why, cap, "the runtime refused a %lu KiB heap", (u64)heap_bytes / 1024u);
		kmem_free(in->mem);
		kmem_free(in);
		return NULL;
	}
	qv_set_stack_limit(in->ctx, vtx_stack_below(stack_base));
	return in;
}

void vtx_interp_free(struct vtx_interp *in)
{
	if (!in)
		return;
	if (in->out_len)
		console_log(in->out_line, in->out_len);
	/* the sandbox's RAM fs outlives the interpreter: its handles must not
	 * leak (a service that failed with a file open, a soft reset) */
	qv_close_files(in->ctx);
	kmem_free(in->mem);
	kmem_free(in);
}

/* The running thread's stack below `base`, less a margin for the kernel
 * and the port: what an interpreter whose stack starts there may use. */
size_t vtx_stack_below(const void *base)
{
	const struct kthread *t = kthread_self();
	uintptr_t lo = (uintptr_t)t->stack, b = (uintptr_t)base;
	size_t room = b > lo && b <= lo + t->stack_size ? b - lo : t->stack_size / 2;

	return room > 2 * VTX_STACK_MARGIN ? room - VTX_STACK_MARGIN : room / 2;
}

void port_start(void)
{
	vtx_start();
}

void vtx_start(void)
{
	char why[160];

	/* A test build runs Python only where the bundle declares services
	 * (below). Elsewhere the check of ~60 KB (its CRC-32, qv_crc32's
	 * nibble loop: 14 instructions a byte, each a TSC tick under Bochs)
	 * would only hold up the kernel's own threads,
	 * the test scripts among them, for nothing: the unchecked header's
	 * count is enough to know (a damaged header is checked and refused). */
	if ((kboot.flags & QV_BI_F_TEST_BUILD) && vtx_bundle_declared_services() == 0)
		return;
	if (kboot.bundle_size) {
		if (vtx_bundle_load(why, sizeof(why)))
			kprintf("bundle: %s", why);
		else
			kprintf("bundle refused: %s", why);
	}
	/* The board tests' boots (questv build --test) keep the line console
	 * their checks read ("console input: ..."): Python stays out of a test
	 * build's sandbox unless its bundle declares services, which is how a
	 * test system asks for Python (tests/system/system-python.toml, whose
	 * tests need quest._inject, compiled only into the test kernel). */
	if ((kboot.flags & QV_BI_F_TEST_BUILD) && (!vtx_bundle_ok() || !vtx_bundle_n_services()))
		return;
	fs_setup();
	vtx_services_boot();
	vtx_repl_start();
}
