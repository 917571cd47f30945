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

/* The file system a port offers to open() and the os module. */
typedef struct qv_fs_stat { uint32_t mode; uint64_t size; uint64_t mtime; } qv_fs_stat;
/* mode: 0x4000 directory or 0x8000 regular file, ORed with permission bits;
 * mtime in seconds since 1970. */
enum { QV_FS_READ = 1, QV_FS_WRITE = 2, QV_FS_CREATE = 4, QV_FS_TRUNC = 8, QV_FS_APPEND = 16 };
typedef struct qv_fs {
	/* Each returns >= 0 on success or a negative errno (2 ENOENT, 9 EBADF,
	 * 12 ENOMEM, 13 EACCES, 17 EEXIST, 20 ENOTDIR, 21 EISDIR, 22 EINVAL,
	 * 28 ENOSPC, 39 ENOTEMPTY). Paths are UTF-8 and NUL-terminated;
	 * relative paths are relative to the current directory the port keeps
	 * (chdir/getcwd). open() with QV_FS_CREATE but without QV_FS_TRUNC on
	 * an existing file keeps its contents; the runtime asks for "x" mode by
	 * calling stat first. */
	int  (*open)(void *user, const char *path, int flags, void **handle);
	long (*read)(void *user, void *h, void *buf, size_t n);      /* bytes read, 0 at end */
	long (*write)(void *user, void *h, const void *buf, size_t n); /* bytes written */
	long (*seek)(void *user, void *h, long off, int whence);     /* new offset; whence 0/1/2 */
	int  (*close)(void *user, void *h);
	int  (*stat)(void *user, const char *path, qv_fs_stat *st);
	/* index-th entry of a directory (no "." or ".."): 1 and name filled,
	 * 0 past the end */
	int  (*listdir)(void *user, const char *path, size_t index, char *name, size_t cap);
	int  (*remove)(void *user, const char *path);
	int  (*rename)(void *user, const char *from, const char *to);
	int  (*mkdir)(void *user, const char *path);
	int  (*rmdir)(void *user, const char *path);
	int  (*chdir)(void *user, const char *path);
	int  (*getcwd)(void *user, char *buf, size_t cap);
	/* space: total and free bytes, for os.statvfs; may be NULL */
	int  (*statvfs)(void *user, uint64_t *total, uint64_t *free);
} qv_fs;

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
	/* Native modules the port defines (qv_ext.h), registered by qv_new;
	 * the tables must outlive the context. */
	const struct qv_ext_module *const *modules;
	size_t n_modules;
	/* Files for open() and os; NULL: they raise OSError(ENODEV). */
	const struct qv_fs *fs;
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
/* Moves the interpreter to another C stack: stack_base as in qv_new, for
 * the thread that runs it from now on. Call it on that thread, between runs. */
void qv_set_stack_base(qv_ctx *c, void *stack_base);

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
/* Asks the interpreter to stop at its next safe point: SystemExit (no
 * arguments) is raised there, so `finally` blocks run and the run ends with
 * QV_EXIT unless the program catches it. A plain store: safe from a signal
 * handler or from another core. Call again if the program swallowed it. */
void qv_request_stop(qv_ctx *c);
/* Drops a pending interrupt (a REPL that was at its prompt when Ctrl-C came). */
void qv_cancel_interrupt(qv_ctx *c);

typedef struct qv_heap_stats {
	size_t total, used, peak, collections;
	uint64_t last_pause_us, max_pause_us;
} qv_heap_stats;
void qv_heap_info(qv_ctx *c, qv_heap_stats *st);

#endif
