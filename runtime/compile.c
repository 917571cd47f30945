/* The compiler: the tree from parse.c to code objects, in two passes. The
 * first builds a symbol table per scope (module, class, function, lambda,
 * comprehension) and decides for every name whether it is a fast local, a
 * cell, a free variable or a global; the second emits bytecode. */
#include "ast.h"
#include "lexer.h"
#include "opcodes.h"

enum { SC_MODULE, SC_FUNC, SC_CLASS };
enum { F_LOCAL = 1, F_GLOBAL = 2, F_NONLOCAL = 4, F_USED = 8, F_PARAM = 16, F_CELL = 32,
       F_FREE = 64 };

typedef struct scope {
	int kind;
	struct scope *parent;
	node *n;
	qv_obj syms; /* name -> flags */
	qv_obj name;
	bool gen, async, comp;
	int nargs, nkwonly, nposonly;
	uint16_t coflags;
	/* filled when resolved */
	qv_obj varnames, cellnames, freenames;
} scope;

enum { FB_WHILE, FB_FOR, FB_TRY, FB_FINALLY, FB_WITH, FB_HANDLER, FB_ASYNC_WITH };
typedef struct { int kind; node *body; int cont; qv_obj breaks; } fblock;

typedef struct unit {
	scope *sc;
	sbuf code, lines;
	qv_obj consts;
	int depth, maxdepth;
	int line, lastline;
	uint32_t lastpc;
	fblock fb[24];
	int nfb;
	struct unit *outer;
} unit;

typedef struct {
	qv_ctx *c;
	qv_obj filename;
	unit *u;
	qv_obj scopes; /* list of scope pointers in creation order, as ints */
	lexer *errl;
	int mode;
	const char *src;
	size_t srclen;
	int edepth;
} comp;

static const int8_t op_effect[] = {
#define X(n, a, e) e,
	OPCODES(X)
#undef X
};

static _Noreturn void cerr(comp *C, node *n, const char *msg)
{
	lexer L;
	lex_init(&L, C->c, C->src, C->srclen, C->filename);
	L.tok = T_NAME;
	L.pos = 0;
	C->c->incomplete = false;
	lex_error(&L, n ? n->line : 1, n ? n->col : 0, EXC(SyntaxError), msg);
}

/* ------------------------------------------------------------ symbols */
static scope *scope_new(comp *C, int kind, scope *parent, node *n, qv_obj name)
{
	scope *s = NEW(C->c, scope);
	s->kind = kind;
	s->parent = parent;
	s->n = n;
	s->name = name;
	s->syms = dict_new(C->c);
	n->scope = s;
	list_append(C->c, C->scopes, (qv_obj)s);
	return s;
}

static int sym_flags(scope *s, qv_obj name)
{
	qv_obj v = dict_get_str(s->syms, name);
	return v ? (int)INT_VAL(v) : 0;
}

static void sym_add(comp *C, scope *s, qv_obj name, int f)
{
	dict_set(C->c, s->syms, name, MKINT(sym_flags(s, name) | f));
}

static void sym_expr(comp *C, scope *s, node *n);
static void sym_stmts(comp *C, scope *s, node **l, int n);

static void sym_target(comp *C, scope *s, node *t)
{
	switch (t->kind) {
	case N_NAME:
		sym_add(C, s, t->v, F_LOCAL);
		break;
	case N_TUPLE: case N_LIST:
		for (int i = 0; i < t->n; i++)
			sym_target(C, s, t->list[i]);
		break;
	case N_STARRED:
		sym_target(C, s, t->a);
		break;
	default:
		sym_expr(C, s, t);
	}
}

static void sym_args(comp *C, scope *outer, scope *s, node *fn)
{
	/* defaults and annotations belong to the enclosing scope */
	for (int i = 0; i < fn->n; i++) {
		node *a = fn->list[i];
		if (a->b)
			sym_expr(C, outer, a->b);
		if (a->a)
			sym_expr(C, outer, a->a);
	}
	if (fn->kind == N_FUNCDEF && fn->d)
		sym_expr(C, outer, fn->d);
	for (int i = 0; i < fn->n; i++) {
		node *a = fn->list[i];
		if (a->flags & (NF_STAR | NF_DSTAR))
			continue;
		sym_add(C, s, a->v, F_LOCAL | F_PARAM);
		if (a->flags & NF_KWONLY)
			s->nkwonly++;
		else
			s->nargs++;
		if (a->flags & NF_POSONLY)
			s->nposonly++;
	}
	for (int i = 0; i < fn->n; i++) {
		node *a = fn->list[i];
		if (a->flags & NF_STAR) {
			sym_add(C, s, a->v, F_LOCAL | F_PARAM);
			s->coflags |= CO_VARARGS;
		}
	}
	for (int i = 0; i < fn->n; i++) {
		node *a = fn->list[i];
		if (a->flags & NF_DSTAR) {
			sym_add(C, s, a->v, F_LOCAL | F_PARAM);
			s->coflags |= CO_VARKW;
		}
	}
}

static void sym_comp(comp *C, scope *s, node *n, qv_obj name)
{
	node *first = n->list2[0];
	sym_expr(C, s, first->b);
	scope *cs = scope_new(C, SC_FUNC, s, n, name);
	cs->comp = true;
	sym_add(C, cs, QS(dot0), F_LOCAL | F_PARAM);
	cs->nargs = 1;
	for (int i = 0; i < n->n2; i++) {
		node *f = n->list2[i];
		if (i > 0)
			sym_expr(C, cs, f->b);
		sym_target(C, cs, f->a);
		for (int k = 0; k < f->n; k++)
			sym_expr(C, cs, f->list[k]);
		if (f->flags & NF_ASYNC)
			cs->async = true;
	}
	if (n->a)
		sym_expr(C, cs, n->a);
	if (n->b)
		sym_expr(C, cs, n->b);
	if (n->kind == N_GENEXP)
		cs->gen = true;
}

static void sym_expr1(comp *C, scope *s, node *n);
static void sym_expr(comp *C, scope *s, node *n)
{
	if (!n)
		return;
	if (++C->edepth > 400)
		cerr(C, n, "expression too deeply nested");
	sym_expr1(C, s, n);
	C->edepth--;
}

static void sym_expr1(comp *C, scope *s, node *n)
{
	switch (n->kind) {
	case N_NAME:
		sym_add(C, s, n->v, F_USED);
		if (n->v == QS(super) && s->kind == SC_FUNC)
			sym_add(C, s, QS(__class__), F_USED);
		return;
	case N_CONST:
		return;
	case N_LAMBDA: {
		scope *fs = scope_new(C, SC_FUNC, s, n, QS(LTlambda));
		sym_args(C, s, fs, n);
		sym_expr(C, fs, n->a);
		return;
	}
	case N_LISTCOMP: sym_comp(C, s, n, QS(LTlistcomp)); return;
	case N_SETCOMP: sym_comp(C, s, n, QS(LTsetcomp)); return;
	case N_DICTCOMP: sym_comp(C, s, n, QS(LTdictcomp)); return;
	case N_GENEXP: sym_comp(C, s, n, QS(LTgenexpr)); return;
	case N_YIELD: case N_YIELDFROM:
		if (s->kind != SC_FUNC || s->comp)
			cerr(C, n, "'yield' outside function");
		s->gen = true;
		break;
	case N_AWAIT:
		if (s->kind != SC_FUNC || !(s->async || s->comp))
			cerr(C, n, "'await' outside async function");
		if (s->comp)
			s->async = true;
		break;
	case N_NAMEDEXPR: {
		scope *t = s;
		while (t->comp)
			t = t->parent;
		sym_add(C, t, n->a->v, F_LOCAL);
		if (t != s)
			sym_add(C, s, n->a->v, F_USED);
		sym_expr(C, s, n->b);
		return;
	}
	default:
		break;
	}
	sym_expr(C, s, n->a);
	sym_expr(C, s, n->b);
	sym_expr(C, s, n->c);
	for (int i = 0; i < n->n; i++)
		sym_expr(C, s, n->list[i]);
	if (n->kind != N_COMPARE)
		for (int i = 0; i < n->n2; i++)
			sym_expr(C, s, n->list2[i]);
}

