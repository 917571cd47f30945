/* Sequences: list, tuple, range, slice, bytearray, memoryview, and the
 * generic iterator object most built-in iterators are made of. */
#include "rt.h"

/* ------------------------------------------------------------ helpers */
intptr_t norm_index(qv_ctx *c, qv_obj idx, intptr_t len, const char *what)
{
	intptr_t i = get_int(c, idx);
	if (i < 0)
		i += len;
	if (i < 0 || i >= len)
		qv_raisef(c, EXC(IndexError), "%s index out of range", what);
	return i;
}

qv_obj slice_new(qv_ctx *c, qv_obj a, qv_obj b, qv_obj s)
{
	qv_slice *sl = NEW(c, qv_slice);
	sl->type = &qv_slice_type;
	sl->start = a;
	sl->stop = b;
	sl->step = s;
	return (qv_obj)sl;
}

static intptr_t clamp_index(qv_ctx *c, qv_obj v, intptr_t len, intptr_t lo, intptr_t hi)
{
	intptr_t i;
	if (!IS_INT(v) && is_intlike(v)) {
		i = int_sign(v) < 0 ? -SMALL_MAX : SMALL_MAX;
	} else
		i = get_int(c, v);
	if (i < 0) {
		i += len;
		if (i < lo)
			i = lo;
	} else if (i > hi)
		i = hi;
	return i;
}

void slice_indices(qv_ctx *c, qv_obj o, intptr_t len, intptr_t *start, intptr_t *stop, intptr_t *step, intptr_t *count)
{
	qv_slice *s = (qv_slice *)o;
	intptr_t st = s->step == NONE ? 1 : get_int(c, s->step);
	if (st == 0)
		qv_raisef(c, EXC(ValueError), "slice step cannot be zero");
	intptr_t a, b;
	if (st > 0) {
		a = s->start == NONE ? 0 : clamp_index(c, s->start, len, 0, len);
		b = s->stop == NONE ? len : clamp_index(c, s->stop, len, 0, len);
		*count = b > a ? (b - a + st - 1) / st : 0;
	} else {
		a = s->start == NONE ? len - 1 : clamp_index(c, s->start, len, -1, len - 1);
		b = s->stop == NONE ? -1 : clamp_index(c, s->stop, len, -1, len - 1);
		*count = a > b ? (a - b - st - 1) / (-st) : 0;
	}
	*start = a;
	*stop = b;
	*step = st;
}

qv_obj *seq_array(qv_ctx *c, qv_obj o, size_t *n)
{
	if (IS(o, qv_tuple_type)) {
		*n = ((qv_tupleobj *)o)->len;
		return ((qv_tupleobj *)o)->items;
	}
	if (IS(o, qv_list_type)) {
		*n = ((qv_listobj *)o)->len;
		return ((qv_listobj *)o)->items;
	}
	if (!IS_INT(o) && (o->type->flags & TF_USER) && ((qv_inst *)o)->native)
		return seq_array(c, ((qv_inst *)o)->native, n);
	qv_raisef(c, EXC(TypeError), "expected a list or tuple, not %s", type_name(o));
}

static bool in_repr(qv_ctx *c, qv_obj o)
{
	if (!c->repr_stack)
		c->repr_stack = list_new(c, 0);
	qv_listobj *l = (qv_listobj *)c->repr_stack;
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == o)
			return true;
	list_append(c, c->repr_stack, o);
	return false;
}

static void out_repr(qv_ctx *c)
{
	((qv_listobj *)c->repr_stack)->len--;
}

static qv_obj items_repr(qv_ctx *c, qv_obj self, qv_obj *items, size_t n, const char *open, const char *close)
{
	if (in_repr(c, self))
		return str_fmt(c, "%s...%s", open, close);
	sbuf b;
	sb_init(&b, c, 16 + n * 4);
	sb_adds(&b, open);
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		out_repr(c);
		rt_raise(c, c->exc);
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_adds(&b, ", ");
		sb_addobj(&b, qv_repr(c, items[i]));
	}
	qv_untry(c, &j);
	out_repr(c);
	if (n == 1 && open[0] == '(')
		sb_addc(&b, ',');
	sb_adds(&b, close);
	return sb_str(&b);
}

static qv_obj seq_compare(qv_ctx *c, int op, qv_obj *x, size_t xn, qv_obj *y, size_t yn)
{
	size_t i = 0;
	for (; i < xn && i < yn; i++)
		if (!(x[i] == y[i] || qv_eq(c, x[i], y[i])))
			break;
	if (i >= xn || i >= yn) {
		switch (op) {
		case OP_LT: return BOOL(xn < yn);
		case OP_LE: return BOOL(xn <= yn);
		case OP_EQ: return BOOL(xn == yn);
		case OP_NE: return BOOL(xn != yn);
		case OP_GT: return BOOL(xn > yn);
		default: return BOOL(xn >= yn);
		}
	}
	if (op == OP_EQ)
		return FALSE_;
	if (op == OP_NE)
		return TRUE_;
	return qv_compare(c, op, x[i], y[i]);
}

/* ------------------------------------------------------------ iterator */
static qv_obj iter_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	if (it->next)
		return it->next(c, o);
	/* the sequence protocol: obj[0], obj[1], ... until IndexError */
	if (!it->obj)
		return NULL;
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		if (isinstance(c->exc, EXC(IndexError)) || isinstance(c->exc, EXC(StopIteration))) {
			it->obj = NULL;
			return NULL;
		}
		rt_raise(c, c->exc);
	}
	qv_obj v = qv_getitem(c, it->obj, MKINT(it->i));
	qv_untry(c, &j);
	it->i++;
	return v;
}

static qv_obj iter_self(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return o;
}

static qv_obj m_iter_self(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return a[0]; }
static qv_obj m_iter_next(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_obj v = qv_next(c, a[0]);
	if (!v)
		qv_raise_type(c, EXC(StopIteration));
	return v;
}
static const qv_method iter_methods[] = {
	METH(__iter__, 1, 1, m_iter_self), METH(__next__, 1, 1, m_iter_next), METH_END,
};

const qv_type qv_iter_type = {
	.type = &qv_type_type, .name = QS_iterator, .iter = iter_self, .next = iter_next,
	.methods = iter_methods, .getattr = builtin_getattr,
};

static qv_obj make_iter(qv_ctx *c, qv_obj obj, qv_obj (*next)(qv_ctx *, qv_obj))
{
	qv_iterobj *it = NEW(c, qv_iterobj);
	it->type = &qv_iter_type;
	it->obj = obj;
	it->next = next;
	return (qv_obj)it;
}

/* ------------------------------------------------------------ tuple */
const qv_tupleobj qv_empty_tuple = {&qv_tuple_type, 0};

qv_obj tuple_new(qv_ctx *c, size_t n)
{
	if (n == 0)
		return EMPTY_TUPLE;
	if (n > ((size_t)1 << 28))
		rt_raise(c, c->memerr);
	qv_tupleobj *t = gc_alloc(c, sizeof(qv_tupleobj) + n * sizeof(qv_obj), false);
	t->type = &qv_tuple_type;
	t->len = n;
	return (qv_obj)t;
}

qv_obj tuple_from(qv_ctx *c, size_t n, const qv_obj *items)
{
	qv_obj t = tuple_new(c, n);
	for (size_t i = 0; i < n; i++)
		((qv_tupleobj *)t)->items[i] = items[i];
	return t;
}

