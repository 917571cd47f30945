/* Numbers: int (tagged small ints, big ints over mpz.h), bool and float. */
#include "rt.h"
#include "mpz.h"
#include "fpconv.h"
#include "qvmath.h"

typedef struct { const qv_type *type; size_t n; bool neg; qv_limb d[]; } qv_bigint;
#define MOD61 (((uint64_t)1 << 61) - 1)

/* ------------------------------------------------------------ conversions */
static void to_mpz(qv_obj o, qv_mpz *z, qv_limb buf[2])
{
	if (IS_INT(o) || o->type == &qv_bool_type) {
		int64_t v = IS_INT(o) ? INT_VAL(o) : o == TRUE_;
		z->d = buf;
		qv_mpz_from_i64(z, v);
		return;
	}
	if (o->type != &qv_bigint_type && (o->type->flags & TF_USER))
		o = ((qv_inst *)o)->native;
	qv_bigint *b = (qv_bigint *)o;
	*z = qv_mpz_view(b->d, b->n, b->neg);
}

static qv_obj from_mpz(qv_ctx *c, const qv_mpz *z)
{
	int64_t v;
	if (qv_mpz_to_i64(z, &v) && FITS_SMALL(v))
		return MKINT(v);
	qv_bigint *b = gc_alloc(c, sizeof(qv_bigint) + z->n * sizeof(qv_limb), true);
	b->type = &qv_bigint_type;
	b->n = z->n;
	b->neg = z->neg;
	__builtin_memcpy(b->d, z->d, z->n * sizeof(qv_limb));
	return (qv_obj)b;
}

/* Per-context reusable buffers for results that from_mpz copies anyway and
 * for scratch space: big-int arithmetic then leaves only its results as
 * garbage. Slots 0 and 1 hold results, slot 2 scratch. */
static qv_limb *tmp_limbs(qv_ctx *c, int slot, size_t n)
{
	if (n == SIZE_MAX || n > ((size_t)1 << 26))
		rt_raise(c, c->memerr);
	qv_obj *cell = &c->misc[MISC_LIMBS + slot];
	size_t have = *cell ? ((size_t *)*cell)[0] : 0;
	if (have < n + 1) {
		size_t want = n + 1 > 64 ? n + 1 : 64;
		size_t *buf = gc_alloc(c, sizeof(size_t) + want * sizeof(qv_limb), true);
		buf[0] = want;
		*cell = (qv_obj)buf;
	}
	return (qv_limb *)((size_t *)*cell + 1);
}

static qv_limb *limbs(qv_ctx *c, size_t n)
{
	if (n == SIZE_MAX || n > ((size_t)1 << 26))
		rt_raise(c, c->memerr);
	return gc_alloc(c, (n + 1) * sizeof(qv_limb), true);
}

qv_obj int_from_i64(qv_ctx *c, int64_t v)
{
	if (FITS_SMALL(v))
		return MKINT(v);
	qv_limb buf[2];
	qv_mpz z = {buf, 0, false};
	qv_mpz_from_i64(&z, v);
	return from_mpz(c, &z);
}

qv_obj int_from_u64(qv_ctx *c, uint64_t v)
{
	if (v < (uint64_t)SMALL_MAX)
		return MKINT((int64_t)v);
	qv_limb buf[2];
	qv_mpz z = {buf, 0, false};
	qv_mpz_from_u64(&z, v);
	return from_mpz(c, &z);
}

bool is_intlike(qv_obj o)
{
	if (IS_INT(o))
		return true;
	const qv_type *t = o->type;
	if (t == &qv_bool_type || t == &qv_bigint_type)
		return true;
	if ((t->flags & TF_USER) && !(t->flags & TF_EXC)) {
		qv_obj n = ((qv_inst *)o)->native;
		return n && (IS_INT(n) || n->type == &qv_bigint_type);
	}
	return false;
}

static qv_obj unwrap_int(qv_obj o)
{
	if (!IS_INT(o) && (o->type->flags & TF_USER))
		return ((qv_inst *)o)->native;
	if (o == TRUE_)
		return MKINT(1);
	if (o == FALSE_)
		return MKINT(0);
	return o;
}

bool int_to_i64(qv_obj o, int64_t *out)
{
	o = unwrap_int(o);
	if (IS_INT(o)) {
		*out = INT_VAL(o);
		return true;
	}
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(o, &z, buf);
	return qv_mpz_to_i64(&z, out);
}

int int_sign(qv_obj v)
{
	v = unwrap_int(v);
	if (IS_INT(v))
		return INT_VAL(v) < 0 ? -1 : INT_VAL(v) > 0;
	return ((qv_bigint *)v)->neg ? -1 : 1;
}

