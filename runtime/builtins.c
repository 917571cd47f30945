/* The built-in functions and the constant table that maps their names. */
#include "rt.h"

qv_obj float_round(qv_ctx *c, double x, qv_obj nd);
qv_obj sys_stream(qv_ctx *c, int which);
int stream_of(qv_ctx *c, qv_obj file);

#define B(name) static qv_obj name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)

NATIVE(bi_print, print, 0, ARGS_MAX)
{
	qv_obj sep = native_kw(c, kw, QS(sep)), end = native_kw(c, kw, QS(end)), file = native_kw(c, kw, QS(file));
	if (!sep || sep == NONE)
		sep = QS(space);
	if (!end || end == NONE)
		end = QS(nl);
	if (!IS_STR(sep))
		qv_raisef(c, EXC(TypeError), "sep must be None or a string, not %s", type_name(sep));
	if (!IS_STR(end))
		qv_raisef(c, EXC(TypeError), "end must be None or a string, not %s", type_name(end));
	int stream = QV_OUT;
	if (file && file != NONE) {
		stream = stream_of(c, file);
		if (!stream) {
			/* any object with a write method */
			qv_obj w = qv_getattr(c, file, QS(write));
			for (size_t i = 0; i < n; i++) {
				if (i)
					qv_call1(c, w, sep);
				qv_call1(c, w, qv_str_of(c, a[i]));
			}
			qv_call1(c, w, end);
			return NONE;
		}
	}
	sbuf b;
	sb_init(&b, c, 64);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addobj(&b, sep);
		sb_addobj(&b, qv_str_of(c, a[i]));
	}
	sb_addobj(&b, end);
	port_write(c, stream, b.p, b.n);
	return NONE;
}

NATIVE(bi_len, len, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	return MKINT(qv_len(c, a[0]));
}

NATIVE(bi_repr, repr, 1, 1) { UNUSED(n); UNUSED(kw); return qv_repr(c, a[0]); }
NATIVE(bi_ascii, ascii, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj r = qv_repr(c, a[0]);
	qv_strobj *s = STR(r);
	if (s->clen == s->len)
		return r;
	sbuf b;
	sb_init(&b, c, s->len * 2);
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < s->len;) {
		uint8_t b0 = (uint8_t)s->data[i];
		if (b0 < 0x80) {
			sb_addc(&b, (char)b0);
			i++;
			continue;
		}
		int k = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
		uint32_t cp = b0 & (0x3F >> k);
		for (int j = 1; j <= k && i + (size_t)j < s->len; j++)
			cp = (cp << 6) | ((uint8_t)s->data[i + (size_t)j] & 0x3F);
		i += (size_t)k + 1;
		int nd = cp < 0x100 ? 2 : cp < 0x10000 ? 4 : 8;
		sb_addc(&b, '\\');
		sb_addc(&b, nd == 2 ? 'x' : nd == 4 ? 'u' : 'U');
		for (int d = nd - 1; d >= 0; d--)
			sb_addc(&b, hx[(cp >> (4 * d)) & 15]);
	}
	return sb_str(&b);
}

NATIVE(bi_abs, abs, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj x = a[0];
	if (IS_INT(x))
		return INT_VAL(x) < 0 ? int_from_i64(c, -(int64_t)INT_VAL(x)) : x;
	if (IS(x, qv_float_type))
		return float_new(c, FLOAT_VAL(x) < 0 || (FLOAT_VAL(x) == 0 && 1 / FLOAT_VAL(x) < 0) ? -FLOAT_VAL(x) : FLOAT_VAL(x));
	if (is_intlike(x))
		return int_sign(x) < 0 ? qv_unop(c, UOP_NEG, x) : int_unop(c, UOP_POS, x);
	qv_obj m = qv_special(c, x, QS(__abs__));
	if (!m)
		qv_raisef(c, EXC(TypeError), "bad operand type for abs(): '%s'", type_name(x));
	return qv_call0(c, m);
}

NATIVE(bi_all, all, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj it = qv_iter(c, a[0]), v;
	while ((v = qv_next(c, it)))
		if (!rt_truth(c, v))
			return FALSE_;
	return TRUE_;
}

NATIVE(bi_any, any, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj it = qv_iter(c, a[0]), v;
	while ((v = qv_next(c, it)))
		if (rt_truth(c, v))
			return TRUE_;
	return FALSE_;
}

