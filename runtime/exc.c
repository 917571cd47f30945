/* The exception hierarchy (a constant table) and generator objects. */
#include "rt.h"

qv_obj exc_attr(qv_ctx *c, qv_obj o, qv_obj name)
{
	qv_exc *e = (qv_exc *)o;
	qv_tupleobj *a = (qv_tupleobj *)e->args;
	if (name == QS(args))
		return e->args;
	if (name == QS(__traceback__))
		return e->tb ? e->tb : NONE;
	if (name == QS(__cause__))
		return e->cause ? e->cause : NONE;
	if (name == QS(__context__))
		return e->context ? e->context : NONE;
	if (name == QS(__suppress_context__))
		return BOOL(e->suppress);
	if (name == QS(__class__))
		return (qv_obj)e->type;
	if (name == QS(__dict__)) {
		if (!e->dict)
			e->dict = dict_new(c);
		return e->dict;
	}
	if (name == QS(value) && isinstance(o, EXC(StopIteration)))
		return a->len ? a->items[0] : NONE;
	if (name == QS(code) && isinstance(o, EXC(SystemExit)))
		return a->len == 0 ? NONE : a->len == 1 ? a->items[0] : e->args;
	if (isinstance(o, EXC(OSError)) && (name == QS(errno) || name == QS(strerror)))
		return a->len >= 2 ? a->items[name == QS(errno) ? 0 : 1] : NONE;
	if (isinstance(o, EXC(SyntaxError)) && a->len == 2 && IS(a->items[1], qv_tuple_type)) {
		qv_tupleobj *info = (qv_tupleobj *)a->items[1];
		if (name == QS(msg)) return a->items[0];
		if (name == QS(filename)) return info->items[0];
		if (name == QS(lineno)) return info->items[1];
		if (name == QS(offset)) return info->items[2];
		if (name == QS(text)) return info->items[3];
	}
	if (name == QS(msg) && isinstance(o, EXC(SyntaxError)))
		return a->len ? a->items[0] : NONE;
	return NULL;
}

/* The value __traceback__ may take: None (NULL) or a list (exc_add_tb's
 * entries; the printer skips what is not one). */
static qv_obj tb_value(qv_ctx *c, qv_obj v)
{
	if (v == NONE)
		return NULL;
	if (IS_INT(v) || !IS(v, qv_list_type))
		qv_raisef(c, EXC(TypeError), "__traceback__ must be a traceback or None");
	return v;
}

bool exc_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	qv_exc *e = (qv_exc *)o;
	if (name == QS(__cause__)) {
		e->cause = v == NONE ? NULL : v;
		e->suppress = true;
		return true;
	}
	if (name == QS(__context__)) {
		e->context = v == NONE ? NULL : v;
		return true;
	}
	if (name == QS(__traceback__)) {
		e->tb = tb_value(c, v);
		return true;
	}
	if (name == QS(__suppress_context__)) {
		e->suppress = rt_truth(c, v);
		return true;
	}
	if (name == QS(args)) {
		e->args = to_tuple(c, v);
		return true;
	}
	return false;
}

static qv_obj exc_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	qv_exc *e = (qv_exc *)o;
	if (e->dict) {
		qv_obj v = dict_get_str(e->dict, name);
		if (v)
			return v;
	}
	qv_obj v = exc_attr(c, o, name);
	if (v)
		return v;
	return builtin_getattr(c, o, name, self);
}

static bool exc_setattr_slot(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	if (exc_setattr(c, o, name, v))
		return true;
	qv_exc *e = (qv_exc *)o;
	if (!e->dict)
		e->dict = dict_new(c);
	if (!v)
		return dict_del(c, e->dict, name);
	dict_set(c, e->dict, name, v);
	return true;
}