intptr_t get_int(qv_ctx *c, qv_obj o)
{
	if (IS_INT(o))
		return INT_VAL(o);
	if (is_intlike(o)) {
		int64_t v;
		if (!int_to_i64(o, &v))
			qv_raisef(c, EXC(IndexError), "cannot fit 'int' into an index-sized integer");
		return (intptr_t)v;
	}
	if (o->type->flags & TF_USER) {
		qv_obj m = type_lookup(o->type, QS(__index__));
		if (m) {
			qv_obj r = qv_call1(c, m, o);
			if (is_intlike(r))
				return get_int(c, r);
		}
	}
	qv_raisef(c, EXC(TypeError), "'%s' object cannot be interpreted as an integer", type_name(o));
}

double int_to_double(qv_ctx *c, qv_obj v)
{
	v = unwrap_int(v);
	if (IS_INT(v))
		return (double)INT_VAL(v);
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(v, &z, buf);
	double d;
	if (qv_mpz_to_double(&z, &d) != QV_MPZ_OK)
		qv_raisef(c, EXC(OverflowError), "int too large to convert to float");
	return d;
}

double get_float(qv_ctx *c, qv_obj o)
{
	if (IS_INT(o))
		return (double)INT_VAL(o);
	if (o->type == &qv_float_type)
		return FLOAT_VAL(o);
	if (is_intlike(o))
		return int_to_double(c, o);
	if (o->type->flags & TF_USER) {
		if (((qv_inst *)o)->native && IS(((qv_inst *)o)->native, qv_float_type))
			return FLOAT_VAL(((qv_inst *)o)->native);
		qv_obj m = type_lookup(o->type, QS(__float__));
		if (m) {
			qv_obj r = qv_call1(c, m, o);
			if (IS(r, qv_float_type))
				return FLOAT_VAL(r);
		}
		m = type_lookup(o->type, QS(__index__));
		if (m)
			return get_float(c, qv_call1(c, m, o));
	}
	qv_raisef(c, EXC(TypeError), "must be real number, not %s", type_name(o));
}

qv_obj int_from_double(qv_ctx *c, double d)
{
	if (d > -4e18 && d < 4e18)
		return int_from_i64(c, (int64_t)d);
	size_t cap = qv_mpz_from_double_cap(d);
	qv_mpz z = {limbs(c, cap), 0, false};
	int r = qv_mpz_from_double(&z, d);
	if (r == QV_MPZ_EOVERFLOW)
		qv_raisef(c, EXC(OverflowError), "cannot convert float infinity to integer");
	if (r != QV_MPZ_OK)
		qv_raisef(c, EXC(ValueError), "cannot convert float NaN to integer");
	return from_mpz(c, &z);
}

intptr_t int_hash(qv_obj v)
{
	v = unwrap_int(v);
	if (IS_INT(v)) {
		intptr_t x = INT_VAL(v);
		uint64_t ax = x < 0 ? (uint64_t)(-(x + 1)) + 1 : (uint64_t)x;
		int64_t h = (int64_t)(ax % MOD61);
		if (x < 0)
			h = -h;
		return h == -1 ? -2 : (intptr_t)h;
	}
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(v, &z, buf);
	return (intptr_t)qv_mpz_hash(&z);
}

qv_obj int_parse(qv_ctx *c, const char *s, size_t n, int base, bool *ok)
{
	*ok = true;
	/* fast path: plain decimal that fits */
	if (base == 10 && n > 0 && n < 18) {
		int64_t v = 0;
		size_t i = 0;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == n)
			return MKINT(v);
	}
	size_t cap = qv_mpz_parse_cap(n, base);
	qv_mpz z = {limbs(c, cap), 0, false};
	if (qv_mpz_parse(&z, s, n, base) != QV_MPZ_OK) {
		*ok = false;
		return MKINT(0);
	}
	return from_mpz(c, &z);
}

qv_obj int_repr_base(qv_ctx *c, qv_obj v, int base, bool prefix)
{
	v = unwrap_int(v);
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(v, &z, buf);
	unsigned fl = prefix ? QV_MPZ_FMT_PREFIX : 0;
	size_t cap = qv_mpz_format_cap(&z, base, fl);
	char stack[80];
	char *out = cap < sizeof stack ? stack : gc_alloc(c, cap + 1, true);
	size_t sc = qv_mpz_format_scratch(&z);
	qv_limb sbuf_[8];
	qv_limb *scratch = sc <= 8 ? sbuf_ : limbs(c, sc);
	size_t len = qv_mpz_format(&z, base, fl, out, scratch);
	return str_new(c, out, len);
}

