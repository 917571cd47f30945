/* The virtual machine: frames, argument binding, and the dispatch loop.
 *
 * Python exceptions unwind the C stack with __builtin_longjmp (see
 * rt_raise); every activation of the dispatch loop arms a handler that
 * looks for a try block in its frame and either resumes there or passes the
 * exception on to the next activation out. */
#include "rt.h"
#include "opcodes.h"

enum { ST_RETURN, ST_YIELD };
enum { B_TRY = 1, B_HANDLER = 2 };

/* Slots after the header: locals, cells, the value stack; then the blocks. */
static size_t frame_slots(const qv_code *co)
{
	return (size_t)co->nlocals + co->ncells + co->nfree + co->stacksize;
}

static size_t frame_bytes(const qv_code *co)
{
	return sizeof(qv_frame) + frame_slots(co) * sizeof(qv_obj) + co->nblocks * sizeof(qv_block);
}

/* f is zeroed memory of frame_bytes(co). */
static qv_frame *frame_init(qv_frame *f, qv_code *co, qv_func *fn, qv_obj globals)
{
	f->type = &qv_frame_type;
	f->code = co;
	f->func = fn;
	f->globals = globals;
	f->ip = co->code;
	f->cells = f->fast + co->nlocals;
	f->sp = f->cells + co->ncells + co->nfree;
	f->blocks = (qv_block *)(f->fast + frame_slots(co));
	return f;
}

static qv_frame *frame_push(qv_ctx *c, qv_code *co, qv_func *fn, qv_obj globals)
{
	size_t sz = (frame_bytes(co) + 15) & ~(size_t)15;
	if (c->fs_top + sz > c->fs_end)
		return NULL;
	qv_frame *f = (qv_frame *)c->fs_top;
	c->fs_top += sz;
	__builtin_memset(f, 0, sz);
	frame_init(f, co, fn, globals);
	f->on_stack = true;
	return f;
}

static void frame_pop(qv_ctx *c, qv_frame *f)
{
	if (f->on_stack)
		c->fs_top = (uintptr_t)f;
}

static qv_frame *frame_new(qv_ctx *c, qv_code *co, qv_func *fn, qv_obj globals)
{
	return frame_init(gc_alloc(c, frame_bytes(co), false), co, fn, globals);
}

uint16_t code_block_max(const uint8_t *code, uint32_t n)
{
	uint16_t k = 0;

	for (uint32_t pc = 0; pc < n && k < QV_MAX_BLOCKS; pc += code[pc] > I_HAVE_ARG ? 3 : 1)
		if (code[pc] == I_SETUP_EXCEPT || code[pc] == I_SETUP_WITH ||
		    code[pc] == I_SETUP_ASYNC_WITH)
			k++;
	return k;
}

static void init_cells(qv_ctx *c, qv_frame *f)
{
	qv_code *co = f->code;
	for (unsigned i = 0; i < co->ncells; i++) {
		qv_cell *cell = NEW(c, qv_cell);
		cell->type = &qv_cell_type;
		if (co->cell2arg[i] >= 0)
			cell->value = f->fast[co->cell2arg[i]];
		f->cells[i] = (qv_obj)cell;
	}
	if (co->nfree) {
		qv_tupleobj *cl = (qv_tupleobj *)f->func->closure;
		for (unsigned i = 0; i < co->nfree; i++)
			f->cells[co->ncells + i] = cl->items[i];
	}
}

static const char *fname(qv_func *fn)
{
	return cstr(NULL, fn->name);
}

static _Noreturn void missing_args(qv_ctx *c, qv_func *fn, qv_obj *fast, unsigned from, unsigned to, const char *kind)
{
	qv_code *co = fn->code;
	sbuf b;
	sb_init(&b, c, 32);
	unsigned k = 0, tot = 0;
	for (unsigned i = from; i < to; i++)
		if (!fast[i])
			tot++;
	for (unsigned i = from; i < to; i++) {
		if (fast[i])
			continue;
		if (k > 0)
			sb_adds(&b, tot == 2 ? " and " : k == tot - 1 ? ", and " : ", ");
		sb_printf(&b, "'%S'", co->names[i]);
		k++;
	}
	qv_raisef(c, EXC(TypeError), "%s() missing %u required %s argument%s: %S", fname(fn), tot, kind,
		  tot == 1 ? "" : "s", sb_str(&b));
}

static void bind_args(qv_ctx *c, qv_func *fn, qv_obj *fast, size_t npos, size_t nkw, qv_obj *args)
{
	qv_code *co = fn->code;
	unsigned nargs = co->nargs, nkwo = co->nkwonly;
	unsigned slot = nargs + nkwo;
	size_t n = npos < nargs ? npos : nargs;
	for (size_t i = 0; i < n; i++)
		fast[i] = args[i];
	if (co->flags & CO_VARARGS) {
		fast[slot++] = npos > nargs ? tuple_from(c, npos - nargs, args + nargs) : EMPTY_TUPLE;
	} else if (npos > nargs) {
		size_t nd = fn->defaults ? ((qv_tupleobj *)fn->defaults)->len : 0;
		if (nd)
			qv_raisef(c, EXC(TypeError), "%s() takes from %u to %u positional arguments but %u were given",
				  fname(fn), (unsigned)(nargs - nd), nargs, (unsigned)npos);
		qv_raisef(c, EXC(TypeError), "%s() takes %u positional argument%s but %u %s given", fname(fn),
			  nargs, nargs == 1 ? "" : "s", (unsigned)npos, npos == 1 ? "was" : "were");
	}
	qv_obj kwdict = NULL;
	if (co->flags & CO_VARKW)
		fast[slot] = kwdict = dict_new(c);
	qv_obj *kw = args + npos;
	for (size_t k = 0; k < nkw; k++) {
		qv_obj name = kw[2 * k], val = kw[2 * k + 1];
		unsigned i;
		for (i = co->nposonly; i < nargs + nkwo; i++)
			if (co->names[i] == name || str_eq(co->names[i], name))
				break;
		if (i == nargs + nkwo && !kwdict)
			for (unsigned p = 0; p < co->nposonly; p++)
				if (str_eq(co->names[p], name))
					qv_raisef(c, EXC(TypeError), "%s() got some positional-only arguments passed as keyword arguments: '%S'", fname(fn), name);
		if (i < nargs + nkwo) {
			if (fast[i])
				qv_raisef(c, EXC(TypeError), "%s() got multiple values for argument '%S'", fname(fn), name);
			fast[i] = val;
		} else if (kwdict) {
			dict_set(c, kwdict, name, val);
		} else
			qv_raisef(c, EXC(TypeError), "%s() got an unexpected keyword argument '%S'", fname(fn), name);
	}
	if (npos < nargs) {
		qv_tupleobj *d = (qv_tupleobj *)fn->defaults;
		size_t nd = d ? d->len : 0;
		bool missing = false;
		for (size_t i = npos; i < nargs; i++) {
			if (fast[i])
				continue;
			size_t di = i + nd;
			if (di >= nargs)
				fast[i] = d->items[di - nargs];
			else
				missing = true;
		}
		if (missing)
			missing_args(c, fn, fast, 0, nargs, "positional");
	}
	if (nkwo) {
		bool missing = false;
		for (unsigned i = nargs; i < nargs + nkwo; i++) {
			if (fast[i])
				continue;
			qv_obj v = fn->kwdefaults ? dict_get_str(fn->kwdefaults, co->names[i]) : NULL;
			if (v)
				fast[i] = v;
			else
				missing = true;
		}
		if (missing)
			missing_args(c, fn, fast, nargs, nargs + nkwo, "keyword-only");
	}
}