static void sym_stmt(comp *C, scope *s, node *n)
{
	switch (n->kind) {
	case N_MODULE:
		sym_stmts(C, s, n->list, n->n);
		return;
	case N_ASSIGN:
		for (int i = 0; i < n->n; i++)
			sym_target(C, s, n->list[i]);
		sym_expr(C, s, n->a);
		return;
	case N_AUGASSIGN:
		if (n->a->kind == N_NAME)
			sym_add(C, s, n->a->v, F_LOCAL | F_USED);
		else
			sym_expr(C, s, n->a);
		sym_expr(C, s, n->b);
		return;
	case N_ANNASSIGN:
		if (n->a->kind != N_NAME)
			sym_expr(C, s, n->a);
		return;
	case N_DEL:
		sym_target(C, s, n->a);
		return;
	case N_GLOBAL: case N_NONLOCAL:
		for (int i = 0; i < n->n; i++) {
			qv_obj nm = n->list[i]->v;
			int f = sym_flags(s, nm);
			if (f & (F_LOCAL | F_USED)) {
				char buf[120];
				const char *what = f & F_PARAM ? "is parameter and" : f & F_LOCAL ? "is assigned to before" : "is used prior to";
				qv_obj m = str_fmt(C->c, "name '%s' %s %s declaration", cstr(C->c, nm), what,
						   n->kind == N_GLOBAL ? "global" : "nonlocal");
				__builtin_memcpy(buf, STR(m)->data, STR(m)->len < 119 ? STR(m)->len + 1 : 119);
				buf[119] = 0;
				cerr(C, n, buf);
			}
			if (n->kind == N_NONLOCAL && s->kind == SC_MODULE)
				cerr(C, n, "nonlocal declaration not allowed at module level");
			sym_add(C, s, nm, n->kind == N_GLOBAL ? F_GLOBAL : F_NONLOCAL);
		}
		return;
	case N_IMPORT:
		for (int i = 0; i < n->n; i++) {
			node *k = n->list[i];
			if (k->d)
				sym_add(C, s, k->d->v, F_LOCAL);
			else {
				const char *p = STR(k->v)->data;
				size_t l = 0;
				while (l < STR(k->v)->len && p[l] != '.')
					l++;
				sym_add(C, s, str_intern(C->c, p, l), F_LOCAL);
			}
		}
		return;
	case N_IMPORTFROM:
		if ((n->flags & NF_STAR) && s->kind != SC_MODULE)
			cerr(C, n, "import * only allowed at module level");
		for (int i = 0; i < n->n; i++) {
			node *k = n->list[i];
			sym_add(C, s, k->a ? k->a->v : k->v, F_LOCAL);
		}
		return;
	case N_FOR:
		sym_target(C, s, n->a);
		sym_expr(C, s, n->b);
		sym_stmts(C, s, n->list, n->n);
		sym_stmts(C, s, n->list2, n->n2);
		return;
	case N_IF: case N_WHILE:
		sym_expr(C, s, n->a);
		sym_stmts(C, s, n->list, n->n);
		sym_stmts(C, s, n->list2, n->n2);
		return;
	case N_TRY:
		sym_stmts(C, s, n->list, n->n);
		for (int i = 0; i < n->n2; i++) {
			node *h = n->list2[i];
			sym_expr(C, s, h->a);
			if (h->v != NONE)
				sym_add(C, s, h->v, F_LOCAL);
			sym_stmts(C, s, h->list, h->n);
		}
		if (n->b)
			sym_stmt(C, s, n->b);
		if (n->c)
			sym_stmt(C, s, n->c);
		return;
	case N_WITH:
		for (int i = 0; i < n->n2; i++) {
			sym_expr(C, s, n->list2[i]->a);
			if (n->list2[i]->b)
				sym_target(C, s, n->list2[i]->b);
		}
		sym_stmts(C, s, n->list, n->n);
		return;
	case N_FUNCDEF: {
		if (n->c)
			for (int i = 0; i < n->c->n; i++)
				sym_expr(C, s, n->c->list[i]);
		sym_add(C, s, n->v, F_LOCAL);
		scope *fs = scope_new(C, SC_FUNC, s, n, n->v);
		fs->async = (n->flags & NF_ASYNC) != 0;
		sym_args(C, s, fs, n);
		sym_stmts(C, fs, n->a->list, n->a->n);
		return;
	}
	case N_CLASSDEF: {
		if (n->c)
			for (int i = 0; i < n->c->n; i++)
				sym_expr(C, s, n->c->list[i]);
		if (n->b) {
			for (int i = 0; i < n->b->n; i++)
				sym_expr(C, s, n->b->list[i]);
			for (int i = 0; i < n->b->n2; i++)
				sym_expr(C, s, n->b->list2[i]->a);
		}
		sym_add(C, s, n->v, F_LOCAL);
		scope *cs = scope_new(C, SC_CLASS, s, n, n->v);
		sym_stmts(C, cs, n->a->list, n->a->n);
		return;
	}
	case N_RETURN:
		if (s->kind != SC_FUNC && C->mode != 2)
			cerr(C, n, "'return' outside function");
		sym_expr(C, s, n->a);
		return;
	default:
		sym_expr(C, s, n->a);
		sym_expr(C, s, n->b);
		return;
	}
}

static void sym_stmts(comp *C, scope *s, node **l, int n)
{
	for (int i = 0; i < n; i++)
		sym_stmt(C, s, l[i]);
}

/* Marks name free in s and every function scope between s and the one
 * that binds it; returns false when no enclosing function binds it. */
static bool resolve_free(comp *C, scope *s, qv_obj name)
{
	for (scope *p = s->parent; p; p = p->parent) {
		if (p->kind == SC_CLASS)
			continue;
		if (p->kind == SC_MODULE)
			return false;
		int f = sym_flags(p, name);
		if (f & F_GLOBAL)
			return false;
		if (f & (F_LOCAL | F_FREE | F_NONLOCAL)) {
			if (f & F_NONLOCAL)
				resolve_free(C, p, name), f = sym_flags(p, name);
			if (!(f & F_FREE))
				sym_add(C, p, name, F_CELL);
			for (scope *q = s; q != p; q = q->parent)
				sym_add(C, q, name, F_FREE);
			return true;
		}
	}
	return false;
}

static void resolve(comp *C)
{
	qv_listobj *l = (qv_listobj *)C->scopes;
	for (size_t i = 0; i < l->len; i++) {
		scope *s = (scope *)l->items[i];
		qv_dictobj *d = (qv_dictobj *)s->syms;
		for (size_t k = 0; k < d->n; k++) {
			qv_obj nm = d->entries[k].key;
			if (!nm)
				continue;
			int f = (int)INT_VAL(d->entries[k].value);
			if (f & F_NONLOCAL) {
				if (!resolve_free(C, s, nm)) {
					qv_obj m = str_fmt(C->c, "no binding for nonlocal '%s' found", cstr(C->c, nm));
					cerr(C, s->n, cstr(C->c, m));
				}
				continue;
			}
			if (s->kind == SC_MODULE || (f & (F_LOCAL | F_GLOBAL)))
				continue;
			if (f & F_USED)
				resolve_free(C, s, nm);
		}
	}
	/* now lay out the variables of every scope */
	for (size_t i = 0; i < l->len; i++) {
		scope *s = (scope *)l->items[i];
		s->varnames = list_new(C->c, 0);
		s->cellnames = list_new(C->c, 0);
		s->freenames = list_new(C->c, 0);
		qv_dictobj *d = (qv_dictobj *)s->syms;
		for (size_t k = 0; k < d->n; k++) {
			qv_obj nm = d->entries[k].key;
			if (!nm)
				continue;
			int f = (int)INT_VAL(d->entries[k].value);
			if (s->kind == SC_FUNC && (f & F_PARAM))
				list_append(C->c, s->varnames, nm);
			else if (s->kind == SC_FUNC && (f & F_LOCAL) && !(f & (F_CELL | F_FREE | F_GLOBAL | F_NONLOCAL)))
				list_append(C->c, s->varnames, nm);
			if ((f & F_CELL) && !(f & F_FREE))
				list_append(C->c, s->cellnames, nm);
			else if (f & F_FREE)
				list_append(C->c, s->freenames, nm);
		}
	}
}