qv_obj tuple_pack(qv_ctx *c, size_t n, ...)
{
	qv_obj t = tuple_new(c, n);
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		((qv_tupleobj *)t)->items[i] = va_arg(ap, qv_obj);
	va_end(ap);
	return t;
}

qv_obj to_tuple(qv_ctx *c, qv_obj it)
{
	if (IS(it, qv_tuple_type))
		return it;
	if (IS(it, qv_list_type))
		return tuple_from(c, ((qv_listobj *)it)->len, ((qv_listobj *)it)->items);
	qv_obj l = list_from_iter(c, it);
	return tuple_from(c, ((qv_listobj *)l)->len, ((qv_listobj *)l)->items);
}

static qv_obj tuple_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_tupleobj *t = (qv_tupleobj *)o;
	return items_repr(c, o, t->items, t->len, "(", ")");
}

static intptr_t tuple_hash(qv_ctx *c, qv_obj o)
{
	/* the xxHash-based combination CPython 3.8+ uses */
	qv_tupleobj *t = (qv_tupleobj *)o;
	uint64_t acc = 2870177450012600261ULL;
	if (c->depth > c->max_depth + 50)
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded while hashing");
	for (size_t i = 0; i < t->len; i++) {
		c->depth++;
		uint64_t lane = (uint64_t)qv_hash(c, t->items[i]);
		c->depth--;
		acc += lane * 14029467366897019727ULL;
		acc = (acc << 31) | (acc >> 33);
		acc *= 11400714785074694791ULL;
	}
	acc += t->len ^ (2870177450012600261ULL ^ 3527539UL);
	if (acc == (uint64_t)-1)
		return 1546275796;
	return (intptr_t)acc;
}

static qv_obj seq_slice(qv_ctx *c, qv_obj *items, size_t len, qv_obj idx, bool tuple)
{
	intptr_t st, sp, step, cnt;
	slice_indices(c, idx, (intptr_t)len, &st, &sp, &step, &cnt);
	qv_obj r = tuple ? tuple_new(c, (size_t)cnt) : list_new(c, (size_t)cnt);
	qv_obj *out = tuple ? ((qv_tupleobj *)r)->items : ((qv_listobj *)r)->items;
	for (intptr_t i = 0; i < cnt; i++)
		out[i] = items[st + i * step];
	return r;
}

static qv_obj tuple_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_tupleobj *t = (qv_tupleobj *)o;
	if (v)
		qv_raisef(c, EXC(TypeError), "'tuple' object does not support item assignment");
	if (IS(idx, qv_slice_type))
		return seq_slice(c, t->items, t->len, idx, true);
	if (!is_intlike(idx) && !(TYPE(idx)->flags & TF_USER))
		qv_raisef(c, EXC(TypeError), "tuple indices must be integers or slices, not %s", type_name(idx));
	return t->items[norm_index(c, idx, (intptr_t)t->len, "tuple")];
}

static intptr_t tuple_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((qv_tupleobj *)o)->len;
}

static qv_obj tuple_iter_next(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_iterobj *it = (qv_iterobj *)o;
	qv_tupleobj *t = (qv_tupleobj *)it->obj;
	if ((size_t)it->i >= t->len)
		return NULL;
	return t->items[it->i++];
}

static qv_obj tuple_iter(qv_ctx *c, qv_obj o)
{
	return make_iter(c, o, tuple_iter_next);
}

static qv_obj tuple_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (op & OP_REFLECT) {
		if (o == OP_MUL && is_intlike(a)) {
			qv_obj t = a;
			a = b;
			b = t;
		} else
			return NULL;
	}
	if (o == OP_MUL && is_intlike(b)) {
		qv_tupleobj *t = (qv_tupleobj *)a;
		intptr_t k = get_int(c, b);
		if (k <= 0 || t->len == 0)
			return EMPTY_TUPLE;
		if ((uint64_t)k * t->len > ((size_t)1 << 28))
			rt_raise(c, c->memerr);
		qv_obj r = tuple_new(c, t->len * (size_t)k);
		for (intptr_t i = 0; i < k; i++)
			for (size_t j = 0; j < t->len; j++)
				((qv_tupleobj *)r)->items[(size_t)i * t->len + j] = t->items[j];
		return r;
	}
	if (!IS(b, qv_tuple_type)) {
		if (o == OP_ADD)
			qv_raisef(c, EXC(TypeError), "can only concatenate tuple (not \"%s\") to tuple", type_name(b));
		return NULL;
	}
	qv_tupleobj *x = (qv_tupleobj *)a, *y = (qv_tupleobj *)b;
	if (o == OP_ADD) {
		qv_obj r = tuple_new(c, x->len + y->len);
		for (size_t i = 0; i < x->len; i++)
			((qv_tupleobj *)r)->items[i] = x->items[i];
		for (size_t i = 0; i < y->len; i++)
			((qv_tupleobj *)r)->items[x->len + i] = y->items[i];
		return r;
	}
	if (o >= OP_LT && o <= OP_GE)
		return seq_compare(c, o, x->items, x->len, y->items, y->len);
	return NULL;
}

static qv_obj seq_index(qv_ctx *c, qv_obj *items, size_t len, size_t n, qv_obj *a, const char *what)
{
	intptr_t st = n > 2 ? get_int(c, a[2]) : 0, e = n > 3 ? get_int(c, a[3]) : (intptr_t)len;
	if (st < 0) st += (intptr_t)len;
	if (e < 0) e += (intptr_t)len;
	if (st < 0) st = 0;
	if (e > (intptr_t)len) e = (intptr_t)len;
	for (intptr_t i = st; i < e; i++)
		if (items[i] == a[1] || qv_eq(c, items[i], a[1]))
			return MKINT(i);
	qv_raisef(c, EXC(ValueError), "%s", what);
}

static qv_obj seq_count(qv_ctx *c, qv_obj *items, size_t len, qv_obj v)
{
	intptr_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (items[i] == v || qv_eq(c, items[i], v))
			k++;
	return MKINT(k);
}

static qv_obj t_index(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_tupleobj *t = (qv_tupleobj *)a[0];
	return seq_index(c, t->items, t->len, n, a, "tuple.index(x): x not in tuple");
}

static qv_obj t_count(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_tupleobj *t = (qv_tupleobj *)a[0];
	return seq_count(c, t->items, t->len, a[1]);
}

static const qv_method tuple_methods[] = {
	METH(index, 2, 4, t_index), METH(count, 2, 2, t_count), METH_END,
};

static qv_obj tuple_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos == 0)
		return EMPTY_TUPLE;
	return to_tuple(c, args[0]);
}

const qv_type qv_tuple_type = {
	.type = &qv_type_type, .name = QS_tuple, .flags = TF_BASETYPE, .repr = tuple_repr, .hash = tuple_hash,
	.subscr = tuple_subscr, .len = tuple_len, .iter = tuple_iter, .binop = tuple_binop,
	.methods = tuple_methods, .make = tuple_make, .getattr = builtin_getattr,
};

/* ------------------------------------------------------------ list */
qv_obj list_new(qv_ctx *c, size_t n)
{
	if (n > ((size_t)1 << 28))
		rt_raise(c, c->memerr);
	qv_listobj *l = NEW(c, qv_listobj);
	l->type = &qv_list_type;
	l->len = n;
	l->cap = n < 4 ? 4 : n;
	l->items = gc_alloc(c, l->cap * sizeof(qv_obj), false);
	return (qv_obj)l;
}