static qv_obj vm_exec(qv_ctx *c, qv_frame *f, qv_obj send, qv_obj throw, int *status);

static qv_obj gen_make(qv_ctx *c, qv_frame *f)
{
	qv_gen *g = NEW(c, qv_gen);
	g->type = (f->code->flags & CO_ASYNC) && !(f->code->flags & CO_GENERATOR) ? &qv_coro_type : &qv_gen_type;
	g->frame = f;
	g->name = f->code->name;
	g->async = (f->code->flags & CO_ASYNC) != 0;
	return (qv_obj)g;
}

qv_obj vm_call_func(qv_ctx *c, qv_func *fn, size_t npos, size_t nkw, qv_obj *args)
{
	qv_code *co = fn->code;
	qv_frame *f = NULL;
	if (!(co->flags & (CO_GENERATOR | CO_ASYNC)))
		f = frame_push(c, co, fn, fn->globals);
	if (!f)
		f = frame_new(c, co, fn, fn->globals);
	if (nkw == 0 && npos == co->nargs && !(co->flags & (CO_VARARGS | CO_VARKW)) && co->nkwonly == 0) {
		for (size_t i = 0; i < npos; i++)
			f->fast[i] = args[i];
	} else if (f->on_stack) {
		qv_jmp j;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			frame_pop(c, f);
			rt_raise(c, c->exc);
		}
		bind_args(c, fn, f->fast, npos, nkw, args);
		qv_untry(c, &j);
	} else
		bind_args(c, fn, f->fast, npos, nkw, args);
	if (co->ncells || co->nfree)
		init_cells(c, f);
	if (co->flags & (CO_GENERATOR | CO_ASYNC))
		return gen_make(c, f);
	int st;
	return vm_exec(c, f, NULL, NULL, &st);
}

qv_obj vm_run_code(qv_ctx *c, qv_code *co, qv_obj globals, qv_obj locals)
{
	qv_frame *f = frame_new(c, co, NULL, globals);
	f->locals_dict = locals;
	int st;
	return vm_exec(c, f, NULL, NULL, &st);
}

/* Generators: a send resumes the frame; done is set when it returned. */
qv_obj gen_send(qv_ctx *c, qv_obj go, qv_obj value, qv_obj exc, bool *done)
{
	qv_gen *g = (qv_gen *)go;
	*done = false;
	if (g->done) {
		*done = true;
		if (exc)
			rt_raise(c, exc);
		return NONE;
	}
	if (g->running)
		qv_raisef(c, EXC(ValueError), "generator already executing");
	qv_frame *f = g->frame;
	bool started = f->ip != f->code->code;
	if (!started && value != NONE && !exc)
		qv_raisef(c, EXC(TypeError), "can't send non-None value to a just-started generator");
	g->running = true;
	int st = ST_RETURN;
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		g->running = false;
		g->done = true;
		qv_obj e = c->exc;
		if (isinstance(e, EXC(StopIteration))) {
			qv_obj m = exc_msgf(c, EXC(RuntimeError), g->async ? "coroutine raised StopIteration" : "generator raised StopIteration");
			((qv_exc *)m)->cause = e;
			((qv_exc *)m)->context = e;
			rt_raise(c, m);
		}
		rt_raise(c, e);
	}
	qv_obj r = vm_exec(c, f, started && !exc ? value : NULL, exc, &st);
	qv_untry(c, &j);
	g->running = false;
	if (st == ST_RETURN) {
		g->done = true;
		*done = true;
	}
	return r;
}

/* ------------------------------------------------------------ helpers */
static inline uintptr_t builtins_version(qv_ctx *c)
{
	return c->bdict ? ((qv_dictobj *)c->bdict)->version : 0;
}

static qv_obj load_global(qv_ctx *c, qv_frame *f, qv_obj name)
{
	qv_obj v = dict_get_str(f->globals, name);
	if (!v)
		v = c->bdict && builtins_version(c) != c->bv0 ? dict_get_str(c->bdict, name) : builtins_lookup(name);
	if (!v)
		qv_raisef(c, EXC(NameError), "name '%S' is not defined", name);
	return v;
}

static qv_obj load_name(qv_ctx *c, qv_frame *f, qv_obj name)
{
	if (f->locals_dict) {
		qv_obj v = IS(f->locals_dict, qv_dict_type) ? dict_get_str(f->locals_dict, name)
			: qv_getitem(c, f->locals_dict, name);
		if (v)
			return v;
	}
	return load_global(c, f, name);
}

