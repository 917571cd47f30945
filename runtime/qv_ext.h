/* Extending the runtime from the port: native modules written in C, values
 * handed across, exceptions raised and caught, callbacks kept alive, and
 * running, stopping and handing state between interpreters.
 *
 * Rules for port functions:
 *  - a qv_val is an opaque handle to a Python value in one context's heap;
 *    values passed to a port function are borrowed for the call;
 *  - every function here that allocates may run the collector; values held
 *    in the port function's locals, its arguments and its results stay
 *    alive (the collector scans the C stack conservatively), but a value
 *    kept past the return of the port call (a callback, a cached object)
 *    must be held in a root (qv_root_add);
 *  - a failing function here (NULL or false) has set the context's pending
 *    exception; a port function that sees it should return NULL, which
 *    raises that exception in the Python caller. Returning a value instead
 *    drops the pending exception (it was handled). Returning NULL with no
 *    pending exception raises SystemError;
 *  - MemoryError is an ordinary pending exception: when the heap is full,
 *    qv_int, qv_str, ... return NULL;
 *  - every function taking a qv_val accepts NULL (the result of a failed
 *    constructor) and fails in turn, keeping the pending exception, so
 *    calls may be nested: qv_dict_set(c, d, "n", qv_int(c, n));
 *  - none of these functions may be called from another thread or core
 *    except qv_interrupt and qv_request_stop (qv.h).
 *
 * Deviation from the first draft of this API: the file system is declared
 * in qv.h (struct qv_fs), as are qv_request_stop and the port fields. */
#ifndef QV_EXT_H
#define QV_EXT_H

#include "qv.h"

typedef struct qv_val_s *qv_val; /* opaque handle to a Python value */

/* A port function: args are borrowed; return a new value, or NULL after
 * raising (qv_raise*). `user` is the port's user pointer given to qv_new. */
typedef qv_val (*qv_ext_fn)(qv_ctx *c, void *user, size_t argc, qv_val *argv);
typedef struct qv_ext_func { const char *name; qv_ext_fn fn; uint8_t min_args, max_args; } qv_ext_func;
typedef struct qv_ext_const { const char *name; int64_t value; } qv_ext_const;
typedef struct qv_ext_module {
	const char *name; /* e.g. "_quest"; a dotted name needs its parent importable */
	const qv_ext_func *funcs;
	size_t n_funcs;
	const qv_ext_const *consts;
	size_t n_consts;
} qv_ext_module;

/* Most modules one context can have registered (port ones included). */
#define QV_MAX_EXT_MODULES 16
/* Makes the module importable in this interpreter (call after qv_new, before
 * running code; the tables must outlive the context: use static const).
 * false if the table is full or the name is invalid. A port module shadows a
 * built-in module of the same name. Keyword arguments to port functions
 * raise TypeError, as do positional counts outside min_args..max_args. */
bool qv_add_module(qv_ctx *c, const qv_ext_module *m);

/* Making values; NULL (pending MemoryError) when the heap is full. */
qv_val qv_none(qv_ctx *c);
qv_val qv_bool(qv_ctx *c, bool b);
qv_val qv_int(qv_ctx *c, int64_t v);
qv_val qv_float(qv_ctx *c, double v);
qv_val qv_str(qv_ctx *c, const char *s, size_t n); /* UTF-8; invalid -> UnicodeError, NULL */
qv_val qv_bytes(qv_ctx *c, const void *p, size_t n);
qv_val qv_tuple(qv_ctx *c, size_t n, qv_val *items);
qv_val qv_list(qv_ctx *c);
bool qv_list_append(qv_ctx *c, qv_val list, qv_val item);  /* TypeError if not a list */
qv_val qv_dict(qv_ctx *c);
bool qv_dict_set(qv_ctx *c, qv_val d, const char *key, qv_val v); /* key: NUL-terminated UTF-8 */
bool qv_is_none(qv_val v);

/* Conversions: false after raising TypeError/OverflowError. */
bool qv_get_int(qv_ctx *c, qv_val v, int64_t *out);           /* int or bool */
bool qv_get_float(qv_ctx *c, qv_val v, double *out);          /* int or float */
/* str: *s points at its UTF-8 bytes (not NUL-terminated), *n counts bytes;
 * valid while v lives. */