static void list_reserve(qv_ctx *c, qv_listobj *l, size_t need)
{
	if (need <= l->cap)
		return;
	size_t nc = l->cap * 2;
	if (nc < need)
		nc = need;
	if (nc > ((size_t)1 << 28))
		rt_raise(c, c->memerr);
	l->items = gc_realloc(c, l->items, l->cap * sizeof(qv_obj), nc * sizeof(qv_obj), false);
	l->cap = nc;
}

void list_append(qv_ctx *c, qv_obj o, qv_obj v)
{
	qv_listobj *l = (qv_listobj *)o;
	if (l->len == l->cap)
		list_reserve(c, l, l->len + 1);
	l->items[l->len++] = v;
}

static void list_extend(qv_ctx *c, qv_obj l, qv_obj it)
{
	if (IS(it, qv_list_type) || IS(it, qv_tuple_type)) {
		size_t n;
		qv_obj *items = seq_array(c, it, &n);
		qv_listobj *ll = (qv_listobj *)l;
		list_reserve(c, ll, ll->len + n);
		for (size_t i = 0; i < n; i++)
			ll->items[ll->len + i] = items[i];
		ll->len += n;
		return;
	}
	qv_obj i = qv_iter(c, it), v;
	while ((v = qv_next(c, i)))
		list_append(c, l, v);
}

qv_obj list_from_iter(qv_ctx *c, qv_obj it)
{
	qv_obj l = list_new(c, 0);
	list_extend(c, l, it);
	return l;
}

static qv_obj list_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_listobj *l = (qv_listobj *)o;
	return items_repr(c, o, l->items, l->len, "[", "]");
}

static void list_set_slice(qv_ctx *c, qv_listobj *l, qv_obj idx, qv_obj v)
{
	intptr_t st, sp, step, cnt;
	slice_indices(c, idx, (intptr_t)l->len, &st, &sp, &step, &cnt);
	if (v == DELETE) {
		if (step < 0) {
			st = st + (cnt - 1) * step;
			step = -step;
		}
		size_t w = 0;
		intptr_t k = 0;
		for (size_t i = 0; i < l->len; i++) {
			if (k < cnt && (intptr_t)i == st + k * step) {
				k++;
				continue;
			}
			l->items[w++] = l->items[i];
		}
		l->len = w;
		return;
	}
	qv_obj src = IS(v, qv_list_type) || IS(v, qv_tuple_type) ? v : list_from_iter(c, v);
	size_t sn;
	qv_obj *si = seq_array(c, src, &sn);
	if (src == (qv_obj)l) {
		src = tuple_from(c, sn, si);
		si = ((qv_tupleobj *)src)->items;
	}
	if (step == 1) {
		if (sp < st)
			sp = st;
		size_t old = (size_t)(sp - st);
		size_t nl = l->len - old + sn;
		list_reserve(c, l, nl);
		__builtin_memmove(l->items + st + sn, l->items + sp, (l->len - (size_t)sp) * sizeof(qv_obj));
		for (size_t i = 0; i < sn; i++)
			l->items[st + (intptr_t)i] = si[i];
		l->len = nl;
		return;
	}
	if ((intptr_t)sn != cnt)
		qv_raisef(c, EXC(ValueError), "attempt to assign sequence of size %u to extended slice of size %u", (unsigned)sn, (unsigned)cnt);
	for (intptr_t i = 0; i < cnt; i++)
		l->items[st + i * step] = si[i];
}

static qv_obj list_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_listobj *l = (qv_listobj *)o;
	if (IS(idx, qv_slice_type)) {
		if (!v)
			return seq_slice(c, l->items, l->len, idx, false);
		list_set_slice(c, l, idx, v);
		return NONE;
	}
	if (!is_intlike(idx) && !(TYPE(idx)->flags & TF_USER))
		qv_raisef(c, EXC(TypeError), "list indices must be integers or slices, not %s", type_name(idx));
	intptr_t i = norm_index(c, idx, (intptr_t)l->len, v ? "list assignment" : "list");
	if (!v)
		return l->items[i];
	if (v == DELETE) {
		__builtin_memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(qv_obj));
		l->len--;
		return NONE;
	}
	l->items[i] = v;
	return NONE;
}

static intptr_t list_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((qv_listobj *)o)->len;
}

static qv_obj list_iter_next(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_iterobj *it = (qv_iterobj *)o;
	qv_listobj *l = (qv_listobj *)it->obj;
	if ((size_t)it->i >= l->len)
		return NULL;
	return l->items[it->i++];
}

static qv_obj list_iter(qv_ctx *c, qv_obj o)
{
	return make_iter(c, o, list_iter_next);
}

static qv_obj list_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (op & OP_REFLECT) {
		if (o == OP_MUL && is_intlike(a)) {
			qv_obj t = a;
			a = b;
			b = t;
		} else
			return NULL;
	}
	qv_listobj *x = (qv_listobj *)a;
	if (o == OP_MUL && is_intlike(b)) {
		intptr_t k = get_int(c, b);
		if (k < 0)
			k = 0;
		if ((uint64_t)k * x->len > ((size_t)1 << 28))
			rt_raise(c, c->memerr);
		size_t n = x->len;
		if (op & OP_INPLACE) {
			list_reserve(c, x, n * (size_t)k);
			for (intptr_t i = 1; i < k; i++)
				for (size_t j = 0; j < n; j++)
					x->items[(size_t)i * n + j] = x->items[j];
			x->len = n * (size_t)k;
			return a;
		}
		qv_obj r = list_new(c, n * (size_t)k);
		for (intptr_t i = 0; i < k; i++)
			for (size_t j = 0; j < n; j++)
				((qv_listobj *)r)->items[(size_t)i * n + j] = x->items[j];
		return r;
	}
	if ((op & OP_INPLACE) && o == OP_ADD) {
		list_extend(c, a, b);
		return a;
	}
	if (!IS(b, qv_list_type)) {
		if (o == OP_ADD)
			qv_raisef(c, EXC(TypeError), "can only concatenate list (not \"%s\") to list", type_name(b));
		return NULL;
	}
	qv_listobj *y = (qv_listobj *)b;
	if (o == OP_ADD) {
		qv_obj r = list_new(c, x->len + y->len);
		for (size_t i = 0; i < x->len; i++)
			((qv_listobj *)r)->items[i] = x->items[i];
		for (size_t i = 0; i < y->len; i++)
			((qv_listobj *)r)->items[x->len + i] = y->items[i];
		return r;
	}
	if (o >= OP_LT && o <= OP_GE)
		return seq_compare(c, o, x->items, x->len, y->items, y->len);
	return NULL;
}