/* ------------------------------------------------------------ emitting */
static void emit_line(comp *C)
{
	unit *u = C->u;
	if (u->line == u->lastline)
		return;
	uint32_t pc = (uint32_t)u->code.n;
	uint32_t dpc = pc - u->lastpc;
	int dl = u->line - u->lastline;
	/* varint pc delta, zigzag varint line delta */
	while (dpc >= 0x80) {
		sb_addc(&u->lines, (char)(0x80 | (dpc & 0x7f)));
		dpc >>= 7;
	}
	sb_addc(&u->lines, (char)dpc);
	uint32_t z = dl < 0 ? ((uint32_t)(-dl) << 1) - 1 : (uint32_t)dl << 1;
	while (z >= 0x80) {
		sb_addc(&u->lines, (char)(0x80 | (z & 0x7f)));
		z >>= 7;
	}
	sb_addc(&u->lines, (char)z);
	u->lastline = u->line;
	u->lastpc = pc;
}

static void adjust(comp *C, int d)
{
	unit *u = C->u;
	u->depth += d;
	if (u->depth > u->maxdepth)
		u->maxdepth = u->depth;
}

static int var_effect(int op, int arg)
{
	switch (op) {
	case I_CALL_FUNCTION: return -((arg & 0xff) + 2 * (arg >> 8));
	case I_CALL_METHOD: return -((arg & 0xff) + 2 * (arg >> 8)) - 1;
	case I_CALL_EX: return -1 - (arg & 1);
	case I_BUILD_TUPLE: case I_BUILD_LIST: case I_BUILD_SET: case I_BUILD_STRING:
		return 1 - arg;
	case I_BUILD_MAP: return 1 - 2 * arg;
	case I_BUILD_SLICE: return 1 - arg;
	case I_UNPACK_SEQUENCE: return arg - 1;
	case I_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
	case I_MAKE_FUNCTION: return -rt_popcount(arg & 0xf);
	case I_RAISE_VARARGS: return -arg;
	case I_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
	default: return 0;
	}
}

static void emit(comp *C, int op)
{
	emit_line(C);
	sb_addc(&C->u->code, (char)op);
	adjust(C, op_effect[op]);
}

static int emit_arg(comp *C, int op, int arg)
{
	if (arg < 0)
		cerr(C, NULL, "internal compiler error: negative argument");
	if (arg > 0xffff) {
		if (op == I_LOAD_CONST || op >= I_HAVE_ARG) {
			if (arg > 0xffffff || arg < 0)
				cerr(C, NULL, "too many constants or code too large");
			emit_line(C);
			sb_addc(&C->u->code, (char)I_EXTENDED_ARG);
			sb_addc(&C->u->code, (char)((arg >> 16) & 0xff));
			sb_addc(&C->u->code, 0);
		}
	}
	emit_line(C);
	sb_addc(&C->u->code, (char)op);
	int pos = (int)C->u->code.n;
	sb_addc(&C->u->code, (char)(arg & 0xff));
	sb_addc(&C->u->code, (char)((arg >> 8) & 0xff));
	int e = op_effect[op];
	adjust(C, e == VAR ? var_effect(op, arg) : e);
	return pos;
}

static int here(comp *C)
{
	return (int)C->u->code.n;
}

static void patch(comp *C, int pos, int target)
{
	if (target > 0xffff)
		cerr(C, NULL, "function body too large");
	C->u->code.p[pos] = (char)(target & 0xff);
	C->u->code.p[pos + 1] = (char)((target >> 8) & 0xff);
}

static void patch_here(comp *C, int pos)
{
	patch(C, pos, here(C));
}

static int const_index(comp *C, qv_obj v)
{
	qv_listobj *l = (qv_listobj *)C->u->consts;
	for (size_t i = 0; i < l->len; i++) {
		qv_obj k = l->items[i];
		if (k == v)
			return (int)i;
		/* equal text is not enough: names must stay the interned object */
		(void)k;
	}
	list_append(C->c, C->u->consts, v);
	return (int)l->len - 1;
}

static void load_const(comp *C, qv_obj v)
{
	if (v == NONE)
		emit(C, I_LOAD_NONE);
	else if (v == TRUE_)
		emit(C, I_LOAD_TRUE);
	else if (v == FALSE_)
		emit(C, I_LOAD_FALSE);
	else if (IS_INT(v) && INT_VAL(v) >= -32768 && INT_VAL(v) < 32768)
		emit_arg(C, I_LOAD_SMALL_INT, (int)(INT_VAL(v) & 0xffff));
	else
		emit_arg(C, I_LOAD_CONST, const_index(C, v));
}

static int list_index(qv_obj l, qv_obj name)
{
	qv_listobj *ll = (qv_listobj *)l;
	for (size_t i = 0; i < ll->len; i++)
		if (ll->items[i] == name)
			return (int)i;
	return -1;
}

enum { CTX_LOAD, CTX_STORE, CTX_DEL };

static void name_op(comp *C, qv_obj name, int ctx)
{
	scope *s = C->u->sc;
	int f = sym_flags(s, name);
	static const int ops[][3] = {
		{I_LOAD_FAST, I_STORE_FAST, I_DELETE_FAST},
		{I_LOAD_DEREF, I_STORE_DEREF, I_DELETE_DEREF},
		{I_LOAD_GLOBAL, I_STORE_GLOBAL, I_DELETE_GLOBAL},
		{I_LOAD_NAME, I_STORE_NAME, I_DELETE_NAME},
	};
	int kind, arg;
	if (s->kind == SC_MODULE) {
		kind = 3;
	} else if ((f & (F_CELL | F_FREE)) && !(s->kind == SC_CLASS && (f & F_LOCAL))) {
		kind = 1;
		int i = list_index(s->cellnames, name);
		arg = i >= 0 ? i : (int)((qv_listobj *)s->cellnames)->len + list_index(s->freenames, name);
		emit_arg(C, ops[kind][ctx], arg);
		return;
	} else if (s->kind == SC_CLASS) {
		kind = (f & F_GLOBAL) ? 2 : 3;
	} else if ((f & F_LOCAL) && !(f & F_GLOBAL)) {
		kind = 0;
		emit_arg(C, ops[kind][ctx], list_index(s->varnames, name));
		return;
	} else
		kind = 2;
	emit_arg(C, ops[kind][ctx], const_index(C, name));
}

/* ------------------------------------------------------------ expressions */
static void expr(comp *C, node *n);
static void stmts(comp *C, node **l, int n);
static void stmt(comp *C, node *n);
static qv_code *code_unit(comp *C, scope *s, node *n);

static void set_line(comp *C, node *n)
{
	C->u->line = n->line;
}

static void store(comp *C, node *t);

static bool has_starred(node *n)
{
	for (int i = 0; i < n->n; i++)
		if (n->list[i]->kind == N_STARRED)
			return true;
	return false;
}

static void seq_display(comp *C, node *n, int build, int add, int extend)
{
	if (!has_starred(n)) {
		for (int i = 0; i < n->n; i++)
			expr(C, n->list[i]);
		emit_arg(C, build, n->n);
		return;
	}
	emit_arg(C, build == I_BUILD_SET ? I_BUILD_SET : I_BUILD_LIST, 0);
	for (int i = 0; i < n->n; i++) {
		node *e = n->list[i];
		if (e->kind == N_STARRED) {
			expr(C, e->a);
			emit_arg(C, extend, 1);
		} else {
			expr(C, e);
			emit_arg(C, add, 1);
		}
	}
	if (build == I_BUILD_TUPLE)
		emit(C, I_LIST_TO_TUPLE);
}