static void unpack(qv_ctx *c, qv_obj seq, size_t n, qv_obj *out)
{
	/* out receives the items in order */
	if (IS(seq, qv_tuple_type) || IS(seq, qv_list_type)) {
		size_t len;
		qv_obj *it = seq_array(c, seq, &len);
		if (len != n) {
			if (len < n)
				qv_raisef(c, EXC(ValueError), "not enough values to unpack (expected %u, got %u)", (unsigned)n, (unsigned)len);
			qv_raisef(c, EXC(ValueError), "too many values to unpack (expected %u)", (unsigned)n);
		}
		for (size_t i = 0; i < n; i++)
			out[i] = it[i];
		return;
	}
	qv_obj it = qv_iter(c, seq);
	for (size_t i = 0; i < n; i++) {
		qv_obj v = qv_next(c, it);
		if (!v)
			qv_raisef(c, EXC(ValueError), "not enough values to unpack (expected %u, got %u)", (unsigned)n, (unsigned)i);
		out[i] = v;
	}
	if (qv_next(c, it))
		qv_raisef(c, EXC(ValueError), "too many values to unpack (expected %u)", (unsigned)n);
}

static qv_obj make_function(qv_ctx *c, qv_frame *f, qv_code *co, int flags, qv_obj **spp)
{
	qv_obj *sp = *spp;
	qv_func *fn = NEW(c, qv_func);
	fn->type = &qv_func_type;
	fn->code = co;
	fn->globals = f->globals;
	fn->name = co->name;
	if (flags & 8)
		fn->closure = *--sp;
	qv_obj ann = flags & 4 ? *--sp : NULL;
	if (flags & 2)
		fn->kwdefaults = *--sp;
	if (flags & 1)
		fn->defaults = *--sp;
	*spp = sp;
	/* check what a hand-made bytecode file could get wrong */
	if (co->nfree) {
		qv_tupleobj *cl = (qv_tupleobj *)fn->closure;
		if (!cl || !IS(fn->closure, qv_tuple_type) || cl->len != co->nfree)
			qv_raisef(c, EXC(TypeError), "bad bytecode: closure does not match the code");
		for (size_t i = 0; i < cl->len; i++)
			if (!IS(cl->items[i], qv_cell_type))
				qv_raisef(c, EXC(TypeError), "bad bytecode: closure does not match the code");
	}
	if ((fn->defaults && !IS(fn->defaults, qv_tuple_type)) || (fn->kwdefaults && !IS(fn->kwdefaults, qv_dict_type)))
		qv_raisef(c, EXC(TypeError), "bad bytecode: bad defaults");
	if (ann) {
		if (!IS(ann, qv_dict_type))
			qv_raisef(c, EXC(TypeError), "bad bytecode: bad annotations");
		fn->dict = dict_new(c);
		dict_set(c, fn->dict, QS(__annotations__), ann);
	}
	return (qv_obj)fn;
}

static qv_obj do_raise(qv_ctx *c, qv_obj e, qv_obj cause, bool has_cause)
{
	if (!IS_INT(e) && e->type == &qv_type_type) {
		/* never reached: built-in types have qv_type_type too */
	}
	if (!IS_INT(e) && (TYPE(e) == &qv_type_type || (TYPE(e)->flags & TF_USER && 0))) {
	}
	const qv_type *t = TYPE(e);
	if (t == &qv_type_type) {
		if (!is_subclass((const qv_type *)e, EXC(BaseException)))
			qv_raisef(c, EXC(TypeError), "exceptions must derive from BaseException");
		e = qv_call0(c, e);
	} else if (!(t->flags & TF_EXC))
		qv_raisef(c, EXC(TypeError), "exceptions must derive from BaseException");
	if (has_cause) {
		if (cause != NONE && TYPE(cause) == &qv_type_type)
			cause = qv_call0(c, cause);
		else if (cause != NONE && !(TYPE(cause)->flags & TF_EXC))
			qv_raisef(c, EXC(TypeError), "exception causes must derive from BaseException");
		((qv_exc *)e)->cause = cause == NONE ? NULL : cause;
		((qv_exc *)e)->suppress = true;
	}
	return e;
}

static qv_obj format_value(qv_ctx *c, qv_obj v, int flags, qv_obj spec)
{
	switch (flags & 3) {
	case 1: v = qv_str_of(c, v); break;
	case 2: v = qv_repr(c, v); break;
	case 3: {
		extern const qv_native bi_ascii;
		v = bi_ascii.fn(c, 1, &v, NULL);
		break;
	}
	default: break;
	}
	if (!spec && IS_STR(v))
		return v;
	return format_obj(c, v, spec ? spec : QS(empty));
}

static qv_obj drive_sync(qv_ctx *c, qv_obj aw)
{
	/* __aexit__ of an async context manager, run to completion */
	if (IS(aw, qv_coro_type) || IS(aw, qv_gen_type)) {
		bool done = false;
		qv_obj r = NONE;
		for (int i = 0; i < 1000000 && !done; i++)
			r = gen_send(c, aw, NONE, NULL, &done);
		return r;
	}
	return aw;
}

static qv_obj get_awaitable(qv_ctx *c, qv_obj o)
{
	if (IS(o, qv_coro_type))
		return o;
	if (IS(o, qv_gen_type))
		return o;
	qv_obj m = qv_special(c, o, QS(__await__));
	if (!m)
		qv_raisef(c, EXC(TypeError), "object %s can't be used in 'await' expression", type_name(o));
	return qv_call0(c, m);
}

static void check_interrupt(qv_ctx *c)
{
	if (c->port->poll_interrupt && (++c->poll_count & 1023) == 0 && c->port->poll_interrupt(c->user))
		c->interrupt = 1;
	/* one load on the hot path: a stop request sets interrupt too */
	if (c->interrupt) {
		c->interrupt = 0;
		if (c->stop) {
			c->stop = 0;
			rt_raise(c, exc_new(c, EXC(SystemExit), EMPTY_TUPLE));
		}
		rt_raise(c, exc_new(c, EXC(KeyboardInterrupt), EMPTY_TUPLE));
	}
}

void qv_check_interrupt(qv_ctx *c)
{
	check_interrupt(c);
}