#define L(o) ((qv_listobj *)(o))
static qv_obj l_append(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); list_append(c, a[0], a[1]); return NONE; }
static qv_obj l_extend(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); list_extend(c, a[0], a[1]); return NONE; }
static qv_obj l_pop(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_listobj *l = L(a[0]);
	if (l->len == 0)
		qv_raisef(c, EXC(IndexError), "pop from empty list");
	intptr_t i = n > 1 ? norm_index(c, a[1], (intptr_t)l->len, "pop") : (intptr_t)l->len - 1;
	qv_obj v = l->items[i];
	__builtin_memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(qv_obj));
	l->len--;
	return v;
}
static qv_obj l_insert(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_listobj *l = L(a[0]);
	intptr_t i = get_int(c, a[1]);
	if (i < 0) {
		i += (intptr_t)l->len;
		if (i < 0)
			i = 0;
	}
	if (i > (intptr_t)l->len)
		i = (intptr_t)l->len;
	list_reserve(c, l, l->len + 1);
	__builtin_memmove(l->items + i + 1, l->items + i, (l->len - (size_t)i) * sizeof(qv_obj));
	l->items[i] = a[2];
	l->len++;
	return NONE;
}
static qv_obj l_remove(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_listobj *l = L(a[0]);
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == a[1] || qv_eq(c, l->items[i], a[1])) {
			__builtin_memmove(l->items + i, l->items + i + 1, (l->len - i - 1) * sizeof(qv_obj));
			l->len--;
			return NONE;
		}
	qv_raisef(c, EXC(ValueError), "list.remove(x): x not in list");
}
static qv_obj l_index(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_listobj *l = L(a[0]);
	intptr_t st = n > 2 ? get_int(c, a[2]) : 0, e = n > 3 ? get_int(c, a[3]) : (intptr_t)l->len;
	if (st < 0) st += (intptr_t)l->len;
	if (e < 0) e += (intptr_t)l->len;
	if (st < 0) st = 0;
	if (e > (intptr_t)l->len) e = (intptr_t)l->len;
	for (intptr_t i = st; i < e && i < (intptr_t)l->len; i++)
		if (l->items[i] == a[1] || qv_eq(c, l->items[i], a[1]))
			return MKINT(i);
	qv_raisef(c, EXC(ValueError), "%R is not in list", a[1]);
}
static qv_obj l_count(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return seq_count(c, L(a[0])->items, L(a[0])->len, a[1]); }
static qv_obj l_clear(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); L(a[0])->len = 0; return NONE; }
static qv_obj l_copy(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_listobj *l = L(a[0]);
	qv_obj r = list_new(c, l->len);
	for (size_t i = 0; i < l->len; i++)
		L(r)->items[i] = l->items[i];
	return r;
}
static qv_obj l_reverse(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_listobj *l = L(a[0]);
	for (size_t i = 0; i < l->len / 2; i++) {
		qv_obj t = l->items[i];
		l->items[i] = l->items[l->len - 1 - i];
		l->items[l->len - 1 - i] = t;
	}
	return NONE;
}

/* Stable merge sort on keys, carrying the values along. */
static bool key_lt(qv_ctx *c, qv_obj x, qv_obj y, bool rev)
{
	return rev ? qv_lt(c, y, x) : qv_lt(c, x, y);
}

static void merge_sort(qv_ctx *c, qv_obj *k, qv_obj *v, qv_obj *tk, qv_obj *tv, size_t n, bool rev)
{
	if (n < 2)
		return;
	if (n <= 8) {
		for (size_t i = 1; i < n; i++) {
			qv_obj kk = k[i], vv = v[i];
			size_t j = i;
			while (j > 0 && key_lt(c, kk, k[j - 1], rev)) {
				k[j] = k[j - 1];
				v[j] = v[j - 1];
				j--;
			}
			k[j] = kk;
			v[j] = vv;
		}
		return;
	}
	size_t m = n / 2;
	merge_sort(c, k, v, tk, tv, m, rev);
	merge_sort(c, k + m, v + m, tk, tv, n - m, rev);
	if (!key_lt(c, k[m], k[m - 1], rev))
		return;
	size_t i = 0, j = m, o = 0;
	while (i < m && j < n) {
		if (key_lt(c, k[j], k[i], rev)) {
			tk[o] = k[j];
			tv[o++] = v[j++];
		} else {
			tk[o] = k[i];
			tv[o++] = v[i++];
		}
	}
	while (i < m) {
		tk[o] = k[i];
		tv[o++] = v[i++];
	}
	while (j < n) {
		tk[o] = k[j];
		tv[o++] = v[j++];
	}
	for (size_t q = 0; q < n; q++) {
		k[q] = tk[q];
		v[q] = tv[q];
	}
}

void list_sort(qv_ctx *c, qv_obj lo, qv_obj key, bool rev)
{
	qv_listobj *l = L(lo);
	size_t n = l->len;
	qv_obj *vals = gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	qv_obj *keys = gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	qv_obj *tk = gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	qv_obj *tv = gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	for (size_t i = 0; i < n; i++) {
		vals[i] = l->items[i];
		keys[i] = key && key != NONE ? qv_call1(c, key, vals[i]) : vals[i];
	}
	/* the list appears empty while sorting, as in CPython */
	qv_obj *saved = l->items;
	l->len = 0;
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		l->items = saved;
		l->len = n;
		rt_raise(c, c->exc);
	}
	merge_sort(c, keys, vals, tk, tv, n, rev);
	qv_untry(c, &j);
	if (l->len != 0)
		qv_raisef(c, EXC(ValueError), "list modified during sort");
	l->items = saved;
	for (size_t i = 0; i < n; i++)
		l->items[i] = vals[i];
	l->len = n;
}

static qv_obj l_sort(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	qv_obj key = native_kw(c, kw, QS(key));
	qv_obj rev = native_kw(c, kw, QS(reverse));
	list_sort(c, a[0], key, rev && rt_truth(c, rev));
	return NONE;
}

static qv_obj l_getitem(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return list_subscr(c, a[0], a[1], NULL); }
static qv_obj l_setitem(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return list_subscr(c, a[0], a[1], a[2]); }
static qv_obj l_delitem(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return list_subscr(c, a[0], a[1], DELETE); }
static qv_obj l_len(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return MKINT(L(a[0])->len); }
static qv_obj l_iter(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return list_iter(c, a[0]); }
static qv_obj l_contains(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return BOOL(qv_contains(c, a[0], a[1])); }
static qv_obj l_eq(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_obj b = a[1];
	if (!IS_INT(b) && (TYPE(b)->flags & TF_USER) && ((qv_inst *)b)->native)
		b = ((qv_inst *)b)->native;
	qv_obj r = IS(b, qv_list_type) ? list_binop(c, OP_EQ, a[0], b) : NULL;
	return r ? r : NOTIMPL;
}
static qv_obj l_iadd(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); list_extend(c, a[0], a[1]); return a[0]; }
static qv_obj l_init(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	L(a[0])->len = 0;
	if (n > 1)
		list_extend(c, a[0], a[1]);
	return NONE;
}
static qv_obj l_add(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_obj r = l_copy(c, 1, a, NULL);
	list_extend(c, r, a[1]);
	return r;
}

static const qv_method list_methods[] = {
	METH(append, 2, 2, l_append), METH(extend, 2, 2, l_extend), METH(pop, 1, 2, l_pop),
	METH(insert, 3, 3, l_insert), METH(remove, 2, 2, l_remove), METH(index, 2, 4, l_index),
	METH(count, 2, 2, l_count), METH(clear, 1, 1, l_clear), METH(copy, 1, 1, l_copy),
	METH(reverse, 1, 1, l_reverse), METH(sort, 1, 1, l_sort), METH(__getitem__, 2, 2, l_getitem),
	METH(__setitem__, 3, 3, l_setitem), METH(__delitem__, 2, 2, l_delitem), METH(__len__, 1, 1, l_len),
	METH(__iter__, 1, 1, l_iter), METH(__contains__, 2, 2, l_contains), METH(__eq__, 2, 2, l_eq),
	METH(__iadd__, 2, 2, l_iadd), METH(__add__, 2, 2, l_add), METH(__init__, 1, 2, l_init), METH_END,
};