static bool isinst(qv_ctx *c, qv_obj o, qv_obj t, int depth)
{
	if (depth > 50)
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded in __instancecheck__");
	if (IS(t, qv_tuple_type)) {
		qv_tupleobj *tt = (qv_tupleobj *)t;
		for (size_t i = 0; i < tt->len; i++)
			if (isinst(c, o, tt->items[i], depth + 1))
				return true;
		return false;
	}
	if (TYPE(t) != &qv_type_type)
		qv_raisef(c, EXC(TypeError), "isinstance() arg 2 must be a type, a tuple of types, or a union");
	const qv_type *ty = (const qv_type *)t;
	if (ty == &qv_int_type && is_intlike(o) && !(TYPE(o)->flags & TF_USER))
		return true;
	if (ty == &qv_float_type && IS(o, qv_float_type))
		return true;
	return isinstance(o, ty);
}

NATIVE(bi_isinstance, isinstance, 2, 2) { UNUSED(n); UNUSED(kw); return BOOL(isinst(c, a[0], a[1], 0)); }

static bool issub(qv_ctx *c, qv_obj x, qv_obj t)
{
	if (IS(t, qv_tuple_type)) {
		qv_tupleobj *tt = (qv_tupleobj *)t;
		for (size_t i = 0; i < tt->len; i++)
			if (issub(c, x, tt->items[i]))
				return true;
		return false;
	}
	if (TYPE(t) != &qv_type_type)
		qv_raisef(c, EXC(TypeError), "issubclass() arg 2 must be a class, a tuple of classes, or a union");
	if ((const qv_type *)x == &qv_bool_type && (const qv_type *)t == &qv_int_type)
		return true;
	return is_subclass((const qv_type *)x, (const qv_type *)t);
}

NATIVE(bi_issubclass, issubclass, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	if (TYPE(a[0]) != &qv_type_type)
		qv_raisef(c, EXC(TypeError), "issubclass() arg 1 must be a class");
	return BOOL(issub(c, a[0], a[1]));
}

static qv_obj attr_name(qv_ctx *c, qv_obj s)
{
	if (!IS_STR(s))
		qv_raisef(c, EXC(TypeError), "attribute name must be string, not '%s'", type_name(s));
	return str_intern(c, STR(s)->data, STR(s)->len);
}

NATIVE(bi_getattr, getattr, 2, 3)
{
	UNUSED(kw);
	qv_obj name = attr_name(c, a[1]);
	if (n == 3) {
		qv_jmp j;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			if (isinstance(c->exc, EXC(AttributeError)))
				return a[2];
			rt_raise(c, c->exc);
		}
		qv_obj v = qv_getattr(c, a[0], name);
		qv_untry(c, &j);
		return v;
	}
	return qv_getattr(c, a[0], name);
}

NATIVE(bi_hasattr, hasattr, 2, 2)
{
	UNUSED(kw); UNUSED(n);
	qv_obj name = attr_name(c, a[1]);
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		if (isinstance(c->exc, EXC(AttributeError)))
			return FALSE_;
		rt_raise(c, c->exc);
	}
	qv_getattr(c, a[0], name);
	qv_untry(c, &j);
	return TRUE_;
}

NATIVE(bi_setattr, setattr, 3, 3) { UNUSED(n); UNUSED(kw); qv_setattr(c, a[0], attr_name(c, a[1]), a[2]); return NONE; }
NATIVE(bi_delattr, delattr, 2, 2) { UNUSED(n); UNUSED(kw); qv_setattr(c, a[0], attr_name(c, a[1]), NULL); return NONE; }
NATIVE(bi_hash, hash, 1, 1) { UNUSED(n); UNUSED(kw); return int_from_i64(c, qv_hash(c, a[0])); }
NATIVE(bi_id, id, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	if (IS_INT(a[0]))
		return int_from_u64(c, (uint64_t)(uintptr_t)a[0] >> 1);
	return int_from_u64(c, (uint64_t)(uintptr_t)a[0]);
}

NATIVE(bi_iter, iter, 1, 2)
{
	UNUSED(kw);
	if (n == 2) {
		/* iter(callable, sentinel) */
		qv_obj l = list_new(c, 0);
		for (;;) {
			qv_obj v = qv_call0(c, a[0]);
			if (qv_eq(c, v, a[1]))
				break;
			list_append(c, l, v);
		}
		return qv_iter(c, l);
	}
	return qv_iter(c, a[0]);
}