static void make_closure(comp *C, qv_code *code, scope *s, int flags)
{
	int nfree = (int)((qv_listobj *)s->freenames)->len;
	if (nfree) {
		scope *cur = C->u->sc;
		for (int i = 0; i < nfree; i++) {
			qv_obj nm = ((qv_listobj *)s->freenames)->items[i];
			int k = list_index(cur->cellnames, nm);
			if (k < 0)
				k = (int)((qv_listobj *)cur->cellnames)->len + list_index(cur->freenames, nm);
			emit_arg(C, I_LOAD_CLOSURE, k);
		}
		emit_arg(C, I_BUILD_TUPLE, nfree);
		flags |= 8;
	}
	emit_arg(C, I_LOAD_CONST, const_index(C, (qv_obj)code));
	emit_arg(C, I_MAKE_FUNCTION, flags);
}

static void comprehension(comp *C, node *n)
{
	scope *s = n->scope;
	qv_code *code = code_unit(C, s, n);
	make_closure(C, code, s, 0);
	expr(C, n->list2[0]->b);
	if (n->list2[0]->flags & NF_ASYNC)
		emit(C, I_GET_AITER);
	else
		emit(C, I_GET_ITER);
	emit_arg(C, I_CALL_FUNCTION, 1);
	if (s->async && n->kind != N_GENEXP) {
		emit(C, I_GET_AWAITABLE);
		emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_FROM);
	}
}

static void call(comp *C, node *n)
{
	node *f = n->a;
	bool star = has_starred(n);
	for (int i = 0; i < n->n2; i++)
		if (!n->list2[i]->v)
			star = true;
	bool method = f->kind == N_ATTR && !star;
	if (method) {
		expr(C, f->a);
		set_line(C, f);
		emit_arg(C, I_LOAD_METHOD, const_index(C, f->v));
	} else
		expr(C, f);
	if (!star) {
		if (n->n > 255 || n->n2 > 255)
			cerr(C, n, "too many arguments");
		for (int i = 0; i < n->n; i++)
			expr(C, n->list[i]);
		for (int i = 0; i < n->n2; i++) {
			load_const(C, n->list2[i]->v);
			expr(C, n->list2[i]->a);
		}
		set_line(C, n);
		emit_arg(C, method ? I_CALL_METHOD : I_CALL_FUNCTION, n->n | (n->n2 << 8));
		return;
	}
	emit_arg(C, I_BUILD_LIST, 0);
	for (int i = 0; i < n->n; i++) {
		node *e = n->list[i];
		if (e->kind == N_STARRED) {
			expr(C, e->a);
			emit_arg(C, I_LIST_EXTEND, 1);
		} else {
			expr(C, e);
			emit_arg(C, I_LIST_APPEND, 1);
		}
	}
	emit(C, I_LIST_TO_TUPLE);
	int flags = 0;
	if (n->n2) {
		emit_arg(C, I_BUILD_MAP, 0);
		for (int i = 0; i < n->n2; i++) {
			node *k = n->list2[i];
			if (k->v) {
				load_const(C, k->v);
				expr(C, k->a);
				emit_arg(C, I_BUILD_MAP, 1);
			} else
				expr(C, k->a);
			emit(C, I_DICT_MERGE);
		}
		flags = 1;
	}
	set_line(C, n);
	emit_arg(C, I_CALL_EX, flags);
}

static void compare(comp *C, node *n)
{
	expr(C, n->a);
	if (n->n == 1) {
		expr(C, n->list[0]);
		emit_arg(C, I_COMPARE_OP, n->list2[0]->op);
		return;
	}
	int cleanups[64];
	int nc = 0;
	for (int i = 0; i < n->n; i++) {
		expr(C, n->list[i]);
		if (i < n->n - 1) {
			emit(C, I_DUP_TOP);
			emit(C, I_ROT_THREE);
			emit_arg(C, I_COMPARE_OP, n->list2[i]->op);
			if (nc >= 64)
				cerr(C, n, "comparison chain too long");
			cleanups[nc++] = emit_arg(C, I_JUMP_IF_FALSE_OR_POP, 0);
		} else
			emit_arg(C, I_COMPARE_OP, n->list2[i]->op);
	}
	int end = emit_arg(C, I_JUMP, 0);
	for (int i = 0; i < nc; i++)
		patch_here(C, cleanups[i]);
	adjust(C, 1);
	emit(C, I_ROT_TWO);
	emit(C, I_POP_TOP);
	patch_here(C, end);
}

static void fstring(comp *C, node *n)
{
	for (int i = 0; i < n->n; i++) {
		node *p = n->list[i];
		if (p->kind == N_CONST) {
			load_const(C, p->v);
			continue;
		}
		expr(C, p->a);
		int conv = p->op == 's' ? 1 : p->op == 'r' ? 2 : p->op == 'a' ? 3 : 0;
		if (p->b) {
			fstring(C, p->b);
			conv |= 4;
		}
		emit_arg(C, I_FORMAT_VALUE, conv);
	}
	if (n->n != 1 || n->list[0]->kind != N_CONST || true)
		emit_arg(C, I_BUILD_STRING, n->n);
}

static void func_def(comp *C, node *n, bool lambda);

static void expr1(comp *C, node *n);
static void expr(comp *C, node *n)
{
	if (++C->edepth > 400)
		cerr(C, n, "expression too deeply nested");
	expr1(C, n);
	C->edepth--;
}