static qv_obj list_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos > 1)
		qv_raisef(c, EXC(TypeError), "list expected at most 1 argument, got %u", (unsigned)npos);
	return npos ? list_from_iter(c, args[0]) : list_new(c, 0);
}

const qv_type qv_list_type = {
	.type = &qv_type_type, .name = QS_list, .flags = TF_BASETYPE, .repr = list_repr, .subscr = list_subscr,
	.len = list_len, .iter = list_iter, .binop = list_binop, .methods = list_methods, .make = list_make,
	.getattr = builtin_getattr,
};

/* ------------------------------------------------------------ range
 * Bounds that fit in a small int live in the struct. A range with a bigger
 * bound is marked by step == 0 (never valid otherwise) and keeps a tuple
 * (start, stop, step) of ints in `start`; its operations use int arithmetic
 * on objects. */
#define BIG(r) ((r)->step == 0)
#define BIGT(r) ((qv_tupleobj *)(uintptr_t)(r)->start)

static intptr_t range_len_of(qv_range *r)
{
	if (r->step > 0)
		return r->stop > r->start ? (r->stop - r->start + r->step - 1) / r->step : 0;
	return r->start > r->stop ? (r->start - r->stop - r->step - 1) / (-r->step) : 0;
}

/* start, stop, step as objects, for either kind */
static void range_parts(qv_range *r, qv_obj *p)
{
	if (BIG(r)) {
		for (int i = 0; i < 3; i++)
			p[i] = BIGT(r)->items[i];
	} else {
		p[0] = MKINT(r->start);
		p[1] = MKINT(r->stop);
		p[2] = MKINT(r->step);
	}
}

static qv_obj big_len(qv_ctx *c, qv_range *r)
{
	qv_obj p[3];
	range_parts(r, p);
	bool up = int_sign(p[2]) > 0;
	qv_obj span = up ? qv_binop(c, OP_SUB, p[1], p[0]) : qv_binop(c, OP_SUB, p[0], p[1]);
	if (int_sign(span) <= 0)
		return MKINT(0);
	qv_obj st = up ? p[2] : qv_unop(c, UOP_NEG, p[2]);
	/* ceil(span / step) */
	qv_obj n = qv_binop(c, OP_FLOORDIV, qv_binop(c, OP_SUB, qv_binop(c, OP_ADD, span, st), MKINT(1)), st);
	return n;
}

static qv_obj range_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos < 1 || npos > 3)
		qv_raisef(c, EXC(TypeError), npos ? "range expected at most 3 arguments, got %u" : "range expected at least 1 argument, got %u", (unsigned)npos);
	qv_obj v[3] = {MKINT(0), MKINT(0), MKINT(1)};
	if (npos == 1)
		v[1] = args[0];
	else
		for (size_t i = 0; i < npos; i++)
			v[i] = args[i];
	bool big = false;
	for (int i = 0; i < 3; i++) {
		int64_t x;
		if (IS_INT(v[i]))
			continue;
		if (is_intlike(v[i]) && (!int_to_i64(v[i], &x) || !FITS_SMALL(x)))
			big = true;
		else
			v[i] = MKINT(get_int(c, v[i]));
	}
	qv_range *r = NEW(c, qv_range);
	r->type = &qv_range_type;
	if (big) {
		if (int_sign(v[2]) == 0)
			qv_raisef(c, EXC(ValueError), "range() arg 3 must not be zero");
		r->start = (intptr_t)(uintptr_t)tuple_from(c, 3, v);
		r->step = 0;
		return (qv_obj)r;
	}
	r->start = INT_VAL(v[0]);
	r->stop = INT_VAL(v[1]);
	r->step = INT_VAL(v[2]);
	if (r->step == 0)
		qv_raisef(c, EXC(ValueError), "range() arg 3 must not be zero");
	return (qv_obj)r;
}

static qv_obj range_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_range *r = (qv_range *)o;
	qv_obj p[3];
	range_parts(r, p);
	if (p[2] == MKINT(1))
		return str_fmt(c, "range(%R, %R)", p[0], p[1]);
	return str_fmt(c, "range(%R, %R, %R)", p[0], p[1], p[2]);
}

static qv_obj range_iter_next(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_iterobj *it = (qv_iterobj *)o;
	if (it->i >= it->n)
		return NULL;
	qv_range *r = (qv_range *)it->obj;
	return MKINT(r->start + (it->i++) * r->step);
}

/* a: the next value, b: the values left (both ints of any size) */
static qv_obj big_iter_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	if (int_sign(it->b) <= 0)
		return NULL;
	qv_obj v = it->a;
	it->a = qv_binop(c, OP_ADD, v, BIGT((qv_range *)it->obj)->items[2]);
	it->b = qv_binop(c, OP_SUB, it->b, MKINT(1));
	return v;
}

static qv_obj range_iter(qv_ctx *c, qv_obj o)
{
	qv_range *r = (qv_range *)o;
	if (BIG(r)) {
		qv_iterobj *it = (qv_iterobj *)make_iter(c, o, big_iter_next);
		it->a = BIGT(r)->items[0];
		it->b = big_len(c, r);
		return (qv_obj)it;
	}
	qv_iterobj *it = (qv_iterobj *)make_iter(c, o, range_iter_next);
	it->n = range_len_of(r);
	return (qv_obj)it;
}

static intptr_t range_len(qv_ctx *c, qv_obj o)
{
	qv_range *r = (qv_range *)o;
	if (BIG(r)) {
		int64_t n;
		if (!int_to_i64(big_len(c, r), &n) || !FITS_SMALL(n))
			qv_raisef(c, EXC(OverflowError), "Python int too large to convert to C ssize_t");
		return (intptr_t)n;
	}
	return range_len_of(r);
}

static qv_obj range_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_range *r = (qv_range *)o;
	if (v)
		qv_raisef(c, EXC(TypeError), "'range' object does not support item assignment");
	if (BIG(r) && !IS(idx, qv_slice_type)) {
		if (!is_intlike(idx))
			idx = MKINT(get_int(c, idx));
		qv_obj len = big_len(c, r), i = idx;
		if (int_sign(i) < 0)
			i = qv_binop(c, OP_ADD, i, len);
		if (int_sign(i) < 0 || !qv_lt(c, i, len))
			qv_raisef(c, EXC(IndexError), "range object index out of range");
		return qv_binop(c, OP_ADD, BIGT(r)->items[0], qv_binop(c, OP_MUL, i, BIGT(r)->items[2]));
	}
	intptr_t len = range_len(c, o);
	if (IS(idx, qv_slice_type)) {
		if (BIG(r))
			qv_raisef(c, EXC(OverflowError), "slicing a range with bounds beyond 62 bits is not supported");
		intptr_t st, sp, step, cnt;
		slice_indices(c, idx, len, &st, &sp, &step, &cnt);
		qv_range *n = NEW(c, qv_range);
		n->type = &qv_range_type;
		n->start = r->start + st * r->step;
		n->step = r->step * step;
		n->stop = n->start + cnt * n->step;
		return (qv_obj)n;
	}
	intptr_t i = norm_index(c, idx, len, "range object");
	return MKINT(r->start + i * r->step);
}