NATIVE(bi_next, next, 1, 2)
{
	UNUSED(kw);
	if (IS(a[0], qv_gen_type) && n == 1) {
		bool done;
		qv_obj r = gen_send(c, a[0], NONE, NULL, &done);
		if (done)
			rt_raise(c, exc_new(c, EXC(StopIteration), r == NONE ? EMPTY_TUPLE : tuple_pack(c, 1, r)));
		return r;
	}
	qv_obj v = qv_next(c, a[0]);
	if (!v) {
		if (n > 1)
			return a[1];
		qv_raise_type(c, EXC(StopIteration));
	}
	return v;
}

NATIVE(bi_callable, callable, 1, 1)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	const qv_type *t = TYPE(a[0]);
	if (t == &qv_func_type || t->call)
		return t->flags & TF_USER ? BOOL(type_lookup(t, QS(__call__)) != NULL) : TRUE_;
	return FALSE_;
}

NATIVE(bi_chr, chr, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	intptr_t v = get_int(c, a[0]);
	if (v < 0 || v > 0x10FFFF)
		qv_raisef(c, EXC(ValueError), "chr() arg not in range(0x110000)");
	sbuf b;
	sb_init(&b, c, 4);
	sb_utf8(&b, (uint32_t)v);
	return sb_str(&b);
}

NATIVE(bi_ord, ord, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj s = a[0];
	if (IS_STR(s)) {
		qv_strobj *x = STR(s);
		if (x->clen != 1)
			qv_raisef(c, EXC(TypeError), "ord() expected a character, but string of length %u found", (unsigned)x->clen);
		uint8_t b0 = (uint8_t)x->data[0];
		if (b0 < 0x80)
			return MKINT(b0);
		int k = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
		uint32_t cp = b0 & (0x3F >> k);
		for (int i = 1; i <= k; i++)
			cp = (cp << 6) | ((uint8_t)x->data[i] & 0x3F);
		return MKINT(cp);
	}
	if (IS(s, qv_bytes_type) || IS(s, qv_bytearray_type)) {
		size_t len;
		const char *p = buf_view(c, s, &len);
		if (len != 1)
			qv_raisef(c, EXC(TypeError), "ord() expected a character, but string of length %u found", (unsigned)len);
		return MKINT((uint8_t)p[0]);
	}
	qv_raisef(c, EXC(TypeError), "ord() expected string of length 1, but %s found", type_name(s));
}

static qv_obj int_base_str(qv_ctx *c, qv_obj v, int base)
{
	if (!is_intlike(v)) {
		qv_obj m = qv_special(c, v, QS(__index__));
		if (!m)
			qv_raisef(c, EXC(TypeError), "'%s' object cannot be interpreted as an integer", type_name(v));
		v = qv_call0(c, m);
	}
	return int_repr_base(c, v, base, true);
}

NATIVE(bi_hex, hex, 1, 1) { UNUSED(n); UNUSED(kw); return int_base_str(c, a[0], 16); }
NATIVE(bi_oct, oct, 1, 1) { UNUSED(n); UNUSED(kw); return int_base_str(c, a[0], 8); }
NATIVE(bi_bin, bin, 1, 1) { UNUSED(n); UNUSED(kw); return int_base_str(c, a[0], 2); }

NATIVE(bi_divmod, divmod, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	if ((TYPE(a[0])->flags & TF_USER)) {
		qv_obj m = qv_special(c, a[0], QS(__divmod__));
		if (m)
			return qv_call1(c, m, a[1]);
	}
	if (is_intlike(a[0]) && is_intlike(a[1]) && int_sign(a[1]) == 0)
		qv_raisef(c, EXC(ZeroDivisionError), "integer division or modulo by zero");
	return tuple_pack(c, 2, qv_binop(c, OP_FLOORDIV, a[0], a[1]), qv_binop(c, OP_MOD, a[0], a[1]));
}

NATIVE(bi_pow, pow, 2, 3)
{
	UNUSED(kw);
	if (n == 2 || a[2] == NONE)
		return qv_binop(c, OP_POW, a[0], a[1]);
	if (!is_intlike(a[0]) || !is_intlike(a[1]) || !is_intlike(a[2]))
		qv_raisef(c, EXC(TypeError), "pow() 3rd argument not allowed unless all arguments are integers");
	return int_powmod(c, a[0], a[1], a[2]);
}