static void expr1(comp *C, node *n)
{
	int save_line = C->u->line;
	if (n->line > C->u->line)
		set_line(C, n);
	switch (n->kind) {
	case N_NAME:
		name_op(C, n->v, CTX_LOAD);
		break;
	case N_CONST:
		load_const(C, n->v);
		break;
	case N_TUPLE:
		seq_display(C, n, I_BUILD_TUPLE, I_LIST_APPEND, I_LIST_EXTEND);
		break;
	case N_LIST:
		seq_display(C, n, I_BUILD_LIST, I_LIST_APPEND, I_LIST_EXTEND);
		break;
	case N_SET:
		seq_display(C, n, I_BUILD_SET, I_SET_ADD, I_SET_UPDATE);
		break;
	case N_DICT: {
		bool dstar = false;
		for (int i = 0; i < n->n; i++)
			if (n->list[i]->kind == N_DSTARRED)
				dstar = true;
		if (!dstar && n->n < 256) {
			for (int i = 0; i < n->n; i++) {
				expr(C, n->list[i]);
				expr(C, n->list2[i]);
			}
			emit_arg(C, I_BUILD_MAP, n->n);
			break;
		}
		emit_arg(C, I_BUILD_MAP, 0);
		for (int i = 0; i < n->n; i++) {
			if (n->list[i]->kind == N_DSTARRED) {
				expr(C, n->list[i]->a);
				emit_arg(C, I_DICT_UPDATE, 1);
			} else {
				expr(C, n->list[i]);
				expr(C, n->list2[i]);
				emit_arg(C, I_MAP_ADD, 1);
			}
		}
		break;
	}
	case N_LISTCOMP: case N_SETCOMP: case N_DICTCOMP: case N_GENEXP:
		comprehension(C, n);
		break;
	case N_LAMBDA:
		func_def(C, n, true);
		break;
	case N_IFEXP: {
		expr(C, n->a);
		int jf = emit_arg(C, I_POP_JUMP_IF_FALSE, 0);
		expr(C, n->b);
		int je = emit_arg(C, I_JUMP, 0);
		adjust(C, -1);
		patch_here(C, jf);
		expr(C, n->c);
		patch_here(C, je);
		break;
	}
	case N_AND: case N_OR: {
		int js[256], nj = 0;
		for (int i = 0; i < n->n; i++) {
			expr(C, n->list[i]);
			if (i < n->n - 1) {
				if (nj >= 256)
					cerr(C, n, "expression too complex");
				js[nj++] = emit_arg(C, n->kind == N_AND ? I_JUMP_IF_FALSE_OR_POP : I_JUMP_IF_TRUE_OR_POP, 0);
				adjust(C, -1);
			}
		}
		for (int i = 0; i < nj; i++)
			patch_here(C, js[i]);
		break;
	}
	case N_NOT:
		expr(C, n->a);
		emit_arg(C, I_UNARY_OP, UOP_NOT);
		break;
	case N_UNARY:
		expr(C, n->a);
		emit_arg(C, I_UNARY_OP, n->op);
		break;
	case N_BINOP:
		expr(C, n->a);
		expr(C, n->b);
		set_line(C, n);
		emit_arg(C, I_BINARY_OP, n->op);
		break;
	case N_COMPARE:
		compare(C, n);
		break;
	case N_CALL:
		call(C, n);
		break;
	case N_ATTR:
		expr(C, n->a);
		set_line(C, n);
		emit_arg(C, I_LOAD_ATTR, const_index(C, n->v));
		break;
	case N_SUBSCR:
		expr(C, n->a);
		expr(C, n->b);
		emit(C, I_BINARY_SUBSCR);
		break;
	case N_SLICE: {
		int k = 2;
		if (n->a) expr(C, n->a); else emit(C, I_LOAD_NONE);
		if (n->b) expr(C, n->b); else emit(C, I_LOAD_NONE);
		if (n->c) {
			expr(C, n->c);
			k = 3;
		}
		emit_arg(C, I_BUILD_SLICE, k);
		break;
	}
	case N_STARRED:
		cerr(C, n, "can't use starred expression here");
	case N_YIELD:
		if (n->a)
			expr(C, n->a);
		else
			emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_VALUE);
		break;
	case N_YIELDFROM:
		expr(C, n->a);
		emit(C, I_GET_YIELD_FROM_ITER);
		emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_FROM);
		break;
	case N_AWAIT:
		expr(C, n->a);
		emit(C, I_GET_AWAITABLE);
		emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_FROM);
		break;
	case N_FSTRING:
		fstring(C, n);
		break;
	case N_NAMEDEXPR: {
		expr(C, n->b);
		emit(C, I_DUP_TOP);
		/* bind in the enclosing non-comprehension scope */
		scope *s = C->u->sc;
		if (s->comp) {
			int f = sym_flags(s, n->a->v);
			if (f & (F_FREE))
				name_op(C, n->a->v, CTX_STORE);
			else
				emit_arg(C, I_STORE_GLOBAL, const_index(C, n->a->v));
		} else
			store(C, n->a);
		break;
	}
	default:
		cerr(C, n, "invalid syntax");
	}
	C->u->line = save_line > C->u->line ? save_line : C->u->line;
}

/* ------------------------------------------------------------ targets */
static void store(comp *C, node *t)
{
	switch (t->kind) {
	case N_NAME:
		name_op(C, t->v, CTX_STORE);
		break;
	case N_ATTR:
		expr(C, t->a);
		emit_arg(C, I_STORE_ATTR, const_index(C, t->v));
		break;
	case N_SUBSCR:
		expr(C, t->a);
		expr(C, t->b);
		emit(C, I_STORE_SUBSCR);
		break;
	case N_TUPLE: case N_LIST: {
		int star = -1;
		for (int i = 0; i < t->n; i++)
			if (t->list[i]->kind == N_STARRED) {
				if (star >= 0)
					cerr(C, t, "multiple starred expressions in assignment");
				star = i;
			}
		if (star < 0)
			emit_arg(C, I_UNPACK_SEQUENCE, t->n);
		else {
			if (star > 255 || t->n - star - 1 > 255)
				cerr(C, t, "too many expressions in star-unpacking assignment");
			emit_arg(C, I_UNPACK_EX, star | ((t->n - star - 1) << 8));
		}
		for (int i = 0; i < t->n; i++)
			store(C, t->list[i]->kind == N_STARRED ? t->list[i]->a : t->list[i]);
		break;
	}
	case N_STARRED:
		cerr(C, t, "starred assignment target must be in a list or tuple");
	default:
		cerr(C, t, "cannot assign to expression");
	}
}

static void delete(comp *C, node *t)
{
	switch (t->kind) {
	case N_NAME:
		name_op(C, t->v, CTX_DEL);
		break;
	case N_ATTR:
		expr(C, t->a);
		emit_arg(C, I_DELETE_ATTR, const_index(C, t->v));
		break;
	case N_SUBSCR:
		expr(C, t->a);
		expr(C, t->b);
		emit(C, I_DELETE_SUBSCR);
		break;
	case N_TUPLE: case N_LIST:
		for (int i = 0; i < t->n; i++)
			delete(C, t->list[i]);
		break;
	default:
		cerr(C, t, "cannot delete expression");
	}
}

/* ------------------------------------------------------------ blocks */
static fblock *push_fb(comp *C, int kind, node *body)
{
	unit *u = C->u;
	if (u->nfb >= 24)
		cerr(C, body, "too many statically nested blocks");
	fblock *f = &u->fb[u->nfb++];
	f->kind = kind;
	f->body = body;
	f->cont = -1;
	f->breaks = NULL;
	return f;
}

/* Emits the code that leaves fblock f early; preserve keeps the return
 * value on top of the stack. */
static void unwind_fb(comp *C, fblock *f, bool preserve)
{
	switch (f->kind) {
	case FB_WHILE:
		break;
	case FB_FOR:
		if (preserve)
			emit(C, I_ROT_TWO);
		emit(C, I_POP_TOP);
		break;
	case FB_TRY:
		emit(C, I_POP_BLOCK);
		break;
	case FB_FINALLY: {
		emit(C, I_POP_BLOCK);
		unit *u = C->u;
		fblock save = *f;
		int idx = (int)(f - u->fb);
		int savenfb = u->nfb;
		u->nfb = idx;
		stmts(C, save.body->list, save.body->n);
		u->nfb = savenfb;
		u->fb[idx] = save;
		break;
	}
	case FB_WITH: case FB_ASYNC_WITH:
		emit(C, I_POP_BLOCK);
		if (preserve)
			emit(C, I_ROT_TWO);
		emit(C, I_WITH_EXIT);
		break;
	case FB_HANDLER:
		emit(C, I_POP_EXCEPT);
		if (preserve)
			emit(C, I_ROT_TWO);
		emit(C, I_POP_TOP);
		break;
	}
}

static void loop_exit(comp *C, node *n, bool is_break)
{
	unit *u = C->u;
	int i = u->nfb - 1;
	while (i >= 0 && u->fb[i].kind != FB_WHILE && u->fb[i].kind != FB_FOR)
		i--;
	if (i < 0)
		cerr(C, n, is_break ? "'break' outside loop" : "'continue' not properly in loop");
	int depth = u->depth;
	for (int k = u->nfb - 1; k > i; k--)
		unwind_fb(C, &u->fb[k], false);
	fblock *f = &u->fb[i];
	if (is_break) {
		if (f->kind == FB_FOR)
			emit(C, I_POP_TOP);
		int p = emit_arg(C, I_JUMP, 0);
		list_append(C->c, f->breaks, MKINT(p));
	} else
		emit_arg(C, I_JUMP, f->cont);
	u->depth = depth;
}

