/* Errors and the object protocol: the functions through which the VM and
 * the built-ins reach every type's slots. */
#include "rt.h"

/* ------------------------------------------------------------ errors */
_Noreturn void rt_raise(qv_ctx *c, qv_obj exc)
{
	if (!IS_INT(exc) && (TYPE(exc)->flags & TF_EXC)) {
		qv_exc *e = (qv_exc *)exc;
		if (!e->context && c->cur_exc && c->cur_exc != exc)
			e->context = c->cur_exc;
	}
	c->exc = exc;
	__builtin_longjmp(c->jmp->buf, 1);
}

void qv_catch(qv_ctx *c, qv_jmp *j)
{
	c->jmp = j->prev;
	c->depth = j->depth;
}

qv_obj exc_new(qv_ctx *c, const qv_type *t, qv_obj args)
{
	qv_exc *e = gc_alloc(c, sizeof(qv_exc), false);
	e->type = t;
	e->args = args ? args : EMPTY_TUPLE;
	return (qv_obj)e;
}

qv_obj exc_msgf(qv_ctx *c, const qv_type *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	qv_obj m = str_vfmt(c, fmt, ap);
	va_end(ap);
	return exc_new(c, t, tuple_pack(c, 1, m));
}

_Noreturn void qv_raisef(qv_ctx *c, const qv_type *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	qv_obj m = str_vfmt(c, fmt, ap);
	va_end(ap);
	rt_raise(c, exc_new(c, t, tuple_pack(c, 1, m)));
}

_Noreturn void qv_raise_type(qv_ctx *c, const qv_type *t)
{
	rt_raise(c, exc_new(c, t, EMPTY_TUPLE));
}

/* A traceback entry as exc_add_tb makes it: (code, line, frame id, repeats).
 * The list is reachable from Python (__traceback__), so whatever is in it is
 * checked before it is trusted. */
static qv_tupleobj *tb_entry(qv_obj o)
{
	if (IS_INT(o) || !IS(o, qv_tuple_type))
		return NULL;
	qv_tupleobj *t = (qv_tupleobj *)o;
	if (t->len != 4 || IS_INT(t->items[0]) || !IS(t->items[0], qv_code_type) ||
	    !IS_INT(t->items[1]) || !IS_INT(t->items[3]) || INT_VAL(t->items[3]) < 0)
		return NULL;
	return t;
}

static qv_listobj *tb_list(qv_obj o)
{
	return o && !IS_INT(o) && IS(o, qv_list_type) ? (qv_listobj *)o : NULL;
}

void exc_add_tb(qv_ctx *c, qv_obj exc, qv_obj frame, int line, qv_obj unused)
{
	UNUSED(unused);
	if (IS_INT(exc) || !(TYPE(exc)->flags & TF_EXC))
		return;
	qv_exc *e = (qv_exc *)exc;
	if (!tb_list(e->tb)) {
		e->tb = gc_alloc_noraise(c, sizeof(qv_listobj), false);
		if (!e->tb)
			return;
		((qv_listobj *)e->tb)->type = &qv_list_type;
	}
	qv_listobj *l = (qv_listobj *)e->tb;
	qv_code *code = ((qv_frame *)frame)->code;
	qv_obj fid = MKINT((intptr_t)((uintptr_t)frame >> 4));
	qv_tupleobj *last = l->len ? tb_entry(l->items[l->len - 1]) : NULL;
	if (last && last->items[2] == fid)
		return;
	/* Deep recursion repeats one (code, line) many times: one entry
	 * counts them, so a RecursionError's traceback stays a few hundred
	 * bytes instead of one tuple per level (which could exhaust a small
	 * heap on its own). */
	if (last && (qv_code *)last->items[0] == code && INT_VAL(last->items[1]) == line &&
	    INT_VAL(last->items[3]) < ((intptr_t)1 << 40)) {
		last->items[2] = fid;
		last->items[3] = MKINT(INT_VAL(last->items[3]) + 1);
		return;
	}
	if (l->len >= 2000)
		return; /* keep the innermost entries only */
	qv_tupleobj *t = gc_alloc_noraise(c, sizeof(qv_tupleobj) + 4 * sizeof(qv_obj), false);
	if (!t)
		return;
	t->type = &qv_tuple_type;
	t->len = 4;
	/* the code, not the frame: frames of plain calls are reused */
	t->items[0] = (qv_obj)code;
	t->items[1] = MKINT(line);
	t->items[2] = fid;
	t->items[3] = MKINT(0);
	if (l->len == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		qv_obj *ni = gc_alloc_noraise(c, nc * sizeof(qv_obj), false);
		if (!ni)
			return;
		for (size_t i = 0; i < l->len; i++)
			ni[i] = l->items[i];
		l->items = ni;
		l->cap = nc;
	}
	l->items[l->len++] = (qv_obj)t;
}