NATIVE(bi_round, round, 1, 2)
{
	qv_obj nd = n > 1 ? a[1] : NONE;
	qv_obj k = native_kw(c, kw, QS(ndigits));
	if (k)
		nd = k;
	qv_obj x = a[0];
	if (IS(x, qv_float_type))
		return float_round(c, FLOAT_VAL(x), nd);
	if (is_intlike(x)) {
		if (nd == NONE || get_int(c, nd) >= 0)
			return x == TRUE_ ? MKINT(1) : x == FALSE_ ? MKINT(0) : x;
		/* round half to even at 10**-nd */
		qv_obj p = qv_binop(c, OP_POW, MKINT(10), MKINT(-get_int(c, nd)));
		qv_obj q = qv_binop(c, OP_FLOORDIV, x, p), r = qv_binop(c, OP_MOD, x, p);
		qv_obj twice = qv_binop(c, OP_MUL, r, MKINT(2));
		qv_obj cmp = qv_compare(c, OP_GT, twice, p);
		if (cmp == TRUE_ || (qv_eq(c, twice, p) && rt_truth(c, qv_binop(c, OP_AND, q, MKINT(1)))))
			q = qv_binop(c, OP_ADD, q, MKINT(1));
		return qv_binop(c, OP_MUL, q, p);
	}
	qv_obj m = qv_special(c, x, QS(__round__));
	if (!m)
		qv_raisef(c, EXC(TypeError), "type %s doesn't define __round__ method", type_name(x));
	return nd == NONE ? qv_call0(c, m) : qv_call1(c, m, nd);
}

static qv_obj minmax(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw, int op, const char *name)
{
	qv_obj key = native_kw(c, kw, QS(key)), dflt = native_kw(c, kw, QS(default));
	if (key == NONE)
		key = NULL;
	qv_obj it;
	if (n == 0)
		qv_raisef(c, EXC(TypeError), "%s expected at least 1 argument, got 0", name);
	if (n == 1)
		it = qv_iter(c, a[0]);
	else {
		if (dflt)
			qv_raisef(c, EXC(TypeError), "Cannot specify a default for %s() with multiple positional arguments", name);
		it = qv_iter(c, tuple_from(c, n, a));
	}
	qv_obj best = NULL, bestk = NULL, v;
	while ((v = qv_next(c, it))) {
		qv_obj k = key ? qv_call1(c, key, v) : v;
		if (!best || rt_truth(c, qv_compare(c, op, k, bestk))) {
			best = v;
			bestk = k;
		}
	}
	if (!best) {
		if (dflt)
			return dflt;
		qv_raisef(c, EXC(ValueError), "%s() arg is an empty sequence", name);
	}
	return best;
}

NATIVE(bi_min, min, 0, ARGS_MAX) { return minmax(c, n, a, kw, OP_LT, "min"); }
NATIVE(bi_max, max, 0, ARGS_MAX) { return minmax(c, n, a, kw, OP_GT, "max"); }

NATIVE(bi_sum, sum, 1, 2)
{
	qv_obj acc = n > 1 ? a[1] : MKINT(0);
	qv_obj st = native_kw(c, kw, QS(start));
	if (st)
		acc = st;
	if (IS_STR(acc))
		qv_raisef(c, EXC(TypeError), "sum() can't sum strings [use ''.join(seq) instead]");
	qv_obj it = qv_iter(c, a[0]), v;
	double fsum = 0;
	bool infloat = false;
	while ((v = qv_next(c, it))) {
		if (IS_INT(acc) && IS_INT(v)) {
			acc = int_from_i64(c, (int64_t)INT_VAL(acc) + INT_VAL(v));
			continue;
		}
		if (IS(acc, qv_float_type) && (IS(v, qv_float_type) || IS_INT(v))) {
			if (!infloat) {
				fsum = FLOAT_VAL(acc);
				infloat = true;
			}
			fsum += IS_INT(v) ? (double)INT_VAL(v) : FLOAT_VAL(v);
			acc = float_new(c, fsum);
			continue;
		}
		infloat = false;
		acc = qv_binop(c, OP_ADD, acc, v);
	}
	return acc;
}