/* ------------------------------------------------------------ int ops */
static _Noreturn void zerodiv(qv_ctx *c, int op)
{
	qv_raisef(c, EXC(ZeroDivisionError), op == OP_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
}

static qv_obj big_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	qv_limb ab[2], bb[2];
	qv_mpz x, y;
	to_mpz(a, &x, ab);
	to_mpz(b, &y, bb);
	qv_mpz r = {0, 0, false};
	switch (op) {
	case OP_ADD: case OP_SUB:
		r.d = tmp_limbs(c, 0, qv_mpz_add_cap(&x, &y));
		if (op == OP_ADD)
			qv_mpz_add(&r, &x, &y);
		else
			qv_mpz_sub(&r, &x, &y);
		break;
	case OP_MUL:
		r.d = tmp_limbs(c, 0, qv_mpz_mul_cap(&x, &y));
		qv_mpz_mul(&r, &x, &y, tmp_limbs(c, 2, qv_mpz_mul_scratch(&x, &y)));
		break;
	case OP_FLOORDIV: case OP_MOD: {
		if (y.n == 0)
			zerodiv(c, op);
		qv_mpz q = {tmp_limbs(c, 0, qv_mpz_divmod_qcap(&x, &y)), 0, false};
		qv_mpz m = {tmp_limbs(c, 1, qv_mpz_divmod_mcap(&x, &y)), 0, false};
		qv_mpz_divmod(&q, &m, &x, &y, tmp_limbs(c, 2, qv_mpz_divmod_scratch(&x, &y)));
		return from_mpz(c, op == OP_FLOORDIV ? &q : &m);
	}
	case OP_TRUEDIV: {
		double d;
		int e = qv_mpz_truediv(&x, &y, &d, tmp_limbs(c, 2, qv_mpz_truediv_scratch(&x, &y)));
		if (e == QV_MPZ_EZERODIV)
			qv_raisef(c, EXC(ZeroDivisionError), "division by zero");
		if (e != QV_MPZ_OK)
			qv_raisef(c, EXC(OverflowError), "integer division result too large for a float");
		return float_new(c, d);
	}
	case OP_POW: {
		if (y.neg)
			return NULL;
		int64_t e;
		if (!qv_mpz_to_i64(&y, &e)) {
			if (x.n == 0 || (x.n == 1 && x.d[0] == 1 && !x.neg))
				return from_mpz(c, &x);
			rt_raise(c, c->memerr);
		}
		size_t cap = qv_mpz_pow_cap(&x, (uint64_t)e);
		r.d = limbs(c, cap);
		qv_mpz_pow(&r, &x, (uint64_t)e, limbs(c, qv_mpz_pow_scratch(&x, (uint64_t)e)));
		break;
	}
	case OP_LSHIFT: case OP_RSHIFT: {
		if (y.neg)
			qv_raisef(c, EXC(ValueError), "negative shift count");
		int64_t s;
		if (!qv_mpz_to_i64(&y, &s)) {
			if (op == OP_RSHIFT)
				return MKINT(x.neg ? -1 : 0);
			if (x.n == 0)
				return MKINT(0);
			qv_raisef(c, EXC(OverflowError), "too many digits in integer");
		}
		if (op == OP_LSHIFT) {
			r.d = tmp_limbs(c, 0, qv_mpz_lshift_cap(&x, (uint64_t)s));
			qv_mpz_lshift(&r, &x, (uint64_t)s);
		} else {
			r.d = tmp_limbs(c, 0, qv_mpz_rshift_cap(&x, (uint64_t)s));
			qv_mpz_rshift(&r, &x, (uint64_t)s);
		}
		break;
	}
	case OP_AND: case OP_OR: case OP_XOR:
		r.d = tmp_limbs(c, 0, qv_mpz_bitop_cap(&x, &y));
		if (op == OP_AND)
			qv_mpz_and(&r, &x, &y);
		else if (op == OP_OR)
			qv_mpz_or(&r, &x, &y);
		else
			qv_mpz_xor(&r, &x, &y);
		break;
	default: {
		int k = qv_mpz_cmp(&x, &y);
		switch (op) {
		case OP_LT: return BOOL(k < 0);
		case OP_LE: return BOOL(k <= 0);
		case OP_EQ: return BOOL(k == 0);
		case OP_NE: return BOOL(k != 0);
		case OP_GT: return BOOL(k > 0);
		case OP_GE: return BOOL(k >= 0);
		default: return NULL;
		}
	}
	}
	return from_mpz(c, &r);
}

static qv_obj float_binop(qv_ctx *c, int op, qv_obj a, qv_obj b);