bool is_subclass(const qv_type *a, const qv_type *b)
{
	if (a == b || b == &qv_object_type)
		return true;
	if (a->flags & TF_USER) {
		qv_tupleobj *m = (qv_tupleobj *)a->mro;
		for (size_t i = 0; i < m->len; i++)
			if ((const qv_type *)m->items[i] == b)
				return true;
		return false;
	}
	for (const qv_type *t = a->base; t; t = t->base)
		if (t == b)
			return true;
	return false;
}

bool isinstance(qv_obj o, const qv_type *t)
{
	return is_subclass(TYPE(o), t);
}

const char *tname(const qv_type *t)
{
	if (t->flags & TF_USER)
		return cstr(NULL, t->qualname);
	return qv_qstrs[t->name].data;
}

const char *type_name(qv_obj o)
{
	return tname(TYPE(o));
}

void port_write(qv_ctx *c, int stream, const char *s, size_t n)
{
	if (c->port->write)
		c->port->write(c->user, stream, s, n);
}

/* Line `line` of the file a traceback entry names, read through the port's
 * file system as CPython's linecache would; nothing when the file cannot be
 * read (names like "<stdin>", a port without files). Reading it again, not
 * keeping sources, costs the heap nothing. */
static void source_line(qv_ctx *c, qv_obj name, intptr_t line, sbuf *b)
{
	const qv_fs *fs = c->port->fs;
	if (!fs || !fs->open || !fs->read || !fs->close || !IS_STR(name) || !STR(name)->len ||
	    STR(name)->data[0] == '<' || line < 1)
		return;
	void *h = NULL;
	if (fs->open(c->user, STR(name)->data, QV_FS_READ, &h) < 0)
		return;
	char buf[256], text[240];
	size_t tn = 0;
	intptr_t cur = 1;
	bool done = false;
	while (!done) {
		long r = fs->read(c->user, h, buf, sizeof buf);
		if (r <= 0)
			break;
		for (long i = 0; i < r && !done; i++) {
			if (cur < line)
				cur += buf[i] == '\n';
			else if (buf[i] == '\n')
				done = true;
			else if (tn < sizeof text)
				text[tn++] = buf[i];
		}
	}
	fs->close(c->user, h);
	if (cur != line)
		return;
	size_t s0 = 0;
	while (s0 < tn && (text[s0] == ' ' || text[s0] == '\t'))
		s0++;
	if (tn > s0 && text[tn - 1] == '\r')
		tn--;
	if (tn == s0 || !utf8_valid(text + s0, tn - s0))
		return;
	sb_adds(b, "    ");
	sb_add(b, text + s0, tn - s0);
	sb_addc(b, '\n');
}

static void repeated(sbuf *b, uintptr_t repeat)
{
	if (repeat >= 3)
		sb_printf(b, "  [Previous line repeated %lu more time%s]\n", (unsigned long)(repeat - 2),
			  repeat - 2 == 1 ? "" : "s");
}