static qv_obj fast_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	if (IS_INT(a) && IS_INT(b)) {
		intptr_t x = INT_VAL(a), y = INT_VAL(b);
		switch (op & ~OP_INPLACE) {
		case OP_ADD: return int_from_i64(c, (int64_t)x + y);
		case OP_SUB: return int_from_i64(c, (int64_t)x - y);
		case OP_LT: return BOOL(x < y);
		case OP_LE: return BOOL(x <= y);
		case OP_GT: return BOOL(x > y);
		case OP_GE: return BOOL(x >= y);
		case OP_EQ: return BOOL(x == y);
		case OP_NE: return BOOL(x != y);
		default: return int_binop(c, op & ~OP_INPLACE, a, b);
		}
	}
	if (!IS_INT(a) && !IS_INT(b) && a->type == &qv_float_type && b->type == &qv_float_type) {
		double x = FLOAT_VAL(a), y = FLOAT_VAL(b);
		switch (op & ~OP_INPLACE) {
		case OP_ADD: return float_new(c, x + y);
		case OP_SUB: return float_new(c, x - y);
		case OP_MUL: return float_new(c, x * y);
		case OP_TRUEDIV:
			if (y != 0)
				return float_new(c, x / y);
			break;
		case OP_LT: return BOOL(x < y);
		case OP_LE: return BOOL(x <= y);
		case OP_GT: return BOOL(x > y);
		case OP_GE: return BOOL(x >= y);
		case OP_EQ: return BOOL(x == y);
		case OP_NE: return BOOL(x != y);
		default: break;
		}
	}
	if (op >= OP_LT && op <= OP_EXC_MATCH)
		return qv_compare(c, op, a, b);
	return qv_binop(c, op, a, b);
}

/* ------------------------------------------------------------ the loop */
#define ARG (ip += 2, (int)(ip[-2] | (ip[-1] << 8)) | ext)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])

static qv_obj vm_exec(qv_ctx *c, qv_frame *f, qv_obj send, qv_obj throw, int *status)
{
	static const void *const labels[] = {
#define X(n, a, e) &&L_##n,
		OPCODES(X)
#undef X
	};
	qv_code *co = f->code;
	qv_obj *base = f->cells + co->ncells + co->nfree;
	qv_obj *consts = co->consts;
	qv_jmp j;
	volatile uintptr_t here = 0;
	if ((c->stack_limit && c->stack_base - (uintptr_t)&here > c->stack_limit) || c->depth + 1 > c->max_depth) {
		frame_pop(c, f);
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded");
	}
	++c->depth;
	f->back = c->frame;
	c->frame = f;
	uint8_t *ip;
	qv_obj *sp;
	int ext;

	if (send)
		*f->sp++ = send;
	volatile qv_obj vthrow = throw;
arm:
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		c->frame = f;
		qv_obj e = c->exc;
		exc_add_tb(c, e, (qv_obj)f, code_line(co, (uint32_t)(f->ip - co->code)), NULL);
		/* find a handler */
		while (f->nblocks > 0) {
			qv_block *b = &f->blocks[--f->nblocks];
			if (b->kind == B_HANDLER) {
				c->cur_exc = b->saved;
				continue;
			}
			sp = base + b->level;
			*sp++ = e;
			qv_block *h = &f->blocks[f->nblocks++];
			h->kind = B_HANDLER;
			h->saved = c->cur_exc;
			c->cur_exc = e;
			f->ip = co->code + b->handler;
			f->sp = sp;
			goto arm;
		}
		c->frame = f->back;
		c->depth--;
		f->ip = co->code + co->ncode; /* a dead frame */
		frame_pop(c, f);
		rt_raise(c, e);
	}
	if (vthrow) {
		qv_obj t = vthrow;
		vthrow = NULL;
		rt_raise(c, t);
	}
	ip = f->ip;
	sp = f->sp;
	ext = 0;
#define NEXT() do { f->ip = ip; goto *labels[*ip++]; } while (0)
#define NEXT_NOEXT() do { ext = 0; NEXT(); } while (0)
	NEXT();

L_NOP: NEXT();
L_HAVE_ARG: NEXT();
L_EXTENDED_ARG: {
		int a = ARG;
		uint8_t op = *ip++;
		f->ip = ip - 1;
		ext = a << 16;
		goto *labels[op];
	}
L_POP_TOP: sp--; NEXT();
L_ROT_TWO: { qv_obj t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; NEXT(); }
L_ROT_THREE: { qv_obj t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = sp[-3]; sp[-3] = t; NEXT(); }
L_ROT_N: ip += 2; NEXT();
L_DUP_TOP: { qv_obj t = sp[-1]; PUSH(t); NEXT(); }
L_DUP_TOP_TWO: sp[0] = sp[-2]; sp[1] = sp[-1]; sp += 2; NEXT();
L_LOAD_NONE: PUSH(NONE); NEXT();
L_LOAD_TRUE: PUSH(TRUE_); NEXT();
L_LOAD_FALSE: PUSH(FALSE_); NEXT();
L_LOAD_CONST: { int a = ARG; PUSH(consts[a]); ext = 0; NEXT(); }
L_LOAD_SMALL_INT: { int a = ARG; PUSH(MKINT((int16_t)a)); NEXT(); }
L_LOAD_FAST: {
		int a = ARG;
		qv_obj v = f->fast[a];
		if (!v)
			qv_raisef(c, EXC(UnboundLocalError), "cannot access local variable '%S' where it is not associated with a value", co->names[a]);
		PUSH(v);
		NEXT();
	}
L_STORE_FAST: { int a = ARG; f->fast[a] = POP(); NEXT(); }
L_DELETE_FAST: {
		int a = ARG;
		if (!f->fast[a])
			qv_raisef(c, EXC(UnboundLocalError), "cannot access local variable '%S' where it is not associated with a value", co->names[a]);
		f->fast[a] = NULL;
		NEXT();
	}
L_LOAD_DEREF: {
		int a = ARG;
		qv_obj v = ((qv_cell *)f->cells[a])->value;
		if (!v) {
			if (a < co->ncells)
				qv_raisef(c, EXC(UnboundLocalError), "cannot access local variable '%S' where it is not associated with a value", co->names[co->nlocals + a]);
			qv_raisef(c, EXC(NameError), "cannot access free variable '%S' where it is not associated with a value in enclosing scope", co->names[co->nlocals + a]);
		}
		PUSH(v);
		NEXT();
	}