qv_obj int_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (!is_intlike(a) || !is_intlike(b)) {
		if ((IS(a, qv_float_type) || IS(b, qv_float_type)) && (is_intlike(a) || is_intlike(b)))
			return float_binop(c, o, a, b);
		return NULL;
	}
	a = unwrap_int(a);
	b = unwrap_int(b);
	if (IS_INT(a) && IS_INT(b)) {
		int64_t x = INT_VAL(a), y = INT_VAL(b), r;
		switch (o) {
		case OP_ADD: return int_from_i64(c, x + y);
		case OP_SUB: return int_from_i64(c, x - y);
		case OP_MUL:
			if (!__builtin_mul_overflow(x, y, &r))
				return int_from_i64(c, r);
			break;
		case OP_FLOORDIV: case OP_MOD: {
			if (y == 0)
				zerodiv(c, o);
			int64_t q = x / y, m = x % y;
			if (m != 0 && ((m < 0) != (y < 0))) {
				q--;
				m += y;
			}
			return int_from_i64(c, o == OP_FLOORDIV ? q : m);
		}
		case OP_TRUEDIV:
			if (y == 0)
				qv_raisef(c, EXC(ZeroDivisionError), "division by zero");
			if (x > -(1LL << 53) && x < (1LL << 53) && y > -(1LL << 53) && y < (1LL << 53))
				return float_new(c, (double)x / (double)y);
			break;
		case OP_POW: {
			if (y < 0) {
				if (x == 0)
					qv_raisef(c, EXC(ZeroDivisionError), "0.0 cannot be raised to a negative power");
				return float_binop(c, o, a, b);
			}
			int64_t acc = 1, base = x;
			int64_t e = y;
			bool ovf = false;
			while (e > 0) {
				if (e & 1)
					ovf |= __builtin_mul_overflow(acc, base, &acc);
				e >>= 1;
				if (e)
					ovf |= __builtin_mul_overflow(base, base, &base);
				if (ovf)
					break;
			}
			if (!ovf)
				return int_from_i64(c, acc);
			break;
		}
		case OP_LSHIFT:
			if (y < 0)
				qv_raisef(c, EXC(ValueError), "negative shift count");
			if (y < 62 && (x >= 0 ? x : -x) < ((int64_t)1 << (62 - y)))
				return int_from_i64(c, x * ((int64_t)1 << y));
			break;
		case OP_RSHIFT:
			if (y < 0)
				qv_raisef(c, EXC(ValueError), "negative shift count");
			return MKINT(y >= 63 ? (x < 0 ? -1 : 0) : x >> y);
		case OP_AND: return MKINT(x & y);
		case OP_OR: return MKINT(x | y);
		case OP_XOR: return MKINT(x ^ y);
		case OP_LT: return BOOL(x < y);
		case OP_LE: return BOOL(x <= y);
		case OP_EQ: return BOOL(x == y);
		case OP_NE: return BOOL(x != y);
		case OP_GT: return BOOL(x > y);
		case OP_GE: return BOOL(x >= y);
		default: return NULL;
		}
	}
	if (o == OP_POW && int_sign(b) < 0)
		return float_binop(c, o, a, b);
	return big_binop(c, o, a, b);
}

static qv_obj int_slot_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	return int_binop(c, op, a, b);
}

qv_obj int_unop(qv_ctx *c, int op, qv_obj a)
{
	a = unwrap_int(a);
	if (IS_INT(a)) {
		intptr_t v = INT_VAL(a);
		switch (op) {
		case UOP_NEG: return int_from_i64(c, -(int64_t)v);
		case UOP_POS: return a;
		case UOP_INVERT: return MKINT(~v);
		default: return NULL;
		}
	}
	qv_limb buf[2];
	qv_mpz x;
	to_mpz(a, &x, buf);
	qv_mpz r = {limbs(c, x.n + 1), 0, false};
	switch (op) {
	case UOP_NEG: qv_mpz_neg(&r, &x); break;
	case UOP_POS: return a;
	case UOP_INVERT: qv_mpz_invert(&r, &x); break;
	default: return NULL;
	}
	return from_mpz(c, &r);
}

static qv_obj int_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	if (IS_INT(o)) {
		char buf[24];
		int i = 24;
		intptr_t v = INT_VAL(o);
		uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
		do {
			buf[--i] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v < 0)
			buf[--i] = '-';
		return str_new(c, buf + i, (size_t)(24 - i));
	}
	return int_repr_base(c, o, 10, false);
}

static intptr_t int_hash_slot(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return int_hash(o);
}

static int int_truth(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return int_sign(o) != 0;
}