NATIVE(bi_sorted, sorted, 1, 1)
{
	UNUSED(n);
	qv_obj l = list_from_iter(c, a[0]);
	qv_obj key = native_kw(c, kw, QS(key)), rev = native_kw(c, kw, QS(reverse));
	list_sort(c, l, key, rev && rt_truth(c, rev));
	return l;
}

/* ------------------------------------------------------------ iterators */
static qv_obj it_self(qv_ctx *c, qv_obj o) { UNUSED(c); return o; }
static qv_obj it_next(qv_ctx *c, qv_obj o) { return ((qv_iterobj *)o)->next(c, o); }
#define ITER_TYPE(n) \
	static const qv_type n##_type = {.type = &qv_type_type, .name = QS_##n, .iter = it_self, \
		.next = it_next, .getattr = builtin_getattr};
ITER_TYPE(enumerate)
ITER_TYPE(zip)
ITER_TYPE(map)
ITER_TYPE(filter)
ITER_TYPE(reversed)

static qv_obj mk_iter(qv_ctx *c, qv_obj obj, qv_obj (*next)(qv_ctx *, qv_obj))
{
	qv_iterobj *it = NEW(c, qv_iterobj);
	it->type = &qv_iter_type;
	it->obj = obj;
	it->next = next;
	return (qv_obj)it;
}

static qv_obj enum_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_obj v = qv_next(c, it->obj);
	if (!v)
		return NULL;
	qv_obj idx = it->a ? it->a : MKINT(it->i);
	if (it->a)
		it->a = qv_binop(c, OP_ADD, it->a, MKINT(1));
	else if (it->i + 1 >= SMALL_MAX)
		it->a = qv_binop(c, OP_ADD, MKINT(it->i), MKINT(1));
	it->i++;
	return tuple_pack(c, 2, idx, v);
}

NATIVE(bi_enumerate, enumerate, 1, 2)
{
	qv_obj start = n > 1 ? a[1] : native_kw(c, kw, QS(start));
	qv_iterobj *it = (qv_iterobj *)mk_iter(c, qv_iter(c, a[0]), enum_next);
	it->type = &enumerate_type;
	if (start) {
		if (IS_INT(start))
			it->i = INT_VAL(start);
		else
			it->a = start;
	}
	return (qv_obj)it;
}

static qv_obj zip_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_tupleobj *its = (qv_tupleobj *)it->obj;
	if (its->len == 0)
		return NULL;
	qv_obj t = tuple_new(c, its->len);
	for (size_t i = 0; i < its->len; i++) {
		qv_obj v = qv_next(c, its->items[i]);
		if (!v) {
			if (it->a == TRUE_ && i > 0)
				qv_raisef(c, EXC(ValueError), "zip() argument %u is shorter than argument%s%u", (unsigned)(i + 1), i == 1 ? " " : "s 1-", (unsigned)i);
			if (it->a == TRUE_) {
				for (size_t k = 1; k < its->len; k++)
					if (qv_next(c, its->items[k]))
						qv_raisef(c, EXC(ValueError), "zip() argument %u is longer than argument%s%u", (unsigned)(k + 1), k == 1 ? " " : "s 1-", (unsigned)k);
			}
			return NULL;
		}
		((qv_tupleobj *)t)->items[i] = v;
	}
	return t;
}

NATIVE(bi_zip, zip, 0, ARGS_MAX)
{
	qv_obj its = tuple_new(c, n);
	for (size_t i = 0; i < n; i++)
		((qv_tupleobj *)its)->items[i] = qv_iter(c, a[i]);
	qv_iterobj *it = (qv_iterobj *)mk_iter(c, its, zip_next);
	it->type = &zip_type;
	qv_obj strict = native_kw(c, kw, QS(strict));
	if (strict && rt_truth(c, strict))
		it->a = TRUE_;
	return (qv_obj)it;
}

static qv_obj map_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_tupleobj *its = (qv_tupleobj *)it->obj;
	qv_obj tmp[8];
	qv_obj *args = its->len <= 8 ? tmp : gc_alloc(c, sizeof(qv_obj) * its->len, false);
	for (size_t i = 0; i < its->len; i++) {
		qv_obj v = qv_next(c, its->items[i]);
		if (!v)
			return NULL;
		args[i] = v;
	}
	return rt_call(c, it->a, its->len, 0, args);
}