static qv_obj range_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (o == OP_IN && (op & OP_REFLECT) && IS_INT(a) && !BIG((qv_range *)b)) {
		qv_range *r = (qv_range *)b;
		intptr_t v = INT_VAL(a);
		bool in = r->step > 0 ? (v >= r->start && v < r->stop) : (v <= r->start && v > r->stop);
		return BOOL(in && (v - r->start) % r->step == 0);
	}
	if (o == OP_IN && (op & OP_REFLECT) && is_intlike(a) && a != TRUE_ && a != FALSE_) {
		qv_obj p[3];
		range_parts((qv_range *)b, p);
		bool up = int_sign(p[2]) > 0;
		bool in = up ? !qv_lt(c, a, p[0]) && qv_lt(c, a, p[1]) : !qv_lt(c, p[0], a) && qv_lt(c, p[1], a);
		return BOOL(in && int_sign(qv_binop(c, OP_MOD, qv_binop(c, OP_SUB, a, p[0]), p[2])) == 0);
	}
	if ((o == OP_EQ || o == OP_NE) && IS(a, qv_range_type) && IS(b, qv_range_type)) {
		qv_range *x = (qv_range *)a, *y = (qv_range *)b;
		bool eq;
		if (!BIG(x) && !BIG(y)) {
			intptr_t lx = range_len_of(x), ly = range_len_of(y);
			eq = lx == ly && (lx == 0 || (x->start == y->start && (lx == 1 || x->step == y->step)));
		} else {
			qv_obj px[3], py[3], lx = big_len(c, x), ly = big_len(c, y);
			range_parts(x, px);
			range_parts(y, py);
			eq = qv_eq(c, lx, ly) && (int_sign(lx) == 0 || (qv_eq(c, px[0], py[0]) &&
				(qv_eq(c, lx, MKINT(1)) || qv_eq(c, px[2], py[2]))));
		}
		return BOOL(o == OP_EQ ? eq : !eq);
	}
	return NULL;
}

static qv_obj r_part(qv_obj o, int k)
{
	qv_obj p[3];
	range_parts((qv_range *)o, p);
	return p[k];
}
static qv_obj r_start(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return r_part(a[0], 0); }
static qv_obj r_stop(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return r_part(a[0], 1); }
static qv_obj r_step(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return r_part(a[0], 2); }
static qv_obj r_index(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_range *r = (qv_range *)a[0];
	if (range_binop(c, OP_IN | OP_REFLECT, a[1], a[0]) == TRUE_) {
		if (!BIG(r) && IS_INT(a[1]))
			return MKINT((INT_VAL(a[1]) - r->start) / r->step);
		return qv_binop(c, OP_FLOORDIV, qv_binop(c, OP_SUB, a[1], r_part(a[0], 0)), r_part(a[0], 2));
	}
	qv_raisef(c, EXC(ValueError), "%R is not in range", a[1]);
}
static qv_obj r_count(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	return MKINT(range_binop(c, OP_IN | OP_REFLECT, a[1], a[0]) == TRUE_);
}

static const qv_method range_methods[] = {
	ATTR(start, r_start), ATTR(stop, r_stop), ATTR(step, r_step), METH(index, 2, 2, r_index),
	METH(count, 2, 2, r_count), METH_END,
};

static intptr_t range_hash(qv_ctx *c, qv_obj o)
{
	qv_range *r = (qv_range *)o;
	if (BIG(r))
		return qv_hash(c, tuple_pack(c, 3, big_len(c, r), r_part(o, 0), r_part(o, 2)));
	return qv_hash(c, tuple_pack(c, 3, MKINT(range_len_of(r)), MKINT(r->start), MKINT(r->step)));
}

const qv_type qv_range_type = {
	.type = &qv_type_type, .name = QS_range, .make = range_make, .repr = range_repr, .iter = range_iter,
	.len = range_len, .subscr = range_subscr, .binop = range_binop, .methods = range_methods,
	.getattr = builtin_getattr, .hash = range_hash,
};

/* ------------------------------------------------------------ slice */
static qv_obj slice_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_slice *sl = (qv_slice *)o;
	return str_fmt(c, "slice(%R, %R, %R)", sl->start, sl->stop, sl->step);
}

static qv_obj slice_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos == 1)
		return slice_new(c, NONE, args[0], NONE);
	if (npos == 2)
		return slice_new(c, args[0], args[1], NONE);
	if (npos == 3)
		return slice_new(c, args[0], args[1], args[2]);
	qv_raisef(c, EXC(TypeError), "slice expected at least 1 argument, got 0");
}

static qv_obj sl_start(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_slice *)a[0])->start; }
static qv_obj sl_stop(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_slice *)a[0])->stop; }
static qv_obj sl_step(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_slice *)a[0])->step; }
static qv_obj sl_indices(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	intptr_t st, sp, step, cnt;
	slice_indices(c, a[0], get_int(c, a[1]), &st, &sp, &step, &cnt);
	return tuple_pack(c, 3, MKINT(st), MKINT(sp), MKINT(step));
}

static const qv_method slice_methods[] = {
	ATTR(start, sl_start), ATTR(stop, sl_stop), ATTR(step, sl_step), METH(indices, 2, 2, sl_indices), METH_END,
};

const qv_type qv_slice_type = {
	.type = &qv_type_type, .name = QS_slice, .repr = slice_repr, .make = slice_make, .methods = slice_methods,
	.getattr = builtin_getattr,
};

/* ------------------------------------------------------------ bytearray */
#define BA(o) ((qv_bytearray *)(o))

qv_obj ba_new(qv_ctx *c, const char *p, size_t n)
{
	qv_bytearray *b = NEW(c, qv_bytearray);
	b->type = &qv_bytearray_type;
	b->cap = n < 8 ? 8 : n;
	b->data = gc_alloc(c, b->cap, true);
	if (n)
		__builtin_memcpy(b->data, p, n);
	b->len = n;
	return (qv_obj)b;
}

static void ba_reserve(qv_ctx *c, qv_bytearray *b, size_t need)
{
	if (need <= b->cap)
		return;
	size_t nc = b->cap * 2 > need ? b->cap * 2 : need;
	b->data = gc_realloc(c, b->data, b->cap, nc, true);
	b->cap = nc;
}

static qv_obj ba_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	qv_obj by = qv_exc_types[0].type ? rt_call(c, (qv_obj)&qv_bytes_type, npos, nkw, args) : NULL;
	return ba_new(c, STR(by)->data, STR(by)->len);
}

static qv_obj ba_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_obj b = bytes_new(c, (const char *)BA(o)->data, BA(o)->len);
	return str_fmt(c, "bytearray(%R)", b);
}