static qv_obj int_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	qv_obj basev = NULL;
	for (size_t i = 0; i < nkw; i++)
		if (str_eq(args[npos + 2 * i], QS(base)))
			basev = args[npos + 2 * i + 1];
	if (npos > 1)
		basev = args[1];
	if (npos == 0)
		return MKINT(0);
	qv_obj x = args[0];
	if (basev || IS_STR(x) || IS(x, qv_bytes_type) || IS(x, qv_bytearray_type)) {
		int base = basev ? (int)get_int(c, basev) : 10;
		if (base != 0 && (base < 2 || base > 36))
			qv_raisef(c, EXC(ValueError), "int() base must be >= 2 and <= 36, or 0");
		if (!IS_STR(x) && !IS(x, qv_bytes_type) && !IS(x, qv_bytearray_type))
			qv_raisef(c, EXC(TypeError), "int() can't convert non-string with explicit base");
		size_t n;
		const char *s = IS_STR(x) ? STR(x)->data : buf_view(c, x, &n);
		if (IS_STR(x))
			n = STR(x)->len;
		bool ok;
		qv_obj r = int_parse(c, s, n, base, &ok);
		if (!ok)
			qv_raisef(c, EXC(ValueError), "invalid literal for int() with base %d: %R", base,
				  IS_STR(x) ? x : x);
		return r;
	}
	if (is_intlike(x))
		return unwrap_int(x);
	if (IS(x, qv_float_type)) {
		double d = FLOAT_VAL(x);
		if (d != d)
			qv_raisef(c, EXC(ValueError), "cannot convert float NaN to integer");
		return int_from_double(c, d);
	}
	if (TYPE(x)->flags & TF_USER) {
		static const uint16_t names[] = {QS___int__, QS___index__, QS___trunc__};
		for (int i = 0; i < 3; i++) {
			qv_obj m = type_lookup(TYPE(x), QSI(names[i]));
			if (m)
				return qv_call1(c, m, x);
		}
		if (((qv_inst *)x)->native)
			return int_make(c, t, 1, 0, &((qv_inst *)x)->native);
	}
	qv_raisef(c, EXC(TypeError), "int() argument must be a string, a bytes-like object or a real number, not '%s'", type_name(x));
}

static qv_obj m_bit_length(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(unwrap_int(a[0]), &z, buf);
	return MKINT((intptr_t)qv_mpz_bit_length(&z));
}

static qv_obj m_bit_count(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(unwrap_int(a[0]), &z, buf);
	intptr_t k = 0;
	for (size_t i = 0; i < z.n; i++)
		k += rt_popcount(z.d[i]);
	return MKINT(k);
}

static qv_obj m_to_bytes(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	intptr_t len = n > 1 ? get_int(c, a[1]) : 1;
	qv_obj order = n > 2 ? a[2] : QS(big);
	qv_obj v;
	if ((v = native_kw(c, kw, QS(length)))) len = get_int(c, v);
	if ((v = native_kw(c, kw, QS(byteorder)))) order = v;
	bool sgn = false;
	if ((v = native_kw(c, kw, QS(signed)))) sgn = rt_truth(c, v);
	if (len < 0)
		qv_raisef(c, EXC(ValueError), "length argument must be non-negative");
	bool little = str_eq(order, QS(little));
	if (!little && !str_eq(order, QS(big)))
		qv_raisef(c, EXC(ValueError), "byteorder must be either 'little' or 'big'");
	qv_limb buf[2];
	qv_mpz z;
	to_mpz(unwrap_int(a[0]), &z, buf);
	uint8_t *out = gc_alloc(c, (size_t)len + 1, true);
	int r = qv_mpz_to_bytes(&z, out, (size_t)len, little, sgn);
	if (r == QV_MPZ_ENEGUNSIGNED)
		qv_raisef(c, EXC(OverflowError), "can't convert negative int to unsigned");
	if (r != QV_MPZ_OK)
		qv_raisef(c, EXC(OverflowError), "int too big to convert");
	return bytes_new(c, (const char *)out, (size_t)len);
}

static qv_obj m_from_bytes(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	qv_obj order = n > 2 ? a[2] : QS(big);
	qv_obj v;
	if ((v = native_kw(c, kw, QS(byteorder)))) order = v;
	bool sgn = false;
	if ((v = native_kw(c, kw, QS(signed)))) sgn = rt_truth(c, v);
	size_t len;
	const char *p;
	qv_obj src = a[1];
	if (!IS(src, qv_bytes_type) && !IS(src, qv_bytearray_type))
		src = qv_call1(c, (qv_obj)&qv_bytes_type, src);
	p = buf_view(c, src, &len);
	bool little = str_eq(order, QS(little));
	qv_mpz z = {limbs(c, qv_mpz_from_bytes_cap(len)), 0, false};
	qv_mpz_from_bytes(&z, (const uint8_t *)p, len, little, sgn);
	return from_mpz(c, &z);
}

static qv_obj m_int_self(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return unwrap_int(a[0]); }
static qv_obj m_zero(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); UNUSED(a); return MKINT(0); }
static qv_obj m_one(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); UNUSED(a); return MKINT(1); }
static qv_obj m_int_ratio(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return tuple_pack(c, 2, unwrap_int(a[0]), MKINT(1)); }

static const qv_method int_methods[] = {
	METH(bit_length, 1, 1, m_bit_length), METH(bit_count, 1, 1, m_bit_count),
	METH(to_bytes, 1, 3, m_to_bytes), CMETH(from_bytes, 2, 3, m_from_bytes),
	METH(conjugate, 1, 1, m_int_self), ATTR(real, m_int_self), ATTR(imag, m_zero),
	ATTR(numerator, m_int_self), ATTR(denominator, m_one), METH(__index__, 1, 1, m_int_self),
	METH(__int__, 1, 1, m_int_self), METH(as_integer_ratio, 1, 1, m_int_ratio), METH_END,
};