L_STORE_DEREF: { int a = ARG; ((qv_cell *)f->cells[a])->value = POP(); NEXT(); }
L_DELETE_DEREF: { int a = ARG; ((qv_cell *)f->cells[a])->value = NULL; NEXT(); }
L_LOAD_CLOSURE: { int a = ARG; PUSH(f->cells[a]); NEXT(); }
L_LOAD_NAME: { int a = ARG; PUSH(load_name(c, f, consts[a])); ext = 0; NEXT(); }
L_STORE_NAME: {
		int a = ARG;
		qv_obj d = f->locals_dict ? f->locals_dict : f->globals;
		if (IS(d, qv_dict_type))
			dict_set(c, d, consts[a], sp[-1]);
		else
			qv_setitem(c, d, consts[a], sp[-1]);
		sp--;
		ext = 0;
		NEXT();
	}
L_DELETE_NAME: {
		int a = ARG;
		qv_obj d = f->locals_dict ? f->locals_dict : f->globals;
		if (!dict_del(c, d, consts[a]))
			qv_raisef(c, EXC(NameError), "name '%S' is not defined", consts[a]);
		ext = 0;
		NEXT();
	}
L_LOAD_GLOBAL: {
		int a = ARG;
		ext = 0;
		/* the value is good while neither the globals dict nor the
		 * builtins module (if imported) has changed */
		qv_gcache *gc = co->gcache;
		if (gc && gc[a].dict == f->globals && gc[a].version == ((qv_dictobj *)f->globals)->version &&
		    gc[a].bversion == builtins_version(c)) {
			PUSH(gc[a].value);
			NEXT();
		}
		qv_obj v = load_global(c, f, consts[a]);
		if (!gc && IS(f->globals, qv_dict_type)) {
			co->gcache = gc = gc_alloc(c, sizeof(qv_gcache) * (co->nconsts + 1), false);
		}
		if (gc && IS(f->globals, qv_dict_type)) {
			gc[a].dict = f->globals;
			gc[a].version = ((qv_dictobj *)f->globals)->version;
			gc[a].bversion = builtins_version(c);
			gc[a].value = v;
		}
		PUSH(v);
		NEXT();
	}
L_STORE_GLOBAL: { int a = ARG; dict_set(c, f->globals, consts[a], sp[-1]); sp--; ext = 0; NEXT(); }
L_DELETE_GLOBAL: {
		int a = ARG;
		if (!dict_del(c, f->globals, consts[a]))
			qv_raisef(c, EXC(NameError), "name '%S' is not defined", consts[a]);
		ext = 0;
		NEXT();
	}
L_LOAD_ATTR: { int a = ARG; sp[-1] = qv_getattr(c, sp[-1], consts[a]); ext = 0; NEXT(); }
L_STORE_ATTR: { int a = ARG; qv_setattr(c, sp[-1], consts[a], sp[-2]); sp -= 2; ext = 0; NEXT(); }
L_DELETE_ATTR: { int a = ARG; qv_setattr(c, sp[-1], consts[a], NULL); sp--; ext = 0; NEXT(); }
L_LOAD_METHOD: {
		int a = ARG;
		qv_obj self;
		qv_obj m = qv_load_method(c, sp[-1], consts[a], &self);
		sp[-1] = m;
		PUSH(self);
		ext = 0;
		NEXT();
	}
L_CALL_METHOD: {
		int a = ARG;
		size_t npos = (size_t)(a & 0xff), nkw = (size_t)(a >> 8);
		qv_obj *args = sp - npos - 2 * nkw;
		qv_obj self = args[-1], fn = args[-2];
		check_interrupt(c);
		f->sp = sp;
		qv_obj r = self ? rt_call(c, fn, npos + 1, nkw, args - 1) : rt_call(c, fn, npos, nkw, args);
		sp = args - 2;
		PUSH(r);
		NEXT();
	}
L_CALL_FUNCTION: {
		int a = ARG;
		size_t npos = (size_t)(a & 0xff), nkw = (size_t)(a >> 8);
		qv_obj *args = sp - npos - 2 * nkw;
		check_interrupt(c);
		f->sp = sp;
		qv_obj r = rt_call(c, args[-1], npos, nkw, args);
		sp = args - 1;
		PUSH(r);
		NEXT();
	}
L_CALL_EX: {
		int a = ARG;
		qv_obj kw = (a & 1) ? POP() : NULL;
		qv_obj pos = POP();
		check_interrupt(c);
		sp[-1] = qv_call_kwdict(c, sp[-1], pos, kw);
		NEXT();
	}
L_BINARY_OP: { int a = ARG; qv_obj b = POP(); sp[-1] = fast_binop(c, a, sp[-1], b); NEXT(); }
L_COMPARE_OP: { int a = ARG; qv_obj b = POP(); sp[-1] = fast_binop(c, a, sp[-1], b); NEXT(); }
L_UNARY_OP: {
		int a = ARG;
		if (a == UOP_NOT)
			sp[-1] = BOOL(!rt_truth(c, sp[-1]));
		else
			sp[-1] = qv_unop(c, a, sp[-1]);
		NEXT();
	}
L_BINARY_SUBSCR: {
		qv_obj k = POP();
		qv_obj o = sp[-1];
		if (IS_INT(k) && !IS_INT(o) && o->type == &qv_list_type) {
			qv_listobj *l = (qv_listobj *)o;
			intptr_t i = INT_VAL(k);
			if (i < 0)
				i += (intptr_t)l->len;
			if (i >= 0 && (size_t)i < l->len) {
				sp[-1] = l->items[i];
				NEXT();
			}
		}
		sp[-1] = qv_getitem(c, o, k);
		NEXT();
	}
L_STORE_SUBSCR: { qv_setitem(c, sp[-2], sp[-1], sp[-3]); sp -= 3; NEXT(); }
L_DELETE_SUBSCR: { qv_delitem(c, sp[-2], sp[-1]); sp -= 2; NEXT(); }
L_BUILD_SLICE: {
		int a = ARG;
		qv_obj step = a == 3 ? POP() : NONE;
		qv_obj stop = POP();
		sp[-1] = slice_new(c, sp[-1], stop, step);
		NEXT();
	}
L_JUMP: {
		int a = ARG;
		uint8_t *t = co->code + a;
		if (t < ip)
			check_interrupt(c);
		ip = t;
		NEXT();
	}