static void func_def(comp *C, node *n, bool lambda)
{
	scope *s = n->scope;
	int flags = 0;
	if (!lambda && n->c)
		for (int i = 0; i < n->c->n; i++)
			expr(C, n->c->list[i]);
	/* defaults */
	int nd = 0, nkd = 0;
	for (int i = 0; i < n->n; i++) {
		node *a = n->list[i];
		if (a->b && !(a->flags & NF_KWONLY)) {
			expr(C, a->b);
			nd++;
		}
	}
	if (nd) {
		emit_arg(C, I_BUILD_TUPLE, nd);
		flags |= 1;
	}
	for (int i = 0; i < n->n; i++) {
		node *a = n->list[i];
		if (a->b && (a->flags & NF_KWONLY)) {
			load_const(C, a->v);
			expr(C, a->b);
			nkd++;
		}
	}
	if (nkd) {
		emit_arg(C, I_BUILD_MAP, nkd);
		flags |= 2;
	}
	/* annotations: evaluated at definition, kept in f.__annotations__ */
	int nan = 0;
	if (!lambda) {
		for (int i = 0; i < n->n; i++) {
			node *a = n->list[i];
			if (a->a) {
				load_const(C, a->v);
				expr(C, a->a);
				nan++;
			}
		}
		if (n->d) {
			load_const(C, QS(return));
			expr(C, n->d);
			nan++;
		}
	}
	if (nan) {
		emit_arg(C, I_BUILD_MAP, nan);
		flags |= 4;
	}
	qv_code *code = code_unit(C, s, n);
	make_closure(C, code, s, flags);
	if (!lambda) {
		if (n->c)
			for (int i = 0; i < n->c->n; i++)
				emit_arg(C, I_CALL_FUNCTION, 1);
		name_op(C, n->v, CTX_STORE);
	}
}

static void class_def(comp *C, node *n)
{
	if (n->c)
		for (int i = 0; i < n->c->n; i++)
			expr(C, n->c->list[i]);
	emit(C, I_LOAD_BUILD_CLASS);
	scope *s = n->scope;
	qv_code *code = code_unit(C, s, n);
	make_closure(C, code, s, 0);
	load_const(C, n->v);
	node *args = n->b;
	if (!args) {
		emit_arg(C, I_CALL_FUNCTION, 2);
	} else {
		/* reuse the call compiler with the builder already on the stack */
		bool star = has_starred(args);
		for (int i = 0; i < args->n2; i++)
			if (!args->list2[i]->v)
				star = true;
		if (star)
			cerr(C, n, "star arguments in a class definition are not supported");
		for (int i = 0; i < args->n; i++)
			expr(C, args->list[i]);
		for (int i = 0; i < args->n2; i++) {
			load_const(C, args->list2[i]->v);
			expr(C, args->list2[i]->a);
		}
		emit_arg(C, I_CALL_FUNCTION, (args->n + 2) | (args->n2 << 8));
	}
	if (n->c)
		for (int i = 0; i < n->c->n; i++)
			emit_arg(C, I_CALL_FUNCTION, 1);
	name_op(C, n->v, CTX_STORE);
}

static void try_stmt(comp *C, node *n)
{
	unit *u = C->u;
	int base = u->depth;
	int fin = -1;
	if (n->c) {
		fin = emit_arg(C, I_SETUP_EXCEPT, 0);
		push_fb(C, FB_FINALLY, n->c);
	}
	if (n->n2) {
		int setup = emit_arg(C, I_SETUP_EXCEPT, 0);
		push_fb(C, FB_TRY, n);
		stmts(C, n->list, n->n);
		u->nfb--;
		emit(C, I_POP_BLOCK);
		if (n->b)
			stmts(C, n->b->list, n->b->n);
		int ends[128], ne = 0;
		ends[ne++] = emit_arg(C, I_JUMP, 0);
		patch_here(C, setup);
		u->depth = base;
		adjust(C, 1); /* the exception */
		for (int i = 0; i < n->n2; i++) {
			node *h = n->list2[i];
			set_line(C, h);
			int next = -1;
			if (h->a) {
				emit(C, I_DUP_TOP);
				expr(C, h->a);
				emit(C, I_EXC_MATCH);
				next = emit_arg(C, I_POP_JUMP_IF_FALSE, 0);
			} else if (i != n->n2 - 1)
				cerr(C, h, "default 'except:' must be last");
			if (h->v != NONE) {
				emit(C, I_DUP_TOP);
				name_op(C, h->v, CTX_STORE);
			}
			push_fb(C, FB_HANDLER, h);
			stmts(C, h->list, h->n);
			u->nfb--;
			emit(C, I_POP_EXCEPT);
			emit(C, I_POP_TOP);
			if (h->v != NONE) {
				emit(C, I_LOAD_NONE);
				name_op(C, h->v, CTX_STORE);
				name_op(C, h->v, CTX_DEL);
			}
			if (ne >= 128)
				cerr(C, h, "too many except clauses");
			ends[ne++] = emit_arg(C, I_JUMP, 0);
			if (next >= 0) {
				patch_here(C, next);
				u->depth = base + 1;
			}
		}
		if (n->list2[n->n2 - 1]->a)
			emit(C, I_RERAISE);
		for (int i = 0; i < ne; i++)
			patch_here(C, ends[i]);
		u->depth = base;
	} else
		stmts(C, n->list, n->n);
	if (n->c) {
		u->nfb--;
		emit(C, I_POP_BLOCK);
		stmts(C, n->c->list, n->c->n);
		int end = emit_arg(C, I_JUMP, 0);
		patch_here(C, fin);
		u->depth = base;
		adjust(C, 1);
		push_fb(C, FB_HANDLER, n->c);
		stmts(C, n->c->list, n->c->n);
		u->nfb--;
		emit(C, I_RERAISE);
		patch_here(C, end);
		u->depth = base;
	}
}

static void with_items(comp *C, node *n, int k)
{
	unit *u = C->u;
	bool async = (n->flags & NF_ASYNC) != 0;
	if (k == n->n2) {
		stmts(C, n->list, n->n);
		return;
	}
	node *it = n->list2[k];
	set_line(C, it);
	expr(C, it->a);
	int base = u->depth - 1;
	int setup;
	if (async) {
		emit(C, I_BEFORE_ASYNC_WITH);
		emit(C, I_GET_AWAITABLE);
		emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_FROM);
		setup = emit_arg(C, I_SETUP_ASYNC_WITH, 0);
	} else
		setup = emit_arg(C, I_SETUP_WITH, 0);
	if (it->b)
		store(C, it->b);
	else
		emit(C, I_POP_TOP);
	push_fb(C, async ? FB_ASYNC_WITH : FB_WITH, n);
	with_items(C, n, k + 1);
	u->nfb--;
	emit(C, I_POP_BLOCK);
	emit(C, I_WITH_EXIT);
	int end = emit_arg(C, I_JUMP, 0);
	patch_here(C, setup);
	u->depth = base + 2;
	emit(C, I_WITH_EXIT_EXC);
	patch_here(C, end);
	u->depth = base;
}

static void for_stmt(comp *C, node *n)
{
	unit *u = C->u;
	bool async = (n->flags & NF_ASYNC) != 0;
	expr(C, n->b);
	emit(C, async ? I_GET_AITER : I_GET_ITER);
	int top = here(C);
	int base = u->depth;
	int exitj;
	if (async) {
		/* SETUP_EXCEPT catches StopAsyncIteration around the await */
		exitj = emit_arg(C, I_SETUP_EXCEPT, 0);
		emit(C, I_GET_ANEXT);
		emit(C, I_GET_AWAITABLE);
		emit(C, I_LOAD_NONE);
		emit(C, I_YIELD_FROM);
		emit(C, I_POP_BLOCK);
	} else
		exitj = emit_arg(C, I_FOR_ITER, 0);
	fblock *f = push_fb(C, FB_FOR, n);
	f->cont = top;
	f->breaks = list_new(C->c, 0);
	qv_obj breaks = f->breaks;
	store(C, n->a);
	stmts(C, n->list, n->n);
	u->nfb--;
	emit_arg(C, I_JUMP, top);
	patch_here(C, exitj);
	if (async) {
		u->depth = base + 1;
		emit(C, I_END_ASYNC_FOR);
	}
	u->depth = base - 1;
	stmts(C, n->list2, n->n2);
	qv_listobj *bl = (qv_listobj *)breaks;
	for (size_t i = 0; i < bl->len; i++)
		patch_here(C, (int)INT_VAL(bl->items[i]));
}