static void exc_print_one(qv_ctx *c, qv_obj exc, sbuf *b)
{
	qv_exc *e = (qv_exc *)exc;
	qv_listobj *l = tb_list(e->tb);
	if (l && l->len) {
		sb_adds(b, "Traceback (most recent call last):\n");
		/* like CPython: a line repeated more than three times in a row is
		 * printed three times and then counted; an entry stands for
		 * 1 + its repeats occurrences */
		qv_code *last = NULL;
		intptr_t lastline = -1;
		uintptr_t repeat = 0;
		for (size_t i = l->len; i-- > 0;) {
			qv_tupleobj *t = tb_entry(l->items[i]);
			if (!t)
				continue;
			qv_code *fc = (qv_code *)t->items[0];
			intptr_t line = INT_VAL(t->items[1]);
			for (intptr_t k = INT_VAL(t->items[3]); k >= 0; k--) {
				if (fc == last && line == lastline) {
					if (++repeat >= 3) {
						repeat += (uintptr_t)k; /* the rest of this entry */
						break;
					}
				} else {
					repeated(b, repeat);
					repeat = 0;
					last = fc;
					lastline = line;
				}
				sb_printf(b, "  File \"%S\", line %d, in %S\n", fc->filename, (int)line, fc->name);
				source_line(c, fc->filename, line, b);
			}
		}
		repeated(b, repeat);
	}
	const qv_type *t = TYPE(exc);
	if (t->flags & TF_USER) {
		qv_obj mod = dict_get_str(t->dict, QS(__module__));
		if (mod && IS_STR(mod) && !str_eq(mod, QS(builtins)))
			sb_printf(b, "%S.", mod);
	}
	sb_adds(b, tname(t));
	if (isinstance(exc, EXC(SyntaxError))) {
		qv_tupleobj *a = (qv_tupleobj *)e->args;
		if (a->len == 2 && IS(a->items[1], qv_tuple_type)) {
			qv_tupleobj *info = (qv_tupleobj *)a->items[1];
			/* rewrite the header the CPython way */
			sbuf h;
			sb_init(&h, c, 64);
			sb_printf(&h, "  File \"%S\", line %R\n", info->items[0], info->items[1]);
			if (IS_STR(info->items[3])) {
				qv_strobj *tx = STR(info->items[3]);
				size_t s0 = 0;
				while (s0 < tx->len && (tx->data[s0] == ' ' || tx->data[s0] == '\t'))
					s0++;
				sb_adds(&h, "    ");
				sb_add(&h, tx->data + s0, tx->len - s0);
				sb_adds(&h, "\n    ");
				intptr_t col = IS_INT(info->items[2]) ? INT_VAL(info->items[2]) - 1 - (intptr_t)s0 : 0;
				for (intptr_t k = 0; k < col; k++)
					sb_addc(&h, ' ');
				sb_adds(&h, "^\n");
			}
			sb_add(&h, b->p, b->n);
			b->n = 0;
			sb_add(b, h.p, h.n);
			sb_printf(b, ": %S\n", qv_str_of(c, a->items[0]));
			return;
		}
	}
	qv_obj s;
	if (t == EXC(KeyError) && ((qv_tupleobj *)e->args)->len == 1)
		s = qv_repr(c, ((qv_tupleobj *)e->args)->items[0]);
	else
		s = qv_str_of(c, exc);
	if (STR(s)->len)
		sb_printf(b, ": %S", s);
	sb_addc(b, '\n');
}

static void exc_print_chain(qv_ctx *c, qv_obj exc, sbuf *b, int depth)
{
	qv_exc *e = (qv_exc *)exc;
	if (depth < 20) {
		if (e->cause && (TYPE(e->cause)->flags & TF_EXC)) {
			exc_print_chain(c, e->cause, b, depth + 1);
			sb_adds(b, "\nThe above exception was the direct cause of the following exception:\n\n");
		} else if (e->context && !e->suppress && (TYPE(e->context)->flags & TF_EXC)) {
			exc_print_chain(c, e->context, b, depth + 1);
			sb_adds(b, "\nDuring handling of the above exception, another exception occurred:\n\n");
		}
	}
	exc_print_one(c, exc, b);
}

void exc_print(qv_ctx *c, qv_obj exc)
{
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		static const char msg[] = "(the traceback could not be printed: out of memory)\n";
		port_write(c, QV_ERR, msg, sizeof msg - 1);
		return;
	}
	sbuf b;
	sb_init(&b, c, 256);
	if (IS_INT(exc) || !(TYPE(exc)->flags & TF_EXC))
		sb_adds(&b, "exception of unknown type\n");
	else
		exc_print_chain(c, exc, &b, 0);
	port_write(c, QV_ERR, b.p, b.n);
	qv_untry(c, &j);
}

