/* A Python REPL speaking MicroPython's console protocol, so that the real
 * `mpremote` drives it unchanged: friendly mode (>>> prompts, line editing,
 * paste mode), raw mode and raw-paste mode (docs/repl.md has the bytes).
 *
 * Portable: no kernel, no libc. The caller provides the byte stream (io),
 * the interpreters (env) and the storage (qv_repl_size bytes, any
 * alignment of 16). The interpreter the REPL runs code in must route its
 * port's write, read_line and poll_interrupt hooks to the qv_repl_port_*
 * functions below, so that output is framed and Ctrl-C is seen. */
#ifndef QV_REPL_H
#define QV_REPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qv.h"

struct qv_repl;

typedef struct qv_repl_io {
	/* Next input byte within timeout_us (0 = poll, UINT64_MAX = forever):
	 * 0..255, -1 timed out, -2 input closed. */
	int (*getc)(void *user, uint64_t timeout_us);
	void (*write)(void *user, const char *s, size_t n);
	void *user;
} qv_repl_io;

typedef struct qv_repl_env {
	/* A fresh interpreter for the REPL (at start and at every soft reset);
	 * its port must route write/read_line/poll_interrupt through the
	 * qv_repl_port_* functions below. NULL if none can be made (the REPL
	 * then says so and retries at the next soft reset). */
	qv_ctx *(*new_interp)(void *user, struct qv_repl *r);
	void (*free_interp)(void *user, qv_ctx *c);
	const char *banner; /* e.g. "questv Python 0.1 on sb1 (sandbox 1)" */
	void *user;
} qv_repl_env;

/* Largest program the raw REPL, raw-paste and paste mode accept (bytes);
 * a longer one is refused with an error and the REPL carries on. */
#ifndef QV_REPL_SRC_MAX
#define QV_REPL_SRC_MAX (64u * 1024u)
#endif

size_t qv_repl_size(void);
void qv_repl_init(struct qv_repl *r, const qv_repl_io *io, const qv_repl_env *env);
/* Runs the REPL until input closes. */
void qv_repl_run(struct qv_repl *r);
/* The interpreter currently attached (NULL between soft resets). */
qv_ctx *qv_repl_ctx(struct qv_repl *r);

/* To be called from the REPL interpreter's port hooks: */
void qv_repl_port_write(struct qv_repl *r, int stream, const char *s, size_t n);
long qv_repl_port_read_line(struct qv_repl *r, char *buf, size_t cap);
/* Peeks at input: a 0x03 means interrupt; other bytes are queued for later. */
bool qv_repl_port_poll_interrupt(struct qv_repl *r);

#endif