static void while_stmt(comp *C, node *n)
{
	int top = here(C);
	int exitj = -1;
	bool forever = n->a->kind == N_CONST && n->a->v == TRUE_;
	if (!forever) {
		expr(C, n->a);
		exitj = emit_arg(C, I_POP_JUMP_IF_FALSE, 0);
	}
	fblock *f = push_fb(C, FB_WHILE, n);
	f->cont = top;
	f->breaks = list_new(C->c, 0);
	qv_obj breaks = f->breaks;
	stmts(C, n->list, n->n);
	C->u->nfb--;
	emit_arg(C, I_JUMP, top);
	if (exitj >= 0)
		patch_here(C, exitj);
	stmts(C, n->list2, n->n2);
	qv_listobj *bl = (qv_listobj *)breaks;
	for (size_t i = 0; i < bl->len; i++)
		patch_here(C, (int)INT_VAL(bl->items[i]));
}

static void import_stmt(comp *C, node *n)
{
	for (int i = 0; i < n->n; i++) {
		node *k = n->list[i];
		emit_arg(C, I_LOAD_SMALL_INT, 0);
		emit(C, I_LOAD_NONE);
		emit_arg(C, I_IMPORT_NAME, const_index(C, k->v));
		if (k->d) {
			const char *p = STR(k->v)->data;
			size_t len = STR(k->v)->len, s = 0;
			bool first = true;
			for (size_t j = 0; j <= len; j++)
				if (j == len || p[j] == '.') {
					if (!first)
						emit_arg(C, I_LOAD_ATTR, const_index(C, str_intern(C->c, p + s, j - s)));
					first = false;
					s = j + 1;
				}
			name_op(C, k->d->v, CTX_STORE);
		} else {
			const char *p = STR(k->v)->data;
			size_t l = 0;
			while (l < STR(k->v)->len && p[l] != '.')
				l++;
			name_op(C, str_intern(C->c, p, l), CTX_STORE);
		}
	}
}

static void importfrom_stmt(comp *C, node *n)
{
	emit_arg(C, I_LOAD_SMALL_INT, n->op);
	if (n->flags & NF_STAR) {
		load_const(C, tuple_pack(C->c, 1, QS(star)));
		emit_arg(C, I_IMPORT_NAME, const_index(C, n->v));
		emit(C, I_IMPORT_STAR);
		return;
	}
	qv_obj names = tuple_new(C->c, (size_t)n->n);
	for (int i = 0; i < n->n; i++)
		((qv_tupleobj *)names)->items[i] = n->list[i]->v;
	emit_arg(C, I_LOAD_CONST, const_index(C, names));
	emit_arg(C, I_IMPORT_NAME, const_index(C, n->v));
	for (int i = 0; i < n->n; i++) {
		node *k = n->list[i];
		emit_arg(C, I_IMPORT_FROM, const_index(C, k->v));
		name_op(C, k->a ? k->a->v : k->v, CTX_STORE);
	}
	emit(C, I_POP_TOP);
}

static void stmt(comp *C, node *n)
{
	unit *u = C->u;
	set_line(C, n);
	switch (n->kind) {
	case N_MODULE:
		stmts(C, n->list, n->n);
		break;
	case N_EXPR_STMT:
		if (n->a->kind == N_CONST && C->mode != QV_MODE_SINGLE)
			break;
		expr(C, n->a);
		emit(C, C->mode == QV_MODE_SINGLE && u->sc->kind == SC_MODULE ? I_PRINT_EXPR : I_POP_TOP);
		break;
	case N_ASSIGN:
		expr(C, n->a);
		for (int i = 0; i < n->n; i++) {
			if (i < n->n - 1)
				emit(C, I_DUP_TOP);
			store(C, n->list[i]);
		}
		break;
	case N_AUGASSIGN: {
		node *t = n->a;
		if (t->kind == N_NAME) {
			name_op(C, t->v, CTX_LOAD);
			expr(C, n->b);
			emit_arg(C, I_BINARY_OP, n->op | OP_INPLACE);
			name_op(C, t->v, CTX_STORE);
		} else if (t->kind == N_ATTR) {
			expr(C, t->a);
			emit(C, I_DUP_TOP);
			emit_arg(C, I_LOAD_ATTR, const_index(C, t->v));
			expr(C, n->b);
			emit_arg(C, I_BINARY_OP, n->op | OP_INPLACE);
			emit(C, I_ROT_TWO);
			emit_arg(C, I_STORE_ATTR, const_index(C, t->v));
		} else {
			expr(C, t->a);
			expr(C, t->b);
			emit(C, I_DUP_TOP_TWO);
			emit(C, I_BINARY_SUBSCR);
			expr(C, n->b);
			emit_arg(C, I_BINARY_OP, n->op | OP_INPLACE);
			emit(C, I_ROT_THREE);
			emit(C, I_STORE_SUBSCR);
		}
		break;
	}
	case N_ANNASSIGN:
		break;
	case N_DEL:
		delete(C, n->a);
		break;
	case N_PASS: case N_GLOBAL: case N_NONLOCAL:
		break;
	case N_BREAK: case N_CONTINUE:
		loop_exit(C, n, n->kind == N_BREAK);
		break;
	case N_RETURN: {
		if (n->a)
			expr(C, n->a);
		else
			emit(C, I_LOAD_NONE);
		int d = u->depth;
		for (int k = u->nfb - 1; k >= 0; k--)
			unwind_fb(C, &u->fb[k], true);
		emit(C, I_RETURN_VALUE);
		u->depth = d - 1;
		break;
	}
	case N_RAISE: {
		int k = 0;
		if (n->a) {
			expr(C, n->a);
			k++;
			if (n->b) {
				expr(C, n->b);
				k++;
			}
		}
		emit_arg(C, I_RAISE_VARARGS, k);
		break;
	}
	case N_ASSERT: {
		expr(C, n->a);
		int j = emit_arg(C, I_POP_JUMP_IF_TRUE, 0);
		emit(C, I_LOAD_ASSERTION_ERROR);
		if (n->b) {
			expr(C, n->b);
			emit_arg(C, I_CALL_FUNCTION, 1);
		}
		emit_arg(C, I_RAISE_VARARGS, 1);
		patch_here(C, j);
		break;
	}
	case N_IMPORT:
		import_stmt(C, n);
		break;
	case N_IMPORTFROM:
		importfrom_stmt(C, n);
		break;
	case N_IF: {
		expr(C, n->a);
		int jf = emit_arg(C, I_POP_JUMP_IF_FALSE, 0);
		stmts(C, n->list, n->n);
		if (n->n2) {
			int je = emit_arg(C, I_JUMP, 0);
			patch_here(C, jf);
			stmts(C, n->list2, n->n2);
			patch_here(C, je);
		} else
			patch_here(C, jf);
		break;
	}
	case N_WHILE:
		while_stmt(C, n);
		break;
	case N_FOR:
		for_stmt(C, n);
		break;
	case N_TRY:
		try_stmt(C, n);
		break;
	case N_WITH:
		with_items(C, n, 0);
		break;
	case N_FUNCDEF:
		func_def(C, n, false);
		break;
	case N_CLASSDEF:
		class_def(C, n);
		break;
	default:
		cerr(C, n, "invalid syntax");
	}
}

static void stmts(comp *C, node **l, int n)
{
	for (int i = 0; i < n; i++)
		stmt(C, l[i]);
}