NATIVE(bi_map, map, 2, ARGS_MAX)
{
	UNUSED(kw);
	qv_obj its = tuple_new(c, n - 1);
	for (size_t i = 1; i < n; i++)
		((qv_tupleobj *)its)->items[i - 1] = qv_iter(c, a[i]);
	qv_iterobj *it = (qv_iterobj *)mk_iter(c, its, map_next);
	it->type = &map_type;
	it->a = a[0];
	return (qv_obj)it;
}

static qv_obj filter_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_obj v;
	while ((v = qv_next(c, it->obj))) {
		bool keep = it->a == NONE ? rt_truth(c, v) : rt_truth(c, qv_call1(c, it->a, v));
		if (keep)
			return v;
	}
	return NULL;
}

NATIVE(bi_filter, filter, 2, 2)
{
	UNUSED(kw); UNUSED(n);
	qv_iterobj *it = (qv_iterobj *)mk_iter(c, qv_iter(c, a[1]), filter_next);
	it->type = &filter_type;
	it->a = a[0];
	return (qv_obj)it;
}

static qv_obj rev_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	if (it->i <= 0)
		return NULL;
	it->i--;
	if (IS(it->obj, qv_list_type)) {
		qv_listobj *l = (qv_listobj *)it->obj;
		if ((size_t)it->i >= l->len)
			return NULL;
		return l->items[it->i];
	}
	return qv_getitem(c, it->obj, MKINT(it->i));
}

NATIVE(bi_reversed, reversed, 1, 1)
{
	UNUSED(kw); UNUSED(n);
	qv_obj s = a[0];
	if (TYPE(s)->flags & TF_USER) {
		qv_obj m = qv_special(c, s, QS(__reversed__));
		if (m)
			return qv_call0(c, m);
	}
	if (IS(s, qv_dict_type) || IS(s, qv_dictview_type))
		s = list_from_iter(c, s);
	if (!TYPE(s)->subscr && !IS(s, qv_range_type))
		qv_raisef(c, EXC(TypeError), "'%s' object is not reversible", type_name(s));
	qv_iterobj *it = (qv_iterobj *)mk_iter(c, s, rev_next);
	it->type = &reversed_type;
	it->i = qv_len(c, s);
	return (qv_obj)it;
}

/* ------------------------------------------------------------ misc */
NATIVE(bi_format, format, 1, 2)
{
	UNUSED(kw);
	return format_obj(c, a[0], n > 1 ? a[1] : QS(empty));
}

NATIVE(bi_vars, vars, 0, 1)
{
	UNUSED(kw);
	if (n == 0)
		return c->frame && c->frame->locals_dict ? c->frame->locals_dict : c->frame ? c->frame->globals : dict_new(c);
	qv_obj d = qv_getattr_opt(c, a[0], QS(__dict__));
	if (!d)
		qv_raisef(c, EXC(TypeError), "vars() argument must have __dict__ attribute");
	return d;
}

NATIVE(bi_globals, globals, 0, 0)
{
	UNUSED(kw); UNUSED(n); UNUSED(a);
	return c->frame ? c->frame->globals : dict_new(c);
}

NATIVE(bi_locals, locals, 0, 0)
{
	UNUSED(kw); UNUSED(n); UNUSED(a);
	qv_frame *f = c->frame;
	if (!f)
		return dict_new(c);
	if (f->locals_dict)
		return f->locals_dict;
	qv_obj d = dict_new(c);
	for (unsigned i = 0; i < f->code->nlocals; i++)
		if (f->fast[i])
			dict_set(c, d, f->code->names[i], f->fast[i]);
	for (unsigned i = 0; i < (unsigned)f->code->ncells + f->code->nfree; i++) {
		qv_obj v = ((qv_cell *)f->cells[i])->value;
		if (v)
			dict_set(c, d, f->code->names[f->code->nlocals + i], v);
	}
	return d;
}