const qv_type qv_int_type = {
	.type = &qv_type_type, .name = QS_int, .flags = TF_BASETYPE, .repr = int_repr, .hash = int_hash_slot,
	.binop = int_slot_binop, .unop = int_unop, .truth = int_truth, .make = int_make, .methods = int_methods,
	.getattr = builtin_getattr,
};

const qv_type qv_bigint_type = {
	.type = &qv_type_type, .name = QS_int, .base = &qv_int_type, .flags = TF_NOSCAN, .repr = int_repr,
	.hash = int_hash_slot, .binop = int_slot_binop, .unop = int_unop, .truth = int_truth, .make = int_make,
	.methods = int_methods, .getattr = builtin_getattr,
};

/* ------------------------------------------------------------ bool */
static qv_obj bool_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(c);
	UNUSED(s);
	return o == TRUE_ ? QS(True) : QS(False);
}

static qv_obj bool_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	return npos ? BOOL(rt_truth(c, args[0])) : FALSE_;
}

static qv_obj bool_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if ((o == OP_AND || o == OP_OR || o == OP_XOR) && IS(a, qv_bool_type) && IS(b, qv_bool_type)) {
		bool x = a == TRUE_, y = b == TRUE_;
		return BOOL(o == OP_AND ? x && y : o == OP_OR ? x || y : x != y);
	}
	return int_binop(c, op, a, b);
}

static qv_obj bool_unop(qv_ctx *c, int op, qv_obj a)
{
	return int_unop(c, op, MKINT(a == TRUE_));
}

const qv_type qv_bool_type = {
	.type = &qv_type_type, .name = QS_bool, .base = &qv_int_type, .repr = bool_repr, .hash = int_hash_slot,
	.binop = bool_binop, .unop = bool_unop, .truth = int_truth, .make = bool_make, .methods = int_methods,
	.getattr = builtin_getattr,
};
const struct qv_head qv_true_obj = {&qv_bool_type};
const struct qv_head qv_false_obj = {&qv_bool_type};

/* ------------------------------------------------------------ float */
qv_obj float_new(qv_ctx *c, double v)
{
	qv_floatobj *f = gc_alloc(c, sizeof(qv_floatobj), true);
	f->type = &qv_float_type;
	f->v = v;
	return (qv_obj)f;
}

void repr_double(char *buf, size_t cap, double v)
{
	char t[QV_DTOA_REPR_CAP];
	size_t n = qv_dtoa_repr(v, t);
	if (n >= cap)
		n = cap - 1;
	__builtin_memcpy(buf, t, n);
	buf[n] = 0;
}

double parse_double(const char *s, size_t n, bool *ok)
{
	double d = 0;
	*ok = qv_strtod(s, n, &d) == QV_FP_OK;
	return d;
}

static qv_obj float_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	char t[QV_DTOA_REPR_CAP];
	size_t n = qv_dtoa_repr(FLOAT_VAL(o), t);
	return str_new(c, t, n);
}

static bool is_finite(double x)
{
	return x - x == 0;
}

static double my_frexp(double x, int *e)
{
	double m;
	qv_math_frexp(x, &m, e);
	return m;
}

static intptr_t float_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	double v = FLOAT_VAL(o);
	if (!is_finite(v)) {
		if (v != v)
			return (intptr_t)((uintptr_t)o >> 4);
		return v > 0 ? 314159 : -314159;
	}
	int e;
	double m = my_frexp(v, &e);
	int sign = 1;
	if (m < 0) {
		sign = -1;
		m = -m;
	}
	uint64_t x = 0;
	while (m) {
		x = ((x << 28) & MOD61) | x >> (61 - 28);
		m *= 268435456.0;
		e -= 28;
		uint64_t y = (uint64_t)m;
		m -= (double)y;
		x += y;
		if (x >= MOD61)
			x -= MOD61;
	}
	e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
	x = ((x << e) & MOD61) | x >> (61 - e);
	int64_t h = (int64_t)x * sign;
	return h == -1 ? -2 : (intptr_t)h;
}

static double floor_d(double x)
{
	double r;
	qv_math_floor(x, &r);
	return r;
}

