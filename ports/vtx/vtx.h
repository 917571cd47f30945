/* The runtime on the sandbox kernel (docs/port.md): interpreters with
 * their heap from kmem, the console stream, the sandbox's RAM file system
 * and the bundle's modules. Only ports/vtx sees both the kernel and the
 * runtime. */
#ifndef QUESTV_VTX_H
#define QUESTV_VTX_H

#include "kernel.h"
#include "thread.h"
#include "qv.h"

struct ramfs;

/* One interpreter and everything its port hooks need. */
struct vtx_interp {
	struct ramfs *fs;        /* first: the RAM fs's user-pointer rule (ramfs.h) */
	qv_ctx *ctx;
	void *mem;               /* heap block from kmem */
	size_t mem_size;
	qv_port port;
	/* Port hooks that differ per kind of interpreter (the REPL's console
	 * input and interrupt check); NULL: the defaults. */
	void (*write)(void *user, int stream, const char *s, size_t n);
	long (*read_line)(void *user, char *buf, size_t cap);
	bool (*poll_interrupt)(void *user);
	void *owner;             /* the service or REPL this belongs to */
	/* A service's output, a line at a time into the sandbox's log: as
	 * long as the log takes (a recovery decision's line runs to ~170). */
	char out_line[QV_HC_CONSOLE_MAX - 1];
	u32 out_len;
	/* The last line written to QV_ERR (a traceback's last line). */
	char err_line[160];
	u32 err_len;
	char last_error[160];
	char origin[96];         /* find_module's file name, for tracebacks */
};

/* The Python thread stack: deep enough for the runtime's recursion limit. */
#define VTX_STACK_BYTES (256u * 1024u)
#define VTX_STACK_MARGIN (24u * 1024u) /* left for the kernel below the limit */

/* Creates an interpreter with a heap of heap_bytes from kmem, for the
 * calling thread (its stack is where stack_base points). NULL with why[]
 * filled when there is not enough memory. */
struct vtx_interp *vtx_interp_new(size_t heap_bytes, void *stack_base, char *why, size_t cap);
void vtx_interp_free(struct vtx_interp *in);
/* The calling thread's stack below base, less a margin: the C stack an
 * interpreter whose stack starts at base may use (qv_set_stack_limit). */
size_t vtx_stack_below(const void *base);

/* The sandbox's RAM fs (one for all its interpreters), or NULL. */
struct ramfs *vtx_fs(void);

/* ---- bundle.c ---- */
struct vtx_bundle_service {
	const char *name, *module, *alternate; /* alternate NULL: none */
	u32 budget_us, period_us, heap_kib, restart, restart_limit, backoff_ms, flags;
	int device;  /* VTX_BUNDLE_SVC_DEVICE: the manifest device it is bound to; else -1 */
};
#define VTX_BUNDLE_SVC_AT_BOOT 1u
#define VTX_BUNDLE_SVC_DEVICE 2u  /* runs only where its device is owned now */
/* Checks the bundle the monitor copied at kboot.bundle_gpa; false (with
 * the reason in why[]) if there is none or it is refused. */
bool vtx_bundle_load(char *why, size_t cap);
bool vtx_bundle_ok(void);
u32 vtx_bundle_repl_heap_kib(void);  /* 0: default */
u32 vtx_bundle_fs_kib(void);         /* 0: default */
u32 vtx_bundle_n_services(void);
/* The services count in the bundle's header before any check (UINT32_MAX
 * when there is no bundle header at all): enough to skip loading it. */
u32 vtx_bundle_declared_services(void);
bool vtx_bundle_service(u32 i, struct vtx_bundle_service *out);
/* A module of the bundle by dotted name. */
const char *vtx_bundle_module(const char *name, size_t *len, bool *is_bytecode);
/* Pure check of a bundle image (also what the host tests call). */
bool vtx_bundle_check(const u8 *b, size_t size, u32 sandbox_id, char *why, size_t cap);

/* ---- repl.c, service.c ---- */
void vtx_repl_start(void);
void vtx_services_boot(void);

/* ---- port.c ---- */
/* Called by kmain once the scheduler is up (kernel.h port_start). */
void vtx_start(void);

#endif