static qv_obj exc_repr(qv_ctx *c, qv_obj o, bool is_str)
{
	qv_exc *e = (qv_exc *)o;
	qv_tupleobj *a = (qv_tupleobj *)e->args;
	if (is_str) {
		if (a->len == 0)
			return QS(empty);
		if (a->len == 1 && isinstance(o, EXC(KeyError)))
			return qv_repr(c, a->items[0]);
		if (a->len >= 2 && isinstance(o, EXC(OSError)) && is_intlike(a->items[0])) {
			if (a->len >= 3)
				return str_fmt(c, "[Errno %S] %S: %R", qv_str_of(c, a->items[0]), qv_str_of(c, a->items[1]), a->items[2]);
			return str_fmt(c, "[Errno %S] %S", qv_str_of(c, a->items[0]), qv_str_of(c, a->items[1]));
		}
		if (a->len == 1)
			return qv_str_of(c, a->items[0]);
		return qv_str_of(c, e->args);
	}
	const qv_type *t = TYPE(o);
	if (a->len == 1)
		return str_fmt(c, "%s(%R)", tname(t), a->items[0]);
	if (a->len == 0)
		return str_fmt(c, "%s()", tname(t));
	return str_fmt(c, "%s%R", tname(t), e->args);
}

static const qv_type *oserror_subclass(qv_obj code)
{
	static const struct { int code, exc; } map[] = {
		{2, EXC_FileNotFoundError}, {17, EXC_FileExistsError}, {1, EXC_PermissionError},
		{13, EXC_PermissionError}, {21, EXC_IsADirectoryError}, {20, EXC_NotADirectoryError},
		{4, EXC_InterruptedError}, {11, EXC_BlockingIOError}, {115, EXC_BlockingIOError},
		{114, EXC_BlockingIOError}, {32, EXC_BrokenPipeError}, {104, EXC_ConnectionResetError},
		{111, EXC_ConnectionRefusedError}, {103, EXC_ConnectionAbortedError}, {110, EXC_TimeoutError},
		{3, EXC_ProcessLookupError}, {10, EXC_ChildProcessError},
	};
	if (!IS_INT(code))
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (map[i].code == INT_VAL(code))
			return &qv_exc_types[map[i].exc];
	return NULL;
}

static qv_obj exc_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(nkw);
	if (t == EXC(OSError) && npos >= 2) {
		const qv_type *s = oserror_subclass(args[0]);
		if (s)
			t = s;
	}
	return exc_new(c, t, tuple_from(c, npos, args));
}

static qv_obj e_init(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	((qv_exc *)a[0])->args = tuple_from(c, n - 1, a + 1);
	return NONE;
}

static qv_obj e_with_tb(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	((qv_exc *)a[0])->tb = tb_value(c, a[1]);
	return a[0];
}

static qv_obj e_str(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	return exc_repr(c, a[0], true);
}

static qv_obj e_repr(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	return exc_repr(c, a[0], false);
}

static qv_obj e_add_note(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_exc *e = (qv_exc *)a[0];
	if (!e->dict)
		e->dict = dict_new(c);
	qv_obj notes = dict_get_str(e->dict, QS(__notes__));
	if (!notes) {
		notes = list_new(c, 0);
		dict_set(c, e->dict, QS(__notes__), notes);
	}
	list_append(c, notes, a[1]);
	return NONE;
}

static const qv_method exc_methods[] = {
	METH(__init__, 1, ARGS_MAX, e_init), METH(with_traceback, 2, 2, e_with_tb),
	METH(__str__, 1, 1, e_str), METH(__repr__, 1, 1, e_repr), METH(add_note, 2, 2, e_add_note), METH_END,
};

static intptr_t exc_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((uintptr_t)o >> 4);
}

#define X(n, b) \
	{.type = &qv_type_type, .name = QS_##n, .flags = TF_EXC | TF_BASETYPE, \
	 .base = EXC_##n == EXC_BaseException ? NULL : &qv_exc_types[EXC_##b], .repr = exc_repr, \
	 .make = exc_make, .getattr = exc_getattr, .setattr = exc_setattr_slot, .methods = exc_methods, \
	 .hash = exc_hash},
const qv_type qv_exc_types[EXC_COUNT] = {EXC_LIST(X)};
#undef X

/* ------------------------------------------------------------ generators */
static qv_obj gen_iter(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return o;
}