NATIVE(bi_dir, dir, 0, 1)
{
	UNUSED(kw);
	qv_obj l = list_new(c, 0);
	if (n == 0) {
		qv_obj d = c->frame && c->frame->locals_dict ? c->frame->locals_dict : c->frame ? c->frame->globals : NULL;
		if (d) {
			qv_dictobj *dd = (qv_dictobj *)d;
			for (size_t i = 0; i < dd->n; i++)
				if (dd->entries[i].key)
					list_append(c, l, dd->entries[i].key);
		}
	} else {
		qv_obj o = a[0];
		qv_obj seen = set_new(c, &qv_set_type);
		const qv_type *t = TYPE(o) == &qv_type_type ? (const qv_type *)o : TYPE(o);
		if (IS(o, qv_module_type) || ((TYPE(o)->flags & TF_USER) && ((qv_inst *)o)->dict)) {
			qv_obj d = IS(o, qv_module_type) ? ((qv_module *)o)->dict : ((qv_inst *)o)->dict;
			set_update(c, seen, d);
		}
		if (!IS(o, qv_module_type)) {
			qv_obj mro = qv_getattr(c, (qv_obj)t, QS(__mro__));
			qv_tupleobj *m = (qv_tupleobj *)mro;
			for (size_t i = 0; i < m->len; i++) {
				const qv_type *b = (const qv_type *)m->items[i];
				if (b->flags & TF_USER)
					set_update(c, seen, b->dict);
				else if (b->methods)
					for (const qv_method *mm = b->methods; mm->type; mm++)
						set_add(c, seen, QSI(mm->name));
			}
		}
		l = list_from_iter(c, seen);
	}
	list_sort(c, l, NULL, false);
	return l;
}

NATIVE(bi_input, input, 0, 1)
{
	UNUSED(kw);
	if (n > 0) {
		qv_obj s = qv_str_of(c, a[0]);
		port_write(c, QV_OUT, STR(s)->data, STR(s)->len);
	}
	if (!c->port->read_line)
		qv_raisef(c, EXC(EOFError), "EOF when reading a line");
	char *buf = gc_alloc(c, 4096, true);
	long len = c->port->read_line(c->user, buf, 4096);
	if (len < 0)
		qv_raisef(c, EXC(EOFError), "EOF when reading a line");
	return str_new(c, buf, (size_t)len);
}

static qv_obj source_of(qv_ctx *c, qv_obj src)
{
	if (IS(src, qv_bytes_type) || IS(src, qv_bytearray_type)) {
		size_t len;
		const char *p = buf_view(c, src, &len);
		return str_new(c, p, len);
	}
	if (!IS_STR(src))
		qv_raisef(c, EXC(TypeError), "compile() arg 1 must be a string, bytes or code object");
	return src;
}

NATIVE(bi_compile, compile, 3, 6)
{
	UNUSED(kw); UNUSED(n);
	qv_obj src = source_of(c, a[0]);
	int mode = str_eq(a[2], QS(eval)) ? 2 : str_eq(a[2], QS(single)) ? QV_MODE_SINGLE : QV_MODE_FILE;
	if (!str_eq(a[2], QS(eval)) && !str_eq(a[2], QS(exec)) && !str_eq(a[2], QS(single)))
		qv_raisef(c, EXC(ValueError), "compile() mode must be 'exec', 'eval' or 'single'");
	return (qv_obj)comp_compile(c, STR(src)->data, STR(src)->len, a[1], mode);
}

static qv_obj run_with(qv_ctx *c, size_t n, qv_obj *a, int mode)
{
	qv_obj g = n > 1 && a[1] != NONE ? a[1] : NULL;
	qv_obj l = n > 2 && a[2] != NONE ? a[2] : NULL;
	if (!g) {
		g = c->frame ? c->frame->globals : c->main_dict;
		if (!l && c->frame) {
			if (c->frame->locals_dict)
				l = c->frame->locals_dict;
			else
				l = bi_locals_fn(c, 0, NULL, NULL);
		}
	}
	if (!IS(g, qv_dict_type))
		qv_raisef(c, EXC(TypeError), "globals must be a dict");
	if (!dict_get_str(g, QS(__builtins__)))
		dict_set(c, g, QS(__builtins__), QS(builtins));
	qv_code *co;
	if (IS(a[0], qv_code_type))
		co = (qv_code *)a[0];
	else {
		qv_obj src = source_of(c, a[0]);
		co = comp_compile(c, STR(src)->data, STR(src)->len, QS(LTstring), mode);
	}
	return vm_run_code(c, co, g, l ? l : g);
}

NATIVE(bi_exec, exec, 1, 3)
{
	UNUSED(kw);
	run_with(c, n, a, QV_MODE_FILE);
	return NONE;
}