/* ------------------------------------------------------------ protocol */
static void enter_native(qv_ctx *c)
{
	volatile uintptr_t here = 0;
	if (c->stack_limit && c->stack_base - (uintptr_t)&here > c->stack_limit)
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded");
}

qv_obj qv_repr(qv_ctx *c, qv_obj o)
{
	const qv_type *t = TYPE(o);
	enter_native(c);
	if (++c->depth > c->max_depth + 50) {
		c->depth--;
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded while getting the repr of an object");
	}
	qv_obj r = t->repr ? t->repr(c, o, false) : NULL;
	c->depth--;
	if (!r)
		r = str_fmt(c, "<%s object at 0x%x>", tname(t), (unsigned long)(uintptr_t)o);
	return r;
}

qv_obj qv_str_of(qv_ctx *c, qv_obj o)
{
	if (IS_STR(o))
		return o;
	const qv_type *t = TYPE(o);
	enter_native(c);
	qv_obj r = t->repr ? t->repr(c, o, true) : NULL;
	if (!r)
		r = qv_repr(c, o);
	return r;
}

void print_obj(qv_ctx *c, qv_obj o, bool is_str, int stream)
{
	qv_obj s = is_str ? qv_str_of(c, o) : qv_repr(c, o);
	port_write(c, stream, STR(s)->data, STR(s)->len);
}

intptr_t qv_hash(qv_ctx *c, qv_obj o)
{
	if (IS_INT(o))
		return int_hash(o);
	const qv_type *t = o->type;
	if (t == &qv_str_type)
		return (intptr_t)str_hash(o);
	if (!t->hash)
		qv_raisef(c, EXC(TypeError), "unhashable type: '%s'", tname(t));
	return t->hash(c, o);
}

bool rt_truth(qv_ctx *c, qv_obj o)
{
	if (o == TRUE_)
		return true;
	if (o == FALSE_ || o == NONE)
		return false;
	if (IS_INT(o))
		return INT_VAL(o) != 0;
	const qv_type *t = o->type;
	if (t->truth) {
		int r = t->truth(c, o);
		if (r >= 0)
			return r;
	}
	if (t->len)
		return t->len(c, o) != 0;
	return true;
}

static qv_obj try_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	const qv_type *ta = TYPE(a), *tb = TYPE(b);
	qv_obj r = NULL;
	if (ta->binop)
		r = ta->binop(c, op, a, b);
	if ((!r || r == NOTIMPL) && tb != ta && tb->binop)
		r = tb->binop(c, op | OP_REFLECT, a, b);
	return r == NOTIMPL ? NULL : r;
}

static const char *const op_syms[] = {
	"+", "-", "*", "/", "//", "%", "** or pow()", "<<", ">>", "&", "|", "^", "@",
	"<", "<=", "==", "!=", ">", ">=",
};

qv_obj qv_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	qv_obj r = try_binop(c, op, a, b);
	if (!r && (op & OP_INPLACE))
		r = try_binop(c, op & OP_MASK, a, b);
	if (!r) {
		int o = op & OP_MASK;
		qv_raisef(c, EXC(TypeError), "unsupported operand type(s) for %s%s: '%s' and '%s'",
			  o == OP_POW && !(op & OP_INPLACE) ? "** or pow()" : op_syms[o], (op & OP_INPLACE) ? "=" : "",
			  type_name(a), type_name(b));
	}
	return r;
}

qv_obj qv_unop(qv_ctx *c, int op, qv_obj a)
{
	const qv_type *t = TYPE(a);
	qv_obj r = t->unop ? t->unop(c, op, a) : NULL;
	if (!r || r == NOTIMPL) {
		static const char *const n[] = {"unary -", "unary +", "unary ~", "not"};
		qv_raisef(c, EXC(TypeError), "bad operand type for %s: '%s'", n[op], tname(t));
	}
	return r;
}

static int swap_cmp(int op)
{
	switch (op) {
	case OP_LT: return OP_GT;
	case OP_GT: return OP_LT;
	case OP_LE: return OP_GE;
	case OP_GE: return OP_LE;
	default: return op;
	}
}