L_POP_JUMP_IF_FALSE: {
		int a = ARG;
		qv_obj v = POP();
		if (v == FALSE_ || (v != TRUE_ && !rt_truth(c, v))) {
			uint8_t *t = co->code + a;
			if (t < ip)
				check_interrupt(c);
			ip = t;
		}
		NEXT();
	}
L_POP_JUMP_IF_TRUE: {
		int a = ARG;
		qv_obj v = POP();
		if (v == TRUE_ || (v != FALSE_ && rt_truth(c, v)))
			ip = co->code + a;
		NEXT();
	}
L_JUMP_IF_FALSE_OR_POP: {
		int a = ARG;
		if (!rt_truth(c, sp[-1]))
			ip = co->code + a;
		else
			sp--;
		NEXT();
	}
L_JUMP_IF_TRUE_OR_POP: {
		int a = ARG;
		if (rt_truth(c, sp[-1]))
			ip = co->code + a;
		else
			sp--;
		NEXT();
	}
L_GET_ITER: sp[-1] = qv_iter(c, sp[-1]); NEXT();
L_FOR_ITER: {
		int a = ARG;
		qv_obj v = qv_next(c, sp[-1]);
		if (v)
			PUSH(v);
		else {
			sp--;
			ip = co->code + a;
		}
		NEXT();
	}
L_BUILD_TUPLE: { int a = ARG; sp -= a; qv_obj t = tuple_from(c, (size_t)a, sp); PUSH(t); NEXT(); }
L_BUILD_LIST: {
		int a = ARG;
		qv_obj l = list_new(c, (size_t)a);
		sp -= a;
		for (int i = 0; i < a; i++)
			((qv_listobj *)l)->items[i] = sp[i];
		PUSH(l);
		NEXT();
	}
L_BUILD_SET: {
		int a = ARG;
		qv_obj s = set_new(c, &qv_set_type);
		sp -= a;
		for (int i = 0; i < a; i++)
			set_add(c, s, sp[i]);
		PUSH(s);
		NEXT();
	}
L_BUILD_MAP: {
		int a = ARG;
		qv_obj d = dict_new(c);
		sp -= 2 * a;
		for (int i = 0; i < a; i++)
			dict_set(c, d, sp[2 * i], sp[2 * i + 1]);
		PUSH(d);
		NEXT();
	}
L_BUILD_STRING: {
		int a = ARG;
		sbuf b;
		sb_init(&b, c, 32);
		sp -= a;
		for (int i = 0; i < a; i++)
			sb_addobj(&b, sp[i]);
		PUSH(sb_str(&b));
		NEXT();
	}
L_FORMAT_VALUE: {
		int a = ARG;
		qv_obj spec = (a & 4) ? POP() : NULL;
		sp[-1] = format_value(c, sp[-1], a, spec);
		NEXT();
	}
L_LIST_APPEND: { int a = ARG; qv_obj v = POP(); if (!IS(sp[-a], qv_list_type)) goto bad_container; list_append(c, sp[-a], v); NEXT(); }
L_SET_ADD: { int a = ARG; qv_obj v = POP(); if (!IS(sp[-a], qv_set_type)) goto bad_container; set_add(c, sp[-a], v); NEXT(); }
L_MAP_ADD: { int a = ARG; qv_obj v = POP(); qv_obj k = POP(); if (!IS(sp[-a], qv_dict_type)) goto bad_container; dict_set(c, sp[-a], k, v); NEXT(); }
L_LIST_EXTEND: {
		int a = ARG;
		qv_obj it = qv_iter(c, POP());
		qv_obj l = sp[-a], v;
		if (!IS(l, qv_list_type))
			goto bad_container;
		while ((v = qv_next(c, it)))
			list_append(c, l, v);
		NEXT();
	}
L_SET_UPDATE: { int a = ARG; qv_obj it = POP(); if (!IS(sp[-a], qv_set_type)) goto bad_container; set_update(c, sp[-a], it); NEXT(); }
L_DICT_UPDATE: {
		int a = ARG;
		qv_obj m = POP();
		qv_call_method(c, sp[-a], QS(update), 1, &m);
		NEXT();
	}
L_DICT_MERGE: {
		qv_obj m = POP();
		qv_obj d = sp[-1];
		if (!IS(d, qv_dict_type))
			goto bad_container;
		if (!IS(m, qv_dict_type)) {
			if (!qv_getattr_opt(c, m, QS(keys)))
				qv_raisef(c, EXC(TypeError), "argument after ** must be a mapping, not %s", type_name(m));
			qv_obj nd = dict_new(c);
			qv_call_method(c, nd, QS(update), 1, &m);
			m = nd;
		}
		qv_dictobj *md = (qv_dictobj *)m;
		for (size_t i = 0; i < md->n; i++) {
			if (!md->entries[i].key)
				continue;
			if (dict_get(c, d, md->entries[i].key))
				qv_raisef(c, EXC(TypeError), "got multiple values for keyword argument '%S'", md->entries[i].key);
			dict_set(c, d, md->entries[i].key, md->entries[i].value);
		}
		NEXT();
	}
L_LIST_TO_TUPLE: {
		if (!IS(sp[-1], qv_list_type))
			goto bad_container;
		qv_listobj *l = (qv_listobj *)sp[-1];
		sp[-1] = tuple_from(c, l->len, l->items);
		NEXT();
	}
L_UNPACK_SEQUENCE: {
		int a = ARG;
		qv_obj seq = POP();
		qv_obj tmp[16];
		qv_obj *out = a <= 16 ? tmp : gc_alloc(c, sizeof(qv_obj) * (size_t)a, false);
		unpack(c, seq, (size_t)a, out);
		for (int i = a - 1; i >= 0; i--)
			PUSH(out[i]);
		NEXT();
	}