static qv_obj gen_next(qv_ctx *c, qv_obj o)
{
	bool done;
	qv_obj r = gen_send(c, o, NONE, NULL, &done);
	return done ? NULL : r;
}

static _Noreturn void stop_with(qv_ctx *c, qv_obj v)
{
	rt_raise(c, exc_new(c, EXC(StopIteration), v == NONE ? EMPTY_TUPLE : tuple_pack(c, 1, v)));
}

static qv_obj g_send(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	bool done;
	qv_obj r = gen_send(c, a[0], a[1], NULL, &done);
	if (done)
		stop_with(c, r);
	return r;
}

static qv_obj make_exc(qv_ctx *c, size_t n, qv_obj *a)
{
	qv_obj e = a[1];
	if (TYPE(e) == &qv_type_type) {
		if (!is_subclass((const qv_type *)e, EXC(BaseException)))
			qv_raisef(c, EXC(TypeError), "exceptions must be classes or instances deriving from BaseException, not type");
		e = n > 2 && a[2] != NONE ? qv_call1(c, e, a[2]) : qv_call0(c, e);
	} else if (!(TYPE(e)->flags & TF_EXC))
		qv_raisef(c, EXC(TypeError), "exceptions must be classes or instances deriving from BaseException, not %s", type_name(e));
	return e;
}

static qv_obj g_throw(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_obj e = make_exc(c, n, a);
	bool done;
	qv_obj r = gen_send(c, a[0], NONE, e, &done);
	if (done)
		stop_with(c, r);
	return r;
}

static qv_obj g_close(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_gen *g = (qv_gen *)a[0];
	if (g->done || g->frame->ip == g->frame->code->code) {
		g->done = true;
		return NONE;
	}
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		if (isinstance(c->exc, EXC(GeneratorExit)) || isinstance(c->exc, EXC(StopIteration)))
			return NONE;
		rt_raise(c, c->exc);
	}
	bool done;
	gen_send(c, a[0], NONE, exc_new(c, EXC(GeneratorExit), EMPTY_TUPLE), &done);
	qv_untry(c, &j);
	if (!done)
		qv_raisef(c, EXC(RuntimeError), "generator ignored GeneratorExit");
	return NONE;
}

static qv_obj g_next_m(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	bool done;
	qv_obj r = gen_send(c, a[0], NONE, NULL, &done);
	if (done)
		stop_with(c, r);
	return r;
}

static qv_obj g_self(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return a[0]; }
static qv_obj g_name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_gen *)a[0])->name; }
static qv_obj g_running(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return BOOL(((qv_gen *)a[0])->running); }
static qv_obj g_frame(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_gen *)a[0])->done ? NONE : (qv_obj)((qv_gen *)a[0])->frame; }

static const qv_method gen_methods[] = {
	METH(send, 2, 2, g_send), METH(throw, 2, 4, g_throw), METH(close, 1, 1, g_close),
	METH(__next__, 1, 1, g_next_m), METH(__iter__, 1, 1, g_self), ATTR(__name__, g_name),
	ATTR(gi_running, g_running), ATTR(gi_frame, g_frame), METH_END,
};

static const qv_method coro_methods[] = {
	METH(send, 2, 2, g_send), METH(throw, 2, 4, g_throw), METH(close, 1, 1, g_close),
	METH(__await__, 1, 1, g_self), ATTR(__name__, g_name), ATTR(cr_running, g_running),
	ATTR(cr_frame, g_frame), METH_END,
};

static qv_obj gen_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<%s object %S at 0x%x>", type_name(o), ((qv_gen *)o)->name, (unsigned long)(uintptr_t)o);
}

static intptr_t gen_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((uintptr_t)o >> 4);
}

const qv_type qv_gen_type = {
	.type = &qv_type_type, .name = QS_generator, .iter = gen_iter, .next = gen_next, .methods = gen_methods,
	.repr = gen_repr, .getattr = builtin_getattr, .hash = gen_hash,
};

const qv_type qv_coro_type = {
	.type = &qv_type_type, .name = QS_coroutine, .methods = coro_methods, .repr = gen_repr,
	.getattr = builtin_getattr, .hash = gen_hash,
};