static qv_obj qv_compare_slots(qv_ctx *c, int op, qv_obj a, qv_obj b);

static bool exc_match(qv_ctx *c, qv_obj e, qv_obj t)
{
	if (IS(t, qv_tuple_type)) {
		qv_tupleobj *tt = (qv_tupleobj *)t;
		for (size_t i = 0; i < tt->len; i++)
			if (exc_match(c, e, tt->items[i]))
				return true;
		return false;
	}
	if (TYPE(t) != &qv_type_type || !is_subclass((const qv_type *)t, EXC(BaseException)))
		qv_raisef(c, EXC(TypeError), "catching classes that do not inherit from BaseException is not allowed");
	return isinstance(e, (const qv_type *)t);
}

qv_obj qv_compare(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	switch (op) {
	case OP_IS: return BOOL(a == b);
	case OP_IS_NOT: return BOOL(a != b);
	case OP_IN: return BOOL(qv_contains(c, b, a));
	case OP_NOT_IN: return BOOL(!qv_contains(c, b, a));
	case OP_EXC_MATCH: return BOOL(exc_match(c, a, b));
	default: break;
	}
	enter_native(c);
	/* nested containers compare recursively in C: bound the depth even
	 * when the port set no C stack budget */
	if (++c->depth > c->max_depth + 50) {
		c->depth--;
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded in comparison");
	}
	qv_obj r = qv_compare_slots(c, op, a, b);
	c->depth--;
	if (r && r != NOTIMPL)
		return r;
	if (op == OP_EQ)
		return BOOL(a == b);
	if (op == OP_NE)
		return BOOL(a != b);
	qv_raisef(c, EXC(TypeError), "'%s' not supported between instances of '%s' and '%s'", op_syms[op],
		  type_name(a), type_name(b));
}

static qv_obj qv_compare_slots(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	const qv_type *ta = TYPE(a), *tb = TYPE(b);
	qv_obj r = NULL;
	bool reflect_first = tb != ta && (tb->flags & TF_USER) && is_subclass(tb, ta);
	if (!reflect_first && ta->binop)
		r = ta->binop(c, op, a, b);
	if ((!r || r == NOTIMPL) && tb->binop && (tb != ta || reflect_first || (tb->flags & TF_USER)))
		r = (tb->flags & TF_USER) ? tb->binop(c, swap_cmp(op) | OP_REFLECT, b, a) : tb->binop(c, op | OP_REFLECT, a, b);
	if (reflect_first && (!r || r == NOTIMPL) && ta->binop)
		r = ta->binop(c, op, a, b);
	return r;
}

bool qv_eq(qv_ctx *c, qv_obj a, qv_obj b)
{
	if (a == b)
		return true;
	if (IS_INT(a) && IS_INT(b))
		return false;
	if (IS_STR(a) && IS_STR(b))
		return str_eq(a, b);
	return rt_truth(c, qv_compare(c, OP_EQ, a, b));
}

bool qv_lt(qv_ctx *c, qv_obj a, qv_obj b)
{
	if (IS_INT(a) && IS_INT(b))
		return INT_VAL(a) < INT_VAL(b);
	return rt_truth(c, qv_compare(c, OP_LT, a, b));
}

qv_obj qv_getattr_opt(qv_ctx *c, qv_obj o, qv_obj name)
{
	const qv_type *t = TYPE(o);
	if (t->getattr)
		return t->getattr(c, o, name, NULL);
	return NULL;
}

qv_obj qv_getattr(qv_ctx *c, qv_obj o, qv_obj name)
{
	qv_obj v = qv_getattr_opt(c, o, name);
	if (!v) {
		const qv_type *t = TYPE(o);
		if (t == &qv_module_type)
			qv_raisef(c, EXC(AttributeError), "module '%S' has no attribute '%S'", ((qv_module *)o)->name, name);
		if (t == &qv_type_type)
			qv_raisef(c, EXC(AttributeError), "type object '%s' has no attribute '%S'", tname((const qv_type *)o), name);
		qv_raisef(c, EXC(AttributeError), "'%s' object has no attribute '%S'", tname(t), name);
	}
	return v;
}