L_UNPACK_EX: {
		int a = ARG;
		size_t before = (size_t)(a & 0xff), after = (size_t)(a >> 8);
		qv_obj l = list_from_iter(c, POP());
		qv_listobj *ll = (qv_listobj *)l;
		if (ll->len < before + after)
			qv_raisef(c, EXC(ValueError), "not enough values to unpack (expected at least %u, got %u)",
				  (unsigned)(before + after), (unsigned)ll->len);
		for (size_t i = 0; i < after; i++)
			PUSH(ll->items[ll->len - 1 - i]);
		qv_obj mid = list_new(c, ll->len - before - after);
		for (size_t i = 0; i < ll->len - before - after; i++)
			((qv_listobj *)mid)->items[i] = ll->items[before + i];
		PUSH(mid);
		for (size_t i = before; i > 0; i--)
			PUSH(ll->items[i - 1]);
		NEXT();
	}
L_MAKE_FUNCTION: {
		int a = ARG;
		qv_code *fc = (qv_code *)POP();
		if (!IS((qv_obj)fc, qv_code_type))
			qv_raisef(c, EXC(TypeError), "bad bytecode: function without code");
		qv_obj fn = make_function(c, f, fc, a, &sp);
		PUSH(fn);
		NEXT();
	}
L_RETURN_VALUE: {
		qv_obj r = POP();
		qv_untry(c, &j);
		c->frame = f->back;
		c->depth--;
		f->ip = co->code + co->ncode;
		frame_pop(c, f);
		*status = ST_RETURN;
		return r;
	}
L_YIELD_VALUE: {
		qv_obj r = POP();
		f->ip = ip;
		f->sp = sp;
		qv_untry(c, &j);
		c->frame = f->back;
		c->depth--;
		*status = ST_YIELD;
		return r;
	}
L_GET_YIELD_FROM_ITER: {
		qv_obj o = sp[-1];
		if (!IS(o, qv_gen_type) && !IS(o, qv_coro_type))
			sp[-1] = qv_iter(c, o);
		NEXT();
	}
L_GET_AWAITABLE: sp[-1] = get_awaitable(c, sp[-1]); NEXT();
L_YIELD_FROM: {
		qv_obj v = POP();
		qv_obj it = sp[-1];
		qv_obj r;
		bool done;
		if (IS(it, qv_gen_type) || IS(it, qv_coro_type)) {
			r = gen_send(c, it, v, NULL, &done);
		} else if (v == NONE) {
			r = qv_next(c, it);
			done = r == NULL;
			if (done)
				r = NONE;
		} else {
			r = qv_call_method(c, it, QS(send), 1, &v);
			done = false;
		}
		if (done) {
			sp[-1] = r;
			NEXT();
		}
		f->ip = ip - 1;
		f->sp = sp;
		qv_untry(c, &j);
		c->frame = f->back;
		c->depth--;
		*status = ST_YIELD;
		return r;
	}
L_SETUP_EXCEPT: {
		int a = ARG;
		if (f->nblocks >= co->nblocks)
			qv_raisef(c, EXC(SyntaxError), "too many statically nested blocks");
		qv_block *b = &f->blocks[f->nblocks++];
		b->kind = B_TRY;
		b->handler = (uint16_t)a;
		b->level = (uint32_t)(sp - base);
		NEXT();
	}
L_SETUP_ASYNC_WITH: {
		int a = ARG;
		if (f->nblocks >= co->nblocks)
			qv_raisef(c, EXC(SyntaxError), "too many statically nested blocks");
		qv_block *b = &f->blocks[f->nblocks++];
		b->kind = B_TRY;
		b->handler = (uint16_t)a;
		b->level = (uint32_t)(sp - base - 1);
		NEXT();
	}
L_SETUP_WITH: {
		int a = ARG;
		qv_obj mgr = sp[-1];
		qv_obj enter = qv_special(c, mgr, QS(__enter__));
		qv_obj exitm = qv_special(c, mgr, QS(__exit__));
		if (!enter || !exitm)
			qv_raisef(c, EXC(TypeError), "'%s' object does not support the context manager protocol", type_name(mgr));
		sp[-1] = exitm;
		if (f->nblocks >= co->nblocks)
			qv_raisef(c, EXC(SyntaxError), "too many statically nested blocks");
		qv_block *b = &f->blocks[f->nblocks++];
		b->kind = B_TRY;
		b->handler = (uint16_t)a;
		b->level = (uint32_t)(sp - base);
		qv_obj r = qv_call0(c, enter);
		PUSH(r);
		NEXT();
	}
L_BEFORE_ASYNC_WITH: {
		qv_obj mgr = sp[-1];
		qv_obj enter = qv_special(c, mgr, QS(__aenter__));
		qv_obj exitm = qv_special(c, mgr, QS(__aexit__));
		if (!enter || !exitm)
			qv_raisef(c, EXC(TypeError), "'%s' object does not support the asynchronous context manager protocol", type_name(mgr));
		sp[-1] = exitm;
		PUSH(qv_call0(c, enter));
		NEXT();
	}
L_POP_BLOCK:
	if (f->nblocks <= 0)
		qv_raisef(c, EXC(RuntimeError), "bad bytecode: block stack underflow");
	f->nblocks--;
	NEXT();
L_POP_EXCEPT: {
		if (f->nblocks <= 0 || f->blocks[f->nblocks - 1].kind != B_HANDLER)
			qv_raisef(c, EXC(RuntimeError), "bad bytecode: no exception handler to pop");
		qv_block *b = &f->blocks[--f->nblocks];
		c->cur_exc = b->saved;
		NEXT();
	}
L_RERAISE: {
		qv_obj e = POP();
		if (IS_INT(e) || !(TYPE(e)->flags & TF_EXC))
			qv_raisef(c, EXC(TypeError), "bad bytecode: re-raising a non-exception");
		rt_raise(c, e);
	}
bad_container:
	qv_raisef(c, EXC(TypeError), "bad bytecode: container expected on the stack");
L_WITH_EXIT: {
		qv_obj ex = POP();
		qv_obj args[3] = {NONE, NONE, NONE};
		drive_sync(c, rt_call(c, ex, 3, 0, args));
		NEXT();
	}
L_WITH_EXIT_EXC: {
		qv_obj e = sp[-1], ex = sp[-2];
		if (IS_INT(e) || !(TYPE(e)->flags & TF_EXC) || f->nblocks <= 0)
			qv_raisef(c, EXC(TypeError), "bad bytecode: with cleanup without an exception");
		qv_obj args[3] = {(qv_obj)TYPE(e), e, NONE};
		qv_obj r = drive_sync(c, rt_call(c, ex, 3, 0, args));
		if (!rt_truth(c, r))
			rt_raise(c, e);
		qv_block *b = &f->blocks[--f->nblocks];
		c->cur_exc = b->saved;
		sp -= 2;
		NEXT();
	}