static qv_obj float_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	bool af = IS(a, qv_float_type) || is_intlike(a), bf = IS(b, qv_float_type) || is_intlike(b);
	if (!af || !bf)
		return NULL;
	if (o >= OP_LT && o <= OP_GE && (is_intlike(a) || is_intlike(b))) {
		/* compare exactly when an int is too big for a double */
		qv_obj i = is_intlike(a) ? a : b;
		int64_t v;
		if (!int_to_i64(i, &v) || v > (1LL << 53) || v < -(1LL << 53)) {
			double f = is_intlike(a) ? FLOAT_VAL(b) : FLOAT_VAL(a);
			if (f != f)
				return BOOL(o == OP_NE);
			if (!is_finite(f)) {
				/* any int is between -inf and inf */
				int k = is_intlike(a) ? (f > 0 ? -1 : 1) : (f > 0 ? 1 : -1);
				switch (o) {
				case OP_LT: return BOOL(k < 0);
				case OP_LE: return BOOL(k <= 0);
				case OP_EQ: return FALSE_;
				case OP_NE: return TRUE_;
				case OP_GT: return BOOL(k > 0);
				default: return BOOL(k >= 0);
				}
			}
			if (is_finite(f)) {
				qv_obj fi = int_from_double(c, floor_d(f));
				bool frac = floor_d(f) != f;
				qv_obj lhs = is_intlike(a) ? a : fi, rhs = is_intlike(a) ? fi : b;
				int k = rt_truth(c, int_binop(c, OP_LT, lhs, rhs)) ? -1 : rt_truth(c, int_binop(c, OP_EQ, lhs, rhs)) ? 0 : 1;
				if (k == 0 && frac)
					k = is_intlike(a) ? -1 : 1;
				switch (o) {
				case OP_LT: return BOOL(k < 0);
				case OP_LE: return BOOL(k <= 0);
				case OP_EQ: return BOOL(k == 0);
				case OP_NE: return BOOL(k != 0);
				case OP_GT: return BOOL(k > 0);
				default: return BOOL(k >= 0);
				}
			}
		}
	}
	double x = get_float(c, a), y = get_float(c, b), r;
	switch (o) {
	case OP_ADD: return float_new(c, x + y);
	case OP_SUB: return float_new(c, x - y);
	case OP_MUL: return float_new(c, x * y);
	case OP_TRUEDIV:
		if (y == 0)
			qv_raisef(c, EXC(ZeroDivisionError), "float division by zero");
		return float_new(c, x / y);
	case OP_FLOORDIV: case OP_MOD: {
		if (y == 0)
			qv_raisef(c, EXC(ZeroDivisionError), o == OP_MOD ? "float modulo" : "float floor division by zero");
		double m;
		qv_math_fmod(x, y, &m);
		double div = (x - m) / y;
		if (m) {
			if ((y < 0) != (m < 0)) {
				m += y;
				div -= 1.0;
			}
		} else
			m = y < 0 ? -0.0 : 0.0;
		double fd;
		if (div) {
			fd = floor_d(div);
			if (div - fd > 0.5)
				fd += 1.0;
		} else
			fd = x / y < 0 ? -0.0 : 0.0;
		if (!is_finite(x) && o == OP_FLOORDIV)
			return float_new(c, x / y - x / y + (0.0 / 0.0));
		return float_new(c, o == OP_MOD ? m : fd);
	}
	case OP_POW:
		if (x == 0 && y < 0)
			qv_raisef(c, EXC(ZeroDivisionError), "0.0 cannot be raised to a negative power");
		if (x < 0 && floor_d(y) != y && is_finite(y))
			qv_raisef(c, EXC(ValueError), "math domain error");
		/* exact shortcuts: each is one correctly rounded operation, as the
		 * correctly rounded pow would give */
		if (y == 2.0)
			return float_new(c, x * x);
		if (y == 1.0)
			return float_new(c, x);
		if (y == 0.5 && x > 0 && is_finite(x)) {
			qv_math_sqrt(x, &r);
			return float_new(c, r);
		}
		if (qv_math_pow(x, y, &r) != 0 && is_finite(x) && is_finite(y))
			qv_raisef(c, EXC(OverflowError), "(34, 'Numerical result out of range')");
		return float_new(c, r);
	case OP_LT: return BOOL(x < y);
	case OP_LE: return BOOL(x <= y);
	case OP_EQ: return BOOL(x == y);
	case OP_NE: return BOOL(x != y);
	case OP_GT: return BOOL(x > y);
	case OP_GE: return BOOL(x >= y);
	default: return NULL;
	}
}

static qv_obj float_slot_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	return float_binop(c, op, a, b);
}

static qv_obj float_unop(qv_ctx *c, int op, qv_obj a)
{
	double v = FLOAT_VAL(a);
	switch (op) {
	case UOP_NEG: return float_new(c, -v);
	case UOP_POS: return a;
	default: return NULL;
	}
}

static int float_truth(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return FLOAT_VAL(o) != 0;
}

static qv_obj float_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos == 0)
		return float_new(c, 0.0);
	qv_obj x = args[0];
	if (IS(x, qv_float_type))
		return x;
	if (IS_STR(x) || IS(x, qv_bytes_type)) {
		double d;
		if (qv_strtod(STR(x)->data, STR(x)->len, &d) != QV_FP_OK)
			qv_raisef(c, EXC(ValueError), "could not convert string to float: %R", x);
		return float_new(c, d);
	}
	return float_new(c, get_float(c, x));
}