qv_obj qv_load_method(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	const qv_type *t = TYPE(o);
	*self = NULL;
	if (t->getattr) {
		qv_obj v = t->getattr(c, o, name, self);
		if (v)
			return v;
	}
	*self = NULL;
	return qv_getattr(c, o, name);
}

void qv_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	const qv_type *t = TYPE(o);
	if (t->setattr && t->setattr(c, o, name, v))
		return;
	if (!v && t->setattr)
		qv_raisef(c, EXC(AttributeError), "'%s' object has no attribute '%S'", tname(t), name);
	qv_raisef(c, EXC(AttributeError), "'%s' object has no attribute '%S'", tname(t), name);
}

qv_obj rt_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	const qv_type *t = TYPE(f);
	if (t == &qv_func_type)
		return vm_call_func(c, (qv_func *)f, npos, nkw, args);
	if (!t->call)
		qv_raisef(c, EXC(TypeError), "'%s' object is not callable", tname(t));
	enter_native(c);
	return t->call(c, f, npos, nkw, args);
}

qv_obj qv_call0(qv_ctx *c, qv_obj f)
{
	return rt_call(c, f, 0, 0, NULL);
}

qv_obj qv_call1(qv_ctx *c, qv_obj f, qv_obj a)
{
	return rt_call(c, f, 1, 0, &a);
}

qv_obj qv_call2(qv_ctx *c, qv_obj f, qv_obj a, qv_obj b)
{
	qv_obj args[2] = {a, b};
	return rt_call(c, f, 2, 0, args);
}

qv_obj qv_call_method(qv_ctx *c, qv_obj o, qv_obj name, size_t n, qv_obj *args)
{
	qv_obj self;
	qv_obj m = qv_load_method(c, o, name, &self);
	if (!self)
		return rt_call(c, m, n, 0, args);
	qv_obj tmp[8];
	qv_obj *a = n < 8 ? tmp : gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	a[0] = self;
	for (size_t i = 0; i < n; i++)
		a[i + 1] = args[i];
	return rt_call(c, m, n + 1, 0, a);
}

qv_obj qv_call_kwdict(qv_ctx *c, qv_obj f, qv_obj pos, qv_obj kw)
{
	size_t npos;
	qv_obj *p = seq_array(c, pos, &npos);
	size_t nkw = 0;
	if (kw) {
		if (!IS(kw, qv_dict_type))
			qv_raisef(c, EXC(TypeError), "argument after ** must be a mapping");
		nkw = ((qv_dictobj *)kw)->used;
	}
	qv_obj *args = gc_alloc(c, sizeof(qv_obj) * (npos + 2 * nkw + 1), false);
	for (size_t i = 0; i < npos; i++)
		args[i] = p[i];
	if (kw) {
		qv_dictobj *d = (qv_dictobj *)kw;
		size_t k = npos;
		for (size_t i = 0; i < d->n; i++) {
			if (!d->entries[i].key)
				continue;
			if (!IS_STR(d->entries[i].key))
				qv_raisef(c, EXC(TypeError), "keywords must be strings");
			args[k++] = str_intern(c, STR(d->entries[i].key)->data, STR(d->entries[i].key)->len);
			args[k++] = d->entries[i].value;
		}
	}
	return rt_call(c, f, npos, nkw, args);
}

qv_obj native_kw(qv_ctx *c, qv_obj kw, qv_obj name)
{
	UNUSED(c);
	if (!kw)
		return NULL;
	return dict_get_str(kw, name);
}

void arg_check(qv_ctx *c, const char *fname, size_t n, size_t min, size_t max)
{
	if (n < min || n > max) {
		if (min == max)
			qv_raisef(c, EXC(TypeError), "%s() takes exactly %u argument%s (%u given)", fname, (unsigned)min,
				  min == 1 ? "" : "s", (unsigned)n);
		if (n < min)
			qv_raisef(c, EXC(TypeError), "%s() takes at least %u argument%s (%u given)", fname, (unsigned)min,
				  min == 1 ? "" : "s", (unsigned)n);
		qv_raisef(c, EXC(TypeError), "%s() takes at most %u argument%s (%u given)", fname, (unsigned)max,
			  max == 1 ? "" : "s", (unsigned)n);
	}
}