/* ------------------------------------------------------------ code units */
static qv_code *finish(comp *C, scope *s, qv_obj name, int firstline)
{
	qv_ctx *c = C->c;
	unit *u = C->u;
	qv_code *co = NEW(c, qv_code);
	co->type = &qv_code_type;
	co->name = name;
	co->filename = C->filename;
	co->ncode = (uint32_t)u->code.n;
	co->code = gc_alloc(c, u->code.n + 1, true);
	__builtin_memcpy(co->code, u->code.p, u->code.n);
	qv_listobj *cl = (qv_listobj *)u->consts;
	co->nconsts = (uint32_t)cl->len;
	co->consts = gc_alloc(c, sizeof(qv_obj) * (cl->len + 1), false);
	for (size_t i = 0; i < cl->len; i++)
		co->consts[i] = cl->items[i];
	co->nlines = (uint32_t)u->lines.n;
	co->lines = gc_alloc(c, u->lines.n + 1, true);
	__builtin_memcpy(co->lines, u->lines.p, u->lines.n);
	co->firstline = (uint32_t)firstline;
	co->stacksize = (uint16_t)(u->maxdepth + 4);
	co->nblocks = code_block_max(co->code, co->ncode);
	qv_listobj *vn = (qv_listobj *)s->varnames, *cn = (qv_listobj *)s->cellnames, *fn = (qv_listobj *)s->freenames;
	if (vn->len > 60000 || u->maxdepth > 60000)
		cerr(C, s->n, "function too large");
	co->nlocals = (uint16_t)vn->len;
	co->ncells = (uint16_t)cn->len;
	co->nfree = (uint16_t)fn->len;
	co->nargs = (uint16_t)s->nargs;
	co->nkwonly = (uint16_t)s->nkwonly;
	co->nposonly = (uint16_t)s->nposonly;
	size_t nn = vn->len + cn->len + fn->len;
	co->names = gc_alloc(c, sizeof(qv_obj) * (nn + 1), false);
	size_t k = 0;
	for (size_t i = 0; i < vn->len; i++)
		co->names[k++] = vn->items[i];
	for (size_t i = 0; i < cn->len; i++)
		co->names[k++] = cn->items[i];
	for (size_t i = 0; i < fn->len; i++)
		co->names[k++] = fn->items[i];
	co->cell2arg = gc_alloc(c, sizeof(int16_t) * (cn->len + 1), true);
	for (size_t i = 0; i < cn->len; i++)
		co->cell2arg[i] = (int16_t)list_index(s->varnames, cn->items[i]);
	co->flags = s->coflags;
	if (s->gen)
		co->flags |= CO_GENERATOR;
	if (s->async)
		co->flags |= CO_ASYNC;
	if (s->kind == SC_MODULE)
		co->flags |= CO_MODULE;
	if (s->kind == SC_CLASS)
		co->flags |= CO_CLASS;
	return co;
}

static void comp_body(comp *C, node *n)
{
	unit *u = C->u;
	qv_obj dot0 = QS(dot0);
	int loops = n->n2;
	int ends[32];
	int tops[32];
	if (loops > 30)
		cerr(C, n, "comprehension too deep");
	if (n->kind == N_LISTCOMP)
		emit_arg(C, I_BUILD_LIST, 0);
	else if (n->kind == N_SETCOMP)
		emit_arg(C, I_BUILD_SET, 0);
	else if (n->kind == N_DICTCOMP)
		emit_arg(C, I_BUILD_MAP, 0);
	for (int i = 0; i < loops; i++) {
		node *f = n->list2[i];
		bool async = (f->flags & NF_ASYNC) != 0;
		if (i == 0)
			emit_arg(C, I_LOAD_FAST, list_index(u->sc->varnames, dot0));
		else {
			expr(C, f->b);
			emit(C, async ? I_GET_AITER : I_GET_ITER);
		}
		tops[i] = here(C);
		if (async) {
			ends[i] = emit_arg(C, I_SETUP_EXCEPT, 0);
			emit(C, I_GET_ANEXT);
			emit(C, I_GET_AWAITABLE);
			emit(C, I_LOAD_NONE);
			emit(C, I_YIELD_FROM);
			emit(C, I_POP_BLOCK);
		} else
			ends[i] = emit_arg(C, I_FOR_ITER, 0);
		store(C, f->a);
		for (int k = 0; k < f->n; k++) {
			expr(C, f->list[k]);
			emit_arg(C, I_POP_JUMP_IF_FALSE, tops[i]);
		}
	}
	int depth = loops + 1;
	switch (n->kind) {
	case N_LISTCOMP: expr(C, n->a); emit_arg(C, I_LIST_APPEND, depth); break;
	case N_SETCOMP: expr(C, n->a); emit_arg(C, I_SET_ADD, depth); break;
	case N_DICTCOMP: expr(C, n->a); expr(C, n->b); emit_arg(C, I_MAP_ADD, depth); break;
	default: expr(C, n->a); emit(C, I_YIELD_VALUE); emit(C, I_POP_TOP); break;
	}
	for (int i = loops - 1; i >= 0; i--) {
		emit_arg(C, I_JUMP, tops[i]);
		patch_here(C, ends[i]);
		if (n->list2[i]->flags & NF_ASYNC) {
			adjust(C, 1);
			emit(C, I_END_ASYNC_FOR);
		}
	}
	if (n->kind == N_GENEXP)
		emit(C, I_LOAD_NONE);
	emit(C, I_RETURN_VALUE);
}

static qv_obj docstring(node *body)
{
	if (!body || body->n == 0)
		return NULL;
	node *f = body->list[0];
	if (f->kind == N_EXPR_STMT && f->a->kind == N_CONST && IS_STR(f->a->v))
		return f->a->v;
	return NULL;
}

static qv_code *code_unit(comp *C, scope *s, node *n)
{
	unit *u = NEW(C->c, unit);
	u->sc = s;
	sb_init(&u->code, C->c, 64);
	sb_init(&u->lines, C->c, 16);
	u->consts = list_new(C->c, 0);
	u->line = n->line;
	u->lastline = n->line;
	u->outer = C->u;
	C->u = u;
	static int guard;
	(void)guard;
	qv_obj name = s->name;
	switch (n->kind) {
	case N_MODULE: {
		qv_obj doc = C->mode == QV_MODE_FILE ? docstring(n) : NULL;
		if (doc) {
			load_const(C, doc);
			emit_arg(C, I_STORE_NAME, const_index(C, QS(__doc__)));
		}
		stmts(C, n->list, n->n);
		emit(C, I_LOAD_NONE);
		emit(C, I_RETURN_VALUE);
		break;
	}
	case N_FUNCDEF:
		if (docstring(n->a)) {
			const_index(C, docstring(n->a));
			s->coflags |= CO_DOC;
		}
		stmts(C, n->a->list, n->a->n);
		emit(C, I_LOAD_NONE);
		emit(C, I_RETURN_VALUE);
		break;
	case N_LAMBDA:
		expr(C, n->a);
		if (s->gen)
			emit(C, I_POP_TOP), emit(C, I_LOAD_NONE);
		emit(C, I_RETURN_VALUE);
		break;
	case N_CLASSDEF:
		emit_arg(C, I_LOAD_NAME, const_index(C, QS(__name__)));
		emit_arg(C, I_STORE_NAME, const_index(C, QS(__module__)));
		load_const(C, n->v);
		emit_arg(C, I_STORE_NAME, const_index(C, QS(__qualname__)));
		if (docstring(n->a)) {
			load_const(C, docstring(n->a));
			emit_arg(C, I_STORE_NAME, const_index(C, QS(__doc__)));
		}
		stmts(C, n->a->list, n->a->n);
		emit(C, I_LOAD_NONE);
		emit(C, I_RETURN_VALUE);
		break;
	default:
		comp_body(C, n);
		break;
	}
	qv_code *co = finish(C, s, name, n->line);
	C->u = u->outer;
	return co;
}

qv_code *comp_compile(qv_ctx *c, const char *src, size_t len, qv_obj filename, int mode)
{
	c->incomplete = false;
	node *mod = parse_source(c, src, len, filename, mode);
	comp *C = NEW(c, comp);
	C->c = c;
	C->filename = filename;
	C->scopes = list_new(c, 0);
	C->mode = mode;
	C->src = src;
	C->srclen = len;
	scope *top = scope_new(C, SC_MODULE, NULL, mod, QS(LTmodule));
	sym_stmts(C, top, mod->list, mod->n);
	resolve(C);
	mod->line = 1;
	return code_unit(C, top, mod);
}