L_EXC_MATCH: {
		qv_obj t = POP();
		qv_obj e = sp[-1];
		sp[-1] = qv_compare(c, OP_EXC_MATCH, e, t);
		NEXT();
	}
L_RAISE_VARARGS: {
		int a = ARG;
		qv_obj e;
		if (a == 0) {
			if (!c->cur_exc)
				qv_raisef(c, EXC(RuntimeError), "No active exception to reraise");
			rt_raise(c, c->cur_exc);
		}
		if (a == 2) {
			qv_obj cause = POP();
			e = do_raise(c, POP(), cause, true);
		} else
			e = do_raise(c, POP(), NULL, false);
		rt_raise(c, e);
	}
L_LOAD_ASSERTION_ERROR: PUSH((qv_obj)EXC(AssertionError)); NEXT();
L_LOAD_BUILD_CLASS: PUSH(builtins_lookup(QS(__build_class__))); NEXT();
L_IMPORT_NAME: {
		int a = ARG;
		qv_obj from = POP();
		qv_obj level = sp[-1];
		sp[-1] = import_module(c, consts[a], from, (int)INT_VAL(level), f->globals);
		ext = 0;
		NEXT();
	}
L_IMPORT_FROM: {
		int a = ARG;
		qv_obj m = sp[-1];
		qv_obj v = qv_getattr_opt(c, m, consts[a]);
		if (!v) {
			/* a submodule not imported yet */
			if (IS(m, qv_module_type)) {
				qv_obj full = str_fmt(c, "%S.%S", ((qv_module *)m)->name, consts[a]);
				qv_jmp j2;
				if (qv_try(c, &j2)) {
					qv_catch(c, &j2);
					v = NULL;
				} else {
					v = import_module(c, full, tuple_pack(c, 1, QS(star)), 0, f->globals);
					qv_untry(c, &j2);
				}
			}
			if (!v)
				qv_raisef(c, EXC(ImportError), "cannot import name '%S' from '%S'", consts[a],
					  IS(m, qv_module_type) ? ((qv_module *)m)->name : QS(empty));
		}
		PUSH(v);
		ext = 0;
		NEXT();
	}
L_IMPORT_STAR: {
		qv_obj m = POP();
		qv_obj d = f->locals_dict ? f->locals_dict : f->globals;
		qv_obj md = IS(m, qv_module_type) ? ((qv_module *)m)->dict : NULL;
		if (md) {
			qv_obj all = dict_get_str(md, QS(__all__));
			if (all) {
				qv_obj it = qv_iter(c, all), k;
				while ((k = qv_next(c, it)))
					dict_set(c, d, k, qv_getattr(c, m, k));
			} else {
				qv_dictobj *dd = (qv_dictobj *)md;
				for (size_t i = 0; i < dd->n; i++) {
					qv_obj k = dd->entries[i].key;
					if (k && IS_STR(k) && STR(k)->len && STR(k)->data[0] != '_')
						dict_set(c, d, k, dd->entries[i].value);
				}
			}
		}
		NEXT();
	}
L_PRINT_EXPR: {
		qv_obj v = POP();
		if (v != NONE) {
			print_obj(c, v, false, QV_OUT);
			port_write(c, QV_OUT, "\n", 1);
		}
		NEXT();
	}
L_SETUP_ANNOTATIONS: NEXT();
L_GET_AITER: {
		qv_obj m = qv_special(c, sp[-1], QS(__aiter__));
		if (!m)
			qv_raisef(c, EXC(TypeError), "'async for' requires an object with __aiter__ method, got %s", type_name(sp[-1]));
		sp[-1] = qv_call0(c, m);
		NEXT();
	}
L_GET_ANEXT: {
		qv_obj m = qv_special(c, sp[-1], QS(__anext__));
		if (!m)
			qv_raisef(c, EXC(TypeError), "'async for' requires an iterator with __anext__ method, got %s", type_name(sp[-1]));
		PUSH(qv_call0(c, m));
		NEXT();
	}
L_END_ASYNC_FOR: {
		/* stack: iterator, exception (the handler block is on top) */
		qv_obj e = POP();
		if (IS_INT(e) || !(TYPE(e)->flags & TF_EXC) || f->nblocks <= 0)
			qv_raisef(c, EXC(TypeError), "bad bytecode: async for cleanup without an exception");
		if (!isinstance(e, EXC(StopAsyncIteration)))
			rt_raise(c, e);
		qv_block *b = &f->blocks[--f->nblocks];
		c->cur_exc = b->saved;
		sp--;
		NEXT();
	}
}

/* ------------------------------------------------------------ lines */
int code_line(qv_code *co, uint32_t pc)
{
	int line = (int)co->firstline;
	uint32_t at = 0;
	const uint8_t *p = co->lines, *e = co->lines + co->nlines;
	while (p < e) {
		uint32_t dpc = 0, z = 0;
		int sh = 0;
		while (p < e && (*p & 0x80)) {
			dpc |= (uint32_t)(*p++ & 0x7f) << sh;
			sh += 7;
		}
		if (p < e)
			dpc |= (uint32_t)*p++ << sh;
		sh = 0;
		while (p < e && (*p & 0x80)) {
			z |= (uint32_t)(*p++ & 0x7f) << sh;
			sh += 7;
		}
		if (p < e)
			z |= (uint32_t)*p++ << sh;
		if (at + dpc > pc)
			break;
		at += dpc;
		line += (z & 1) ? -(int)((z + 1) >> 1) : (int)(z >> 1);
	}
	return line;
}

qv_obj vm_run_class_body(qv_ctx *c, qv_func *fn, qv_obj ns)
{
	qv_code *co = fn->code;
	qv_frame *f = frame_new(c, co, fn, fn->globals);
	f->locals_dict = ns;
	if (co->ncells || co->nfree)
		init_cells(c, f);
	int st;
	return vm_exec(c, f, NULL, NULL, &st);
}