static qv_obj ba_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_bytearray *b = BA(o);
	if (IS(idx, qv_slice_type)) {
		intptr_t st, sp, step, cnt;
		slice_indices(c, idx, (intptr_t)b->len, &st, &sp, &step, &cnt);
		if (!v) {
			sbuf s;
			sb_init(&s, c, (size_t)cnt + 1);
			for (intptr_t i = 0; i < cnt; i++)
				sb_addc(&s, (char)b->data[st + i * step]);
			return ba_new(c, s.p, s.n);
		}
		if (step != 1 && v != DELETE) {
			qv_obj src = IS(v, qv_bytes_type) || IS(v, qv_bytearray_type) ? v : qv_call1(c, (qv_obj)&qv_bytes_type, v);
			size_t sn;
			const char *sp3 = buf_view(c, src, &sn);
			if ((intptr_t)sn != cnt)
				qv_raisef(c, EXC(ValueError), "attempt to assign bytes of size %u to extended slice of size %u", (unsigned)sn, (unsigned)cnt);
			for (intptr_t i = 0; i < cnt; i++)
				b->data[st + i * step] = (uint8_t)sp3[i];
			return NONE;
		}
		if (step != 1)
			qv_raisef(c, EXC(ValueError), "extended slice deletion is not supported on bytearray");
		size_t sn = 0;
		const char *sp2 = "";
		if (v != DELETE) {
			if (is_intlike(v))
				qv_raisef(c, EXC(TypeError), "can assign only bytes, buffers, or iterables of ints in range(0, 256)");
			qv_obj src = IS(v, qv_bytes_type) || IS(v, qv_bytearray_type) ? v : qv_call1(c, (qv_obj)&qv_bytes_type, v);
			sp2 = buf_view(c, src, &sn);
			if (src == o) {
				qv_obj cp = bytes_new(c, sp2, sn);
				sp2 = STR(cp)->data;
			}
		}
		if (sp < st)
			sp = st;
		size_t old = (size_t)(sp - st), nl = b->len - old + sn;
		ba_reserve(c, b, nl);
		__builtin_memmove(b->data + st + sn, b->data + sp, b->len - (size_t)sp);
		__builtin_memcpy(b->data + st, sp2, sn);
		b->len = nl;
		return NONE;
	}
	intptr_t i = norm_index(c, idx, (intptr_t)b->len, "bytearray");
	if (!v)
		return MKINT(b->data[i]);
	if (v == DELETE) {
		__builtin_memmove(b->data + i, b->data + i + 1, b->len - (size_t)i - 1);
		b->len--;
		return NONE;
	}
	intptr_t x = get_int(c, v);
	if (x < 0 || x > 255)
		qv_raisef(c, EXC(ValueError), "byte must be in range(0, 256)");
	b->data[i] = (uint8_t)x;
	return NONE;
}

static intptr_t ba_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)BA(o)->len;
}

static qv_obj ba_iter_next(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_iterobj *it = (qv_iterobj *)o;
	qv_bytearray *b = BA(it->obj);
	if ((size_t)it->i >= b->len)
		return NULL;
	return MKINT(b->data[it->i++]);
}

static qv_obj ba_iter(qv_ctx *c, qv_obj o)
{
	return make_iter(c, o, ba_iter_next);
}

static qv_obj ba_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (o == OP_ADD && (op & OP_INPLACE) && IS(a, qv_bytearray_type)) {
		size_t n;
		const char *p = buf_view(c, b, &n);
		ba_reserve(c, BA(a), BA(a)->len + n);
		__builtin_memmove(BA(a)->data + BA(a)->len, p, n);
		BA(a)->len += n;
		return a;
	}
	if (o == OP_ADD && !(op & OP_REFLECT)) {
		size_t n1, n2;
		const char *p1 = buf_view(c, a, &n1), *p2 = buf_view(c, b, &n2);
		qv_obj r = ba_new(c, p1, n1);
		ba_reserve(c, BA(r), n1 + n2);
		__builtin_memcpy(BA(r)->data + n1, p2, n2);
		BA(r)->len = n1 + n2;
		return r;
	}
	if (o >= OP_LT && o <= OP_GE) {
		size_t n1, n2;
		const char *p1 = buf_view(c, a, &n1), *p2 = buf_view(c, b, &n2);
		return qv_compare(c, o, bytes_new(c, p1, n1), bytes_new(c, p2, n2));
	}
	if (o == OP_IN && (op & OP_REFLECT)) {
		qv_obj by = bytes_new(c, (const char *)BA(b)->data, BA(b)->len);
		return qv_compare(c, OP_IN, a, by);
	}
	if (o == OP_MUL && is_intlike(b)) {
		qv_obj by = bytes_new(c, (const char *)BA(a)->data, BA(a)->len);
		qv_obj r = qv_binop(c, OP_MUL, by, b);
		return ba_new(c, STR(r)->data, STR(r)->len);
	}
	return NULL;
}

static qv_obj ba_append(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	intptr_t x = get_int(c, a[1]);
	if (x < 0 || x > 255)
		qv_raisef(c, EXC(ValueError), "byte must be in range(0, 256)");
	ba_reserve(c, BA(a[0]), BA(a[0])->len + 1);
	BA(a[0])->data[BA(a[0])->len++] = (uint8_t)x;
	return NONE;
}

static qv_obj ba_extend(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_obj src = IS(a[1], qv_bytes_type) || IS(a[1], qv_bytearray_type) ? a[1] : qv_call1(c, (qv_obj)&qv_bytes_type, a[1]);
	ba_binop(c, OP_ADD | OP_INPLACE, a[0], src);
	return NONE;
}

static qv_obj ba_pop(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_bytearray *b = BA(a[0]);
	if (!b->len)
		qv_raisef(c, EXC(IndexError), "pop from empty bytearray");
	intptr_t i = n > 1 ? norm_index(c, a[1], (intptr_t)b->len, "pop") : (intptr_t)b->len - 1;
	uint8_t v = b->data[i];
	__builtin_memmove(b->data + i, b->data + i + 1, b->len - (size_t)i - 1);
	b->len--;
	return MKINT(v);
}

static qv_obj ba_to_bytes_m(qv_ctx *c, qv_obj self, qv_obj name, size_t n, qv_obj *a)
{
	qv_obj by = bytes_new(c, (const char *)BA(self)->data, BA(self)->len);
	return qv_call_method(c, by, name, n, a);
}

static qv_obj ba_decode(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(kw); return ba_to_bytes_m(c, a[0], QS(decode), n - 1, a + 1); }
static qv_obj ba_hex(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(kw); return ba_to_bytes_m(c, a[0], QS(hex), n - 1, a + 1); }
static qv_obj ba_find(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(kw); return ba_to_bytes_m(c, a[0], QS(find), n - 1, a + 1); }
static qv_obj ba_count(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(kw); return ba_to_bytes_m(c, a[0], QS(count), n - 1, a + 1); }
static qv_obj ba_startswith(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(kw); return ba_to_bytes_m(c, a[0], QS(startswith), n - 1, a + 1); }
static qv_obj ba_clear(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); BA(a[0])->len = 0; return NONE; }
static qv_obj ba_copy(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return ba_new(c, (const char *)BA(a[0])->data, BA(a[0])->len); }
static qv_obj ba_reverse(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_bytearray *b = BA(a[0]);
	for (size_t i = 0; i < b->len / 2; i++) {
		uint8_t t = b->data[i];
		b->data[i] = b->data[b->len - 1 - i];
		b->data[b->len - 1 - i] = t;
	}
	return NONE;
}
static qv_obj ba_insert(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_bytearray *b = BA(a[0]);
	intptr_t i = get_int(c, a[1]), x = get_int(c, a[2]);
	if (i < 0) i += (intptr_t)b->len;
	if (i < 0) i = 0;
	if (i > (intptr_t)b->len) i = (intptr_t)b->len;
	if (x < 0 || x > 255)
		qv_raisef(c, EXC(ValueError), "byte must be in range(0, 256)");
	ba_reserve(c, b, b->len + 1);
	__builtin_memmove(b->data + i + 1, b->data + i, b->len - (size_t)i);
	b->data[i] = (uint8_t)x;
	b->len++;
	return NONE;
}