static qv_obj m_is_integer(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	double v = FLOAT_VAL(a[0]);
	return BOOL(is_finite(v) && floor_d(v) == v);
}

static qv_obj m_float_hex(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	char buf[QV_DOUBLE_HEX_CAP];
	size_t len = qv_double_to_hex(FLOAT_VAL(a[0]), buf);
	return str_new(c, buf, len);
}

static qv_obj m_float_fromhex(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	if (!IS_STR(a[1]))
		qv_raisef(c, EXC(TypeError), "must be str");
	double d;
	int r = qv_double_from_hex(STR(a[1])->data, STR(a[1])->len, &d);
	if (r == QV_FP_EOVERFLOW)
		qv_raisef(c, EXC(OverflowError), "hexadecimal value too large to represent as a float");
	if (r != QV_FP_OK)
		qv_raisef(c, EXC(ValueError), "invalid hexadecimal floating-point string");
	return float_new(c, d);
}

static qv_obj m_float_ratio(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	double v = FLOAT_VAL(a[0]);
	if (!is_finite(v)) {
		if (v != v)
			qv_raisef(c, EXC(ValueError), "cannot convert NaN to integer ratio");
		qv_raisef(c, EXC(OverflowError), "cannot convert Infinity to integer ratio");
	}
	int e;
	double m = my_frexp(v, &e);
	for (int i = 0; i < 300 && floor_d(m) != m; i++) {
		m *= 2.0;
		e--;
	}
	qv_obj num = int_from_double(c, m);
	qv_obj den = MKINT(1);
	if (e > 0)
		num = int_binop(c, OP_LSHIFT, num, MKINT(e));
	else
		den = int_binop(c, OP_LSHIFT, den, MKINT(-e));
	return tuple_pack(c, 2, num, den);
}

static qv_obj m_float_self(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return a[0]; }
static qv_obj m_float_zero(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); UNUSED(a); return float_new(c, 0.0); }
static qv_obj m_float_int(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return int_make(c, &qv_int_type, 1, 0, a); }

static const qv_method float_methods[] = {
	METH(is_integer, 1, 1, m_is_integer), METH(hex, 1, 1, m_float_hex),
	CMETH(fromhex, 2, 2, m_float_fromhex), METH(as_integer_ratio, 1, 1, m_float_ratio),
	METH(conjugate, 1, 1, m_float_self), ATTR(real, m_float_self), ATTR(imag, m_float_zero),
	METH(__int__, 1, 1, m_float_int), METH(__float__, 1, 1, m_float_self), METH_END,
};

const qv_type qv_float_type = {
	.type = &qv_type_type, .name = QS_float, .flags = TF_BASETYPE | TF_NOSCAN, .repr = float_repr,
	.hash = float_hash, .binop = float_slot_binop, .unop = float_unop, .truth = float_truth,
	.make = float_make, .methods = float_methods, .getattr = builtin_getattr,
};

qv_obj int_powmod(qv_ctx *c, qv_obj a, qv_obj e, qv_obj m)
{
	qv_limb ab[2], eb[2], mb[2];
	qv_mpz x, y, z;
	to_mpz(unwrap_int(a), &x, ab);
	to_mpz(unwrap_int(e), &y, eb);
	to_mpz(unwrap_int(m), &z, mb);
	qv_mpz r = {limbs(c, qv_mpz_powmod_cap(&z)), 0, false};
	int err = qv_mpz_powmod(&r, &x, &y, &z, limbs(c, qv_mpz_powmod_scratch(&x, &y, &z)));
	if (err == QV_MPZ_EVALUE)
		qv_raisef(c, EXC(ValueError), "pow() 3rd argument cannot be 0");
	if (err == QV_MPZ_ENOTINV)
		qv_raisef(c, EXC(ValueError), "base is not invertible for the given modulus");
	return from_mpz(c, &r);
}

qv_obj float_round(qv_ctx *c, double x, qv_obj nd)
{
	if (nd == NONE) {
		if (!is_finite(x)) {
			if (x != x)
				qv_raisef(c, EXC(ValueError), "cannot convert float NaN to integer");
			qv_raisef(c, EXC(OverflowError), "cannot convert float infinity to integer");
		}
		double f = floor_d(x), diff = x - f;
		double r = diff > 0.5 ? f + 1 : diff < 0.5 ? f : (floor_d(f / 2) * 2 == f ? f : f + 1);
		return int_from_double(c, r);
	}
	double out;
	if (qv_double_round(x, (int)get_int(c, nd), &out) != QV_FP_OK)
		qv_raisef(c, EXC(OverflowError), "rounded value too large to represent");
	return float_new(c, out);
}