NATIVE(bi_eval, eval, 1, 3)
{
	UNUSED(kw);
	if (IS_STR(a[0])) {
		/* leading whitespace is allowed in eval() */
		qv_strobj *s = STR(a[0]);
		size_t i = 0;
		while (i < s->len && (s->data[i] == ' ' || s->data[i] == '\t'))
			i++;
		if (i)
			a[0] = str_new(c, s->data + i, s->len - i);
	}
	return run_with(c, n, a, 2);
}

NATIVE(bi_import, __import__, 1, 5)
{
	UNUSED(kw);
	qv_obj from = n > 3 ? a[3] : NONE;
	int level = n > 4 ? (int)get_int(c, a[4]) : 0;
	return import_module(c, a[0], from, level, n > 1 && a[1] != NONE ? a[1] : c->frame ? c->frame->globals : c->main_dict);
}

extern const qv_native qv_build_class, bi_open;

/* The name -> object table, indexed by the interned-name number. */
#define T(q, obj) [QS_##q] = (qv_obj)(obj),
#define E(n, b) [QS_##n] = (qv_obj)&qv_exc_types[EXC_##n],
static const qv_obj builtin_table[QS__COUNT] = {
	T(print, &bi_print) T(len, &bi_len) T(repr, &bi_repr) T(ascii, &bi_ascii) T(abs, &bi_abs)
	T(all, &bi_all) T(any, &bi_any) T(isinstance, &bi_isinstance) T(issubclass, &bi_issubclass)
	T(getattr, &bi_getattr) T(hasattr, &bi_hasattr) T(setattr, &bi_setattr) T(delattr, &bi_delattr)
	T(hash, &bi_hash) T(id, &bi_id) T(iter, &bi_iter) T(next, &bi_next) T(callable, &bi_callable)
	T(chr, &bi_chr) T(ord, &bi_ord) T(hex, &bi_hex) T(oct, &bi_oct) T(bin, &bi_bin)
	T(divmod, &bi_divmod) T(pow, &bi_pow) T(round, &bi_round) T(min, &bi_min) T(max, &bi_max)
	T(sum, &bi_sum) T(sorted, &bi_sorted) T(enumerate, &bi_enumerate) T(zip, &bi_zip) T(map, &bi_map)
	T(filter, &bi_filter) T(reversed, &bi_reversed) T(format, &bi_format) T(vars, &bi_vars)
	T(globals, &bi_globals) T(locals, &bi_locals) T(dir, &bi_dir) T(input, &bi_input)
	T(open, &bi_open) T(compile, &bi_compile) T(exec, &bi_exec) T(eval, &bi_eval) T(__import__, &bi_import)
	T(__build_class__, &qv_build_class)
	T(type, &qv_type_type) T(object, &qv_object_type) T(int, &qv_int_type) T(float, &qv_float_type)
	T(bool, &qv_bool_type) T(str, &qv_str_type) T(bytes, &qv_bytes_type) T(bytearray, &qv_bytearray_type)
	T(list, &qv_list_type) T(tuple, &qv_tuple_type) T(dict, &qv_dict_type) T(set, &qv_set_type)
	T(frozenset, &qv_frozenset_type) T(range, &qv_range_type) T(slice, &qv_slice_type)
	T(memoryview, &qv_memview_type) T(property, &qv_property_type)
	T(staticmethod, &qv_staticmethod_type) T(classmethod, &qv_classmethod_type) T(super, &qv_super_type)
	T(NotImplemented, &qv_notimpl_obj) T(Ellipsis, &qv_ellipsis_obj)
	T(__name__, NULL)
	EXC_LIST(E)
	T(IOError, &qv_exc_types[EXC_OSError]) T(EnvironmentError, &qv_exc_types[EXC_OSError])
};
#undef T
#undef E

qv_obj builtins_lookup(qv_obj name)
{
	const qv_strobj *s = (const qv_strobj *)name;
	if (s >= qv_qstrs && s < qv_qstrs + QS__COUNT) {
		qv_obj v = builtin_table[s - qv_qstrs];
		/* asyncio's CancelledError is not a builtin name */
		if (v == (qv_obj)EXC(CancelledError))
			return NULL;
		return v;
	}
	if (IS_STR(name)) {
		int k = qstr_find(s->data, s->len);
		if (k >= 0)
			return builtins_lookup(QSI(k));
	}
	return NULL;
}
