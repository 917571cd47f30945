/* The embedder's view of the questv Python runtime.
 *
 * An interpreter is a context carved out of one memory block the embedder
 * hands over: the context header sits at its start and the rest is that
 * interpreter's garbage-collected heap. Everything the runtime needs from
 * the outside world goes through the port below, so the runtime itself is
 * freestanding and keeps no global mutable state: several contexts can live
 * side by side in one process. */
#ifndef QV_H
#define QV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct qv_ctx qv_ctx;

enum { QV_OUT = 1, QV_ERR = 2 };

typedef struct qv_port {
	/* Console output; stream is QV_OUT or QV_ERR. */
	void (*write)(void *user, int stream, const char *s, size_t n);
	/* One line of console input without its newline into buf; returns its
	 * length, or -1 at end of input. May be NULL (input() then sees EOF). */
	long (*read_line)(void *user, char *buf, size_t cap);
	/* Monotonic time in microseconds. */
	uint64_t (*ticks_us)(void *user);
	/* Wall-clock time in microseconds since 1970 for time.time(); may be
	 * NULL (time.time() then counts from start-up). */
	uint64_t (*wall_us)(void *user);
	/* Polled at safe points; returns true when the user asked to interrupt.
	 * May be NULL: qv_interrupt() is the other way in. */
	bool (*poll_interrupt)(void *user);
	/* Finds an uploaded or frozen module by dotted name. Returns its text
	 * (source, or bytecode when *is_bytecode is set) and length, or NULL.
	 * *origin receives a file name for tracebacks. May be NULL. */
	const char *(*find_module)(void *user, const char *name, size_t *len,
				   bool *is_bytecode, const char **origin);
} qv_port;

/* Smallest block qv_new accepts. */
#define QV_MIN_MEMORY (32u * 1024u)

/* Creates an interpreter inside mem[0..size). Returns NULL if the block is
 * too small or misaligned. stack_base is an address near the top of the C
 * stack the interpreter will run on (the collector scans from there). */
qv_ctx *qv_new(void *mem, size_t size, const qv_port *port, void *user,
	       void *stack_base);

/* Sets sys.argv and adds a directory to sys.path. */
void qv_set_argv(qv_ctx *c, int argc, const char *const *argv);
void qv_add_path(qv_ctx *c, const char *dir);
/* Maximum depth of Python calls before RecursionError. */
void qv_set_recursion_limit(qv_ctx *c, int limit);
/* Bytes of C stack below stack_base the interpreter may use before it
 * raises RecursionError; 0 (the default) checks only the call depth. */
void qv_set_stack_limit(qv_ctx *c, size_t bytes);

/* Run modes. */
enum { QV_MODE_FILE = 0, QV_MODE_SINGLE = 1 };

/* Outcome of running code: QV_OK, QV_EXC (an uncaught exception whose
 * traceback was written to QV_ERR), QV_EXIT (sys.exit; qv_exit_code tells
 * the status) or QV_INCOMPLETE (single mode only: the input ended inside a
 * statement, read another line). */
enum { QV_OK = 0, QV_EXC = 1, QV_EXIT = 2, QV_INCOMPLETE = 3 };

int qv_exec(qv_ctx *c, const char *src, size_t len, const char *filename, int mode);
int qv_exec_bytecode(qv_ctx *c, const uint8_t *data, size_t len, const char *filename);
int qv_exit_code(qv_ctx *c);

/* Compiles src to the serialized bytecode format (docs/bytecode.md). On
 * success *out points into the context's heap and stays valid until the next
 * call into the context. On failure returns QV_EXC with the error in msg. */
int qv_compile_bytecode(qv_ctx *c, const char *src, size_t len, const char *filename,
			const uint8_t **out, size_t *outlen, char *msg, size_t msgcap);
/* Compiles (or loads) without running; on error writes one line to msg. */
int qv_check_source(qv_ctx *c, const char *src, size_t len, const char *filename,
		    char *msg, size_t msgcap);
int qv_check_bytecode(qv_ctx *c, const uint8_t *data, size_t len, char *msg, size_t msgcap);

/* Asks for a KeyboardInterrupt at the next safe point; safe in a signal
 * handler. */
void qv_interrupt(qv_ctx *c);
/* Drops a pending interrupt (a REPL that was at its prompt when Ctrl-C came). */
void qv_cancel_interrupt(qv_ctx *c);

typedef struct qv_heap_stats {
	size_t total, used, peak, collections;
	uint64_t last_pause_us, max_pause_us;
} qv_heap_stats;
void qv_heap_info(qv_ctx *c, qv_heap_stats *st);

#endif