bool qv_get_str(qv_ctx *c, qv_val v, const char **s, size_t *n);
/* bytes/bytearray/memoryview: valid while v lives and is not resized. */
bool qv_get_buffer(qv_ctx *c, qv_val v, const void **p, size_t *n);
bool qv_truth(qv_ctx *c, qv_val v, bool *out); /* may run __bool__/__len__ */

/* Raising: type is a built-in exception name ("ValueError", "OSError",
 * "MemoryError", "TimeoutError", ...; an unknown name gives SystemError);
 * msg may be NULL (no arguments). Always returns NULL. */
qv_val qv_raise(qv_ctx *c, const char *type, const char *msg);
/* OSError(err, "ENOENT") as MicroPython: printed "OSError: [Errno 2] ENOENT";
 * err is positive. Always returns NULL. */
qv_val qv_raise_errno(qv_ctx *c, int err);
/* Is an exception pending (set by a failed call above)? */
bool qv_exc_pending(qv_ctx *c);
/* Drops the pending exception, first writing its traceback to QV_ERR if
 * print is set (for callbacks the port runs outside any port function).
 * Returns whether one was pending. */
bool qv_exc_clear(qv_ctx *c, bool print);

/* Calling Python from C: NULL when it raised (the exception stays pending
 * and propagates when the port function returns NULL). May be called
 * outside qv_exec too (a callback from the port's main loop); then check
 * qv_exc_clear afterwards. A SystemExit or KeyboardInterrupt is pending like
 * any other exception. */
qv_val qv_call(qv_ctx *c, qv_val fn, size_t argc, qv_val *argv);

/* Values that must outlive one port call (callbacks): up to QV_MAX_ROOTS
 * per context, scanned by the collector. */
#define QV_MAX_ROOTS 32
int qv_root_add(qv_ctx *c, qv_val v);    /* slot >= 0, or -1 full */
qv_val qv_root_get(qv_ctx *c, int slot); /* NULL for a free or bad slot */
void qv_root_drop(qv_ctx *c, int slot);

/* ------------------------------------------------------------ running */
/* Imports module `name` through the finder as __main__ (like python -m):
 * QV_OK / QV_EXC (traceback written to QV_ERR) / QV_EXIT. Its globals
 * become those of __main__, so qv_call_global finds its functions. */
int qv_run_module(qv_ctx *c, const char *name);
/* Calls a global function of module __main__ ("func") or of an imported
 * module ("mod.func", imported if needed) with no arguments:
 * QV_OK/QV_EXC/QV_EXIT, result dropped. */
int qv_call_global(qv_ctx *c, const char *dotted_name);

/* Serializes a value of simple types (None/bool/int/float/str/bytes/
 * bytearray/list/tuple/dict with str keys, nested up to 64 deep) to bytes
 * and back, for handing state from one interpreter to another (hot swap).
 * The format is in docs/runtime.md. qv_marshal_out: QV_OK, or QV_EXC with
 * ValueError pending (unsupported type, or more than cap bytes; *len then
 * holds the bytes needed when only the size was the problem, else 0).
 * qv_marshal_in: the value, or NULL with ValueError pending (bad data). */
int qv_marshal_out(qv_ctx *c, qv_val v, uint8_t *buf, size_t cap, size_t *len);
qv_val qv_marshal_in(qv_ctx *c, const uint8_t *buf, size_t len);

/* Closes every file the program opened and did not close (the runtime has
 * no finalizers): call before dropping a context whose port file system
 * outlives it, so the port's handles are not leaked. Returns how many were
 * closed; the program's file objects then read as closed. */
int qv_close_files(qv_ctx *c);

/* Looks up a global of module __main__ by name (NULL, nothing pending, if
 * absent): for handing state out after a run. */
qv_val qv_get_global(qv_ctx *c, const char *name);
/* Sets a global of module __main__. */
bool qv_set_global(qv_ctx *c, const char *name, qv_val v);

#endif