static qv_obj ba_remove(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_bytearray *b = BA(a[0]);
	intptr_t v = get_int(c, a[1]);
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == v) {
			__builtin_memmove(b->data + i, b->data + i + 1, b->len - i - 1);
			b->len--;
			return NONE;
		}
	qv_raisef(c, EXC(ValueError), "value not found in bytearray");
}

static const qv_method ba_methods[] = {
	METH(remove, 2, 2, ba_remove),
	METH(append, 2, 2, ba_append), METH(extend, 2, 2, ba_extend), METH(pop, 1, 2, ba_pop),
	METH(decode, 1, 3, ba_decode), METH(hex, 1, 1, ba_hex), METH(find, 2, 4, ba_find),
	METH(count, 2, 4, ba_count), METH(startswith, 2, 4, ba_startswith), METH(clear, 1, 1, ba_clear),
	METH(copy, 1, 1, ba_copy), METH(reverse, 1, 1, ba_reverse), METH(insert, 3, 3, ba_insert), METH_END,
};

static qv_obj ba_via_bytes(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	/* a[0]: the bytes method name; a[1]: the bytearray */
	qv_obj by = bytes_new(c, (const char *)BA(a[1])->data, BA(a[1])->len);
	qv_obj r = qv_call_method(c, by, a[0], n - 2, a + 2);
	if (IS(r, qv_bytes_type))
		return ba_new(c, STR(r)->data, STR(r)->len);
	if (IS(r, qv_list_type)) {
		qv_listobj *l = (qv_listobj *)r;
		for (size_t i = 0; i < l->len; i++)
			if (IS(l->items[i], qv_bytes_type))
				l->items[i] = ba_new(c, STR(l->items[i])->data, STR(l->items[i])->len);
	}
	return r;
}

static qv_obj ba_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	qv_obj v = builtin_getattr(c, o, name, self);
	if (v)
		return v;
	if (self)
		*self = NULL;
	v = builtin_getattr(c, qv_call1(c, (qv_obj)&qv_bytes_type, EMPTY_TUPLE), name, NULL);
	if (!v || !IS(v, qv_bound_type))
		return NULL;
	qv_obj m = make_native_closure(c, ba_via_bytes, name, name);
	qv_bound *b = NEW(c, qv_bound);
	b->type = &qv_bound_type;
	b->self = o;
	b->func = m;
	return (qv_obj)b;
}

const qv_type qv_bytearray_type = {
	.type = &qv_type_type, .name = QS_bytearray, .make = ba_make, .repr = ba_repr, .subscr = ba_subscr,
	.len = ba_len, .iter = ba_iter, .binop = ba_binop, .methods = ba_methods, .getattr = ba_getattr,
};

/* ------------------------------------------------------------ memoryview */
static qv_obj mv_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	arg_check(c, "memoryview", npos, 1, 1);
	size_t n;
	buf_view(c, args[0], &n);
	qv_memview *m = NEW(c, qv_memview);
	m->type = &qv_memview_type;
	m->obj = IS(args[0], qv_memview_type) ? ((qv_memview *)args[0])->obj : args[0];
	m->off = IS(args[0], qv_memview_type) ? ((qv_memview *)args[0])->off : 0;
	m->len = n;
	m->ro = !IS(m->obj, qv_bytearray_type);
	return (qv_obj)m;
}

static qv_obj mv_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_memview *m = (qv_memview *)o;
	size_t bn;
	const char *p = buf_view(c, m->obj, &bn);
	if (IS(idx, qv_slice_type)) {
		intptr_t st, sp, step, cnt;
		slice_indices(c, idx, (intptr_t)m->len, &st, &sp, &step, &cnt);
		if (step != 1)
			qv_raisef(c, EXC(NotImplementedError), "memoryview: slice steps other than 1");
		if (!v) {
			qv_memview *r = NEW(c, qv_memview);
			*r = *m;
			r->off = m->off + (size_t)st;
			r->len = (size_t)cnt;
			return (qv_obj)r;
		}
		if (m->ro)
			qv_raisef(c, EXC(TypeError), "cannot modify read-only memory");
		size_t sn;
		const char *sp2 = buf_view(c, v, &sn);
		if ((intptr_t)sn != cnt)
			qv_raisef(c, EXC(ValueError), "memoryview assignment: lvalue and rvalue have different structures");
		__builtin_memmove((char *)p + m->off + st, sp2, sn);
		return NONE;
	}
	intptr_t i = norm_index(c, idx, (intptr_t)m->len, "index");
	if (!v)
		return MKINT((uint8_t)p[m->off + (size_t)i]);
	if (m->ro)
		qv_raisef(c, EXC(TypeError), "cannot modify read-only memory");
	((char *)p)[m->off + (size_t)i] = (char)get_int(c, v);
	return NONE;
}

static intptr_t mv_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((qv_memview *)o)->len;
}

static qv_obj mv_tobytes(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	return bytes_new(c, p, len);
}

static qv_obj mv_tolist(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	qv_obj l = list_new(c, len);
	for (size_t i = 0; i < len; i++)
		L(l)->items[i] = MKINT((uint8_t)p[i]);
	return l;
}

static qv_obj mv_release(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); UNUSED(a); return NONE; }
static qv_obj mv_ro(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return BOOL(((qv_memview *)a[0])->ro); }
static qv_obj mv_nbytes(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return MKINT(((qv_memview *)a[0])->len); }

static qv_obj mv_one(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); UNUSED(a); return MKINT(1); }
static qv_obj mv_format(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); UNUSED(a); return QS(B); }
static qv_obj mv_shape(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return tuple_pack(c, 1, MKINT(((qv_memview *)a[0])->len)); }
static qv_obj mv_obj(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_memview *)a[0])->obj; }
static const qv_method mv_methods[] = {
	ATTR(itemsize, mv_one), ATTR(ndim, mv_one), ATTR(format, mv_format), ATTR(shape, mv_shape), ATTR(obj, mv_obj),
	METH(tobytes, 1, 1, mv_tobytes), METH(tolist, 1, 1, mv_tolist), METH(release, 1, 1, mv_release),
	ATTR(readonly, mv_ro), ATTR(nbytes, mv_nbytes), METH_END,
};

static qv_obj mv_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if ((o == OP_EQ || o == OP_NE) && !(op & OP_REFLECT)) {
		size_t n1, n2;
		if (!(IS(b, qv_bytes_type) || IS(b, qv_bytearray_type) || IS(b, qv_memview_type)))
			return NULL;
		const char *p1 = buf_view(c, a, &n1), *p2 = buf_view(c, b, &n2);
		bool eq = n1 == n2 && __builtin_memcmp(p1, p2, n1) == 0;
		return BOOL(o == OP_EQ ? eq : !eq);
	}
	return NULL;
}

const qv_type qv_memview_type = {
	.type = &qv_type_type, .name = QS_memoryview, .make = mv_make, .subscr = mv_subscr, .len = mv_len,
	.methods = mv_methods, .getattr = builtin_getattr, .binop = mv_binop,
};