qv_obj qv_iter(qv_ctx *c, qv_obj o)
{
	const qv_type *t = TYPE(o);
	if (t->iter)
		return t->iter(c, o);
	if (t->subscr) {
		/* the old sequence protocol */
		qv_iterobj *it = NEW(c, qv_iterobj);
		it->type = &qv_iter_type;
		it->obj = o;
		it->next = NULL;
		return (qv_obj)it;
	}
	qv_raisef(c, EXC(TypeError), "'%s' object is not iterable", tname(t));
}

qv_obj qv_next(qv_ctx *c, qv_obj it)
{
	const qv_type *t = TYPE(it);
	if (!t->next)
		qv_raisef(c, EXC(TypeError), "'%s' object is not an iterator", tname(t));
	return t->next(c, it);
}

qv_obj qv_getitem(qv_ctx *c, qv_obj o, qv_obj k)
{
	const qv_type *t = TYPE(o);
	if (!t->subscr) {
		if (t == &qv_type_type) {
			qv_obj m = type_lookup((const qv_type *)o, QS(__class_getitem__));
			if (m)
				return qv_call2(c, m, o, k);
			return o; /* list[int] and friends as plain aliases */
		}
		qv_raisef(c, EXC(TypeError), "'%s' object is not subscriptable", tname(t));
	}
	return t->subscr(c, o, k, NULL);
}

void qv_setitem(qv_ctx *c, qv_obj o, qv_obj k, qv_obj v)
{
	const qv_type *t = TYPE(o);
	if (!t->subscr)
		qv_raisef(c, EXC(TypeError), "'%s' object does not support item assignment", tname(t));
	t->subscr(c, o, k, v);
}

void qv_delitem(qv_ctx *c, qv_obj o, qv_obj k)
{
	const qv_type *t = TYPE(o);
	if (!t->subscr)
		qv_raisef(c, EXC(TypeError), "'%s' object does not support item deletion", tname(t));
	t->subscr(c, o, k, DELETE);
}

intptr_t qv_len(qv_ctx *c, qv_obj o)
{
	const qv_type *t = TYPE(o);
	if (!t->len)
		qv_raisef(c, EXC(TypeError), "object of type '%s' has no len()", tname(t));
	return t->len(c, o);
}

bool qv_contains(qv_ctx *c, qv_obj container, qv_obj v)
{
	const qv_type *t = TYPE(container);
	if (t == &qv_dict_type)
		return dict_get(c, container, v) != NULL;
	if (t == &qv_set_type || t == &qv_frozenset_type)
		return set_has(c, container, v);
	if (t->flags & TF_USER) {
		qv_obj m = qv_special(c, container, QS(__contains__));
		if (m)
			return rt_truth(c, qv_call1(c, m, v));
	}
	if (t->binop && t != &qv_int_type) {
		qv_obj r = t->binop(c, OP_IN | OP_REFLECT, v, container);
		if (r && r != NOTIMPL)
			return r == TRUE_;
	}
	qv_obj it = qv_iter(c, container), x;
	while ((x = qv_next(c, it)))
		if (x == v || qv_eq(c, x, v))
			return true;
	return false;
}

/* A special method looked up on the type, bound to o; NULL if absent. */
qv_obj qv_special(qv_ctx *c, qv_obj o, qv_obj name)
{
	const qv_type *t = TYPE(o);
	qv_obj m = type_lookup(t, name);
	if (!m)
		return NULL;
	if (IS(m, qv_func_type) || IS(m, qv_native_type)) {
		if (IS(m, qv_native_type) && ((const qv_native *)m)->kind == M_STATIC)
			return m;
		qv_bound *b = NEW(c, qv_bound);
		b->type = &qv_bound_type;
		b->self = o;
		b->func = m;
		return (qv_obj)b;
	}
	if (IS(m, qv_staticmethod_type))
		return ((qv_wrap *)m)->func;
	if (IS(m, qv_classmethod_type)) {
		qv_bound *b = NEW(c, qv_bound);
		b->type = &qv_bound_type;
		b->self = (qv_obj)t;
		b->func = ((qv_wrap *)m)->func;
		return (qv_obj)b;
	}
	return m;
}
