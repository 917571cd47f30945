/* The embedding interface of qv.h. */
#include "rt.h"

qv_ctx *qv_new(void *mem, size_t size, const qv_port *port, void *user, void *stack_base)
{
	uintptr_t p = (uintptr_t)mem;
	if (!mem || size < QV_MIN_MEMORY || (p & 15))
		return NULL;
	qv_ctx *c = (qv_ctx *)mem;
	__builtin_memset(c, 0, sizeof *c);
	c->port = port;
	c->user = user;
	c->stack_base = (uintptr_t)stack_base;
	c->max_depth = 1000;
	gc_init(c, p + ((sizeof *c + 15) & ~(size_t)15), p + size);
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		return NULL;
	}
	/* MemoryError must be raisable without allocating */
	qv_exc *me = gc_alloc(c, sizeof(qv_exc), false);
	me->type = EXC(MemoryError);
	me->args = EMPTY_TUPLE;
	c->memerr = (qv_obj)me;
	c->modules = dict_new(c);
	c->sys_path = list_new(c, 0);
	c->sys_argv = list_new(c, 0);
	c->interned = dict_new(c);
	size_t fs = size / 16 < (512u << 10) ? size / 16 : (512u << 10);
	c->fs_base = c->fs_top = (uintptr_t)gc_alloc(c, fs, true);
	c->fs_end = c->fs_base + fs;
	qv_obj main = module_new(c, QS(__main__));
	c->main_dict = ((qv_module *)main)->dict;
	dict_set(c, c->main_dict, QS(__builtins__), QS(builtins));
	dict_set(c, c->main_dict, QS(__doc__), NONE);
	dict_set(c, c->modules, QS(__main__), main);
	qv_untry(c, &j);
	for (size_t i = 0; i < port->n_modules; i++)
		if (!qv_add_module(c, port->modules[i]))
			return NULL;
	return c;
}

void qv_set_recursion_limit(qv_ctx *c, int limit)
{
	c->max_depth = limit;
}

/* An interpreter made on one thread and run on another (a hot swap
 * prepares the new version on the caller's thread, then runs it on the
 * service's) must scan and bound the stack it runs on now. */
void qv_set_stack_base(qv_ctx *c, void *stack_base)
{
	c->stack_base = (uintptr_t)stack_base;
}

void qv_set_stack_limit(qv_ctx *c, size_t bytes)
{
	c->stack_limit = bytes;
}

void qv_interrupt(qv_ctx *c)
{
	c->interrupt = 1;
}

void qv_cancel_interrupt(qv_ctx *c)
{
	c->interrupt = 0;
	c->stop = 0;
}

void qv_request_stop(qv_ctx *c)
{
	/* stop first: the poll sees interrupt, then asks stop which it is */
	c->stop = 1;
	c->interrupt = 2;
}

int qv_exit_code(qv_ctx *c)
{
	return c->exit_code;
}

static void guarded(qv_ctx *c, void (*fn)(qv_ctx *, void *), void *arg, int *status, bool report)
{
	qv_jmp j;
	c->depth = 0;
	c->frame = NULL;
	c->fs_top = c->fs_base;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		c->frame = NULL;
		c->fs_top = c->fs_base;
		c->cur_exc = NULL;
		if (c->repr_stack)
			((qv_listobj *)c->repr_stack)->len = 0;
		qv_obj e = c->exc;
		c->exc = NULL;
		if (isinstance(e, EXC(SystemExit))) {
			qv_tupleobj *a = (qv_tupleobj *)((qv_exc *)e)->args;
			qv_obj code = a->len ? a->items[0] : NONE;
			if (code == NONE)
				c->exit_code = 0;
			else if (IS_INT(code))
				c->exit_code = (int)INT_VAL(code);
			else {
				if (report) {
					print_obj(c, code, true, QV_ERR);
					port_write(c, QV_ERR, "\n", 1);
				}
				c->exit_code = 1;
			}
			*status = QV_EXIT;
			return;
		}
		if (report)
			exc_print(c, e);
		*status = QV_EXC;
		c->exit_code = 1;
		return;
	}
	fn(c, arg);
	qv_untry(c, &j);
	*status = QV_OK;
}

struct exec_args {
	const char *src;
	size_t len;
	const char *filename;
	int mode;
	const uint8_t *bc;
	bool incomplete;
};

static void do_exec(qv_ctx *c, void *p)
{
	struct exec_args *a = p;
	qv_code *co = NULL;
	qv_obj fn = str_cstr(c, a->filename);
	if (a->mode == QV_MODE_SINGLE) {
		qv_jmp j;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			if (c->incomplete && isinstance(c->exc, EXC(SyntaxError))) {
				a->incomplete = true;
				return;
			}
			rt_raise(c, c->exc);
		}
		co = comp_compile(c, a->src, a->len, fn, a->mode);
		qv_untry(c, &j);
	} else
		co = comp_compile(c, a->src, a->len, fn, a->mode);
	dict_set(c, c->main_dict, QS(__file__), fn);
	vm_run_code(c, co, c->main_dict, c->main_dict);
}

int qv_exec(qv_ctx *c, const char *src, size_t len, const char *filename, int mode)
{
	struct exec_args a = {src, len, filename, mode, NULL, false};
	int st;
	guarded(c, do_exec, &a, &st, true);
	if (a.incomplete)
		return QV_INCOMPLETE;
	return st;
}

static void do_exec_bc(qv_ctx *c, void *p)
{
	struct exec_args *a = p;
	const char *err = NULL;
	qv_code *co = code_load(c, a->bc, a->len, &err);
	if (!co)
		qv_raisef(c, EXC(ValueError), "%s: %s", a->filename, err);
	vm_run_code(c, co, c->main_dict, c->main_dict);
}

int qv_exec_bytecode(qv_ctx *c, const uint8_t *data, size_t len, const char *filename)
{
	struct exec_args a = {NULL, len, filename, 0, data, false};
	int st;
	guarded(c, do_exec_bc, &a, &st, true);
	return st;
}

struct compile_args {
	const char *src;
	size_t len;
	const char *filename;
	qv_obj out;
	bool run_load;
	const uint8_t *bc;
};

static void do_compile(qv_ctx *c, void *p)
{
	struct compile_args *a = p;
	qv_code *co = comp_compile(c, a->src, a->len, str_cstr(c, a->filename), QV_MODE_FILE);
	a->out = code_serialize(c, co);
}

static void msg_of(qv_ctx *c, qv_obj e, char *msg, size_t cap)
{
	if (!cap)
		return;
	msg[0] = 0;
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		return;
	}
	qv_obj s;
	if (isinstance(e, EXC(SyntaxError))) {
		qv_tupleobj *a = (qv_tupleobj *)((qv_exc *)e)->args;
		if (a->len == 2 && IS(a->items[1], qv_tuple_type)) {
			qv_tupleobj *info = (qv_tupleobj *)a->items[1];
			s = str_fmt(c, "%s: %S (%S, line %R, column %R)", tname(TYPE(e)), a->items[0], info->items[0], info->items[1], info->items[2]);
		} else
			s = str_fmt(c, "%s: %S", tname(TYPE(e)), qv_str_of(c, e));
	} else
		s = str_fmt(c, "%s: %S", tname(TYPE(e)), qv_str_of(c, e));
	size_t n = STR(s)->len < cap - 1 ? STR(s)->len : cap - 1;
	__builtin_memcpy(msg, STR(s)->data, n);
	msg[n] = 0;
	qv_untry(c, &j);
}

static int run_quiet(qv_ctx *c, void (*fn)(qv_ctx *, void *), void *arg, char *msg, size_t cap)
{
	qv_jmp j;
	c->depth = 0;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		msg_of(c, c->exc, msg, cap);
		c->exc = NULL;
		return QV_EXC;
	}
	fn(c, arg);
	qv_untry(c, &j);
	return QV_OK;
}

int qv_compile_bytecode(qv_ctx *c, const char *src, size_t len, const char *filename,
			const uint8_t **out, size_t *outlen, char *msg, size_t msgcap)
{
	struct compile_args a = {src, len, filename, NULL, false, NULL};
	int st = run_quiet(c, do_compile, &a, msg, msgcap);
	if (st == QV_OK) {
		*out = (const uint8_t *)STR(a.out)->data;
		*outlen = STR(a.out)->len;
	}
	return st;
}

static void do_check(qv_ctx *c, void *p)
{
	struct compile_args *a = p;
	comp_compile(c, a->src, a->len, str_cstr(c, a->filename), QV_MODE_FILE);
}

int qv_check_source(qv_ctx *c, const char *src, size_t len, const char *filename, char *msg, size_t msgcap)
{
	struct compile_args a = {src, len, filename, NULL, false, NULL};
	return run_quiet(c, do_check, &a, msg, msgcap);
}

static void do_load(qv_ctx *c, void *p)
{
	struct compile_args *a = p;
	const char *err = NULL;
	if (!code_load(c, a->bc, a->len, &err))
		qv_raisef(c, EXC(ValueError), "%s", err);
}

int qv_check_bytecode(qv_ctx *c, const uint8_t *data, size_t len, char *msg, size_t msgcap)
{
	struct compile_args a = {NULL, len, NULL, NULL, false, data};
	return run_quiet(c, do_load, &a, msg, msgcap);
}

void qv_set_argv(qv_ctx *c, int argc, const char *const *argv)
{
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		return;
	}
	((qv_listobj *)c->sys_argv)->len = 0;
	for (int i = 0; i < argc; i++)
		list_append(c, c->sys_argv, str_cstr(c, argv[i]));
	qv_untry(c, &j);
}

void qv_add_path(qv_ctx *c, const char *dir)
{
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		return;
	}
	list_append(c, c->sys_path, str_cstr(c, dir));
	qv_untry(c, &j);
}

static void do_run_module(qv_ctx *c, void *p)
{
	const char *name = p;
	run_as_main(c, str_intern(c, name, rt_strlen(name)));
}

int qv_run_module(qv_ctx *c, const char *name)
{
	int st;
	guarded(c, do_run_module, (void *)name, &st, true);
	return st;
}

static void do_call_global(qv_ctx *c, void *p)
{
	const char *name = p;
	size_t n = rt_strlen(name), dot = n;
	while (dot > 0 && name[dot - 1] != '.')
		dot--;
	qv_obj fname = str_intern(c, name + dot, n - dot), fn;
	if (dot > 0) {
		qv_obj mod = import_module(c, str_intern(c, name, dot - 1), tuple_pack(c, 1, fname), 0, NULL);
		fn = qv_getattr(c, mod, fname);
	} else {
		fn = dict_get(c, c->main_dict, fname);
		if (!fn)
			qv_raisef(c, EXC(NameError), "name '%S' is not defined", fname);
	}
	qv_call0(c, fn);
}

int qv_call_global(qv_ctx *c, const char *dotted_name)
{
	int st;
	guarded(c, do_call_global, (void *)dotted_name, &st, true);
	return st;
}
