/* Importing, and the built-in modules written in C: sys, time, gc, math,
 * micropython, errno, builtins. Modules written in Python live in
 * frozen.c. */
#include "rt.h"
#include "qvmath.h"

typedef struct { const char *name; const char *src; } qv_frozen;
extern const qv_frozen qv_frozen_modules[];

/* ------------------------------------------------------------ streams */
typedef struct { const qv_type *type; int which; } qv_stream;
extern const qv_type qv_stream_type;

static qv_obj st_write(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_obj s = a[1];
	if (!IS_STR(s))
		qv_raisef(c, EXC(TypeError), "write() argument must be str, not %s", type_name(s));
	port_write(c, ((qv_stream *)a[0])->which, STR(s)->data, STR(s)->len);
	return MKINT(STR(s)->clen);
}
static qv_obj st_flush(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return NONE; }
static qv_obj st_readline(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(a); UNUSED(kw);
	qv_obj left = c->misc[MISC_STDIN];
	if (left) {
		/* what an earlier read(n) left over comes first */
		const char *p = STR(left)->data, *nl = memchr_s(p, '\n', STR(left)->len);
		c->misc[MISC_STDIN] = NULL;
		if (nl) {
			size_t k = (size_t)(nl - p) + 1;
			if (k < STR(left)->len)
				c->misc[MISC_STDIN] = str_new(c, p + k, STR(left)->len - k);
			return str_new(c, p, k);
		}
		return str_fmt(c, "%S%S", left, st_readline(c, n, a, kw));
	}
	if (!c->port->read_line)
		return QS(empty);
	char *buf = gc_alloc(c, 4096, true);
	long len = c->port->read_line(c->user, buf, 4095);
	if (len < 0)
		return QS(empty);
	buf[len] = '\n';
	return str_new(c, buf, (size_t)len + 1);
}
/* sys.stdin.read([n]): whole lines from the port; what is left of the last
 * one waits in misc[MISC_STDIN] for the next read. */
static qv_obj st_read(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	intptr_t want = n > 1 && a[1] != NONE ? get_int(c, a[1]) : -1;
	qv_obj have = c->misc[MISC_STDIN] ? c->misc[MISC_STDIN] : QS(empty);
	c->misc[MISC_STDIN] = NULL;
	while (want < 0 || (intptr_t)STR(have)->clen < want) {
		qv_obj line = st_readline(c, 1, a, NULL);
		if (!STR(line)->len)
			break;
		have = str_fmt(c, "%S%S", have, line);
	}
	if (want >= 0 && (intptr_t)STR(have)->clen > want) {
		qv_obj rest = qv_getitem(c, have, slice_new(c, MKINT(want), NONE, NONE));
		have = qv_getitem(c, have, slice_new(c, MKINT(0), MKINT(want), NONE));
		c->misc[MISC_STDIN] = rest;
	}
	return have;
}

/* sys.stdout.buffer / sys.stderr.buffer: bytes straight to the console */
static qv_obj bst_write(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[1], &len);
	port_write(c, ((qv_stream *)a[0])->which, p, len);
	return MKINT((intptr_t)len);
}
static const qv_method bstream_methods[] = {
	METH(write, 2, 2, bst_write), METH(flush, 1, 1, st_flush), METH_END,
};
static const qv_type qv_bstream_type = {
	.type = &qv_type_type, .name = QS_BufferedWriter, .methods = bstream_methods, .getattr = builtin_getattr,
};
static const qv_stream bstream_out = {&qv_bstream_type, QV_OUT};
static const qv_stream bstream_err = {&qv_bstream_type, QV_ERR};
static qv_obj st_buffer(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	int w = ((qv_stream *)a[0])->which;
	if (!w)
		qv_raisef(c, EXC(AttributeError), "'TextIOWrapper' object has no attribute 'buffer'");
	return (qv_obj)(w == QV_OUT ? &bstream_out : &bstream_err);
}

static const qv_method stream_methods[] = {
	METH(write, 2, 2, st_write), METH(flush, 1, 1, st_flush), METH(readline, 1, 2, st_readline),
	METH(read, 1, 2, st_read), ATTR(buffer, st_buffer), METH_END,
};
const qv_type qv_stream_type = {
	.type = &qv_type_type, .name = QS_TextIOWrapper, .methods = stream_methods, .getattr = builtin_getattr,
};
static const qv_stream stream_out = {&qv_stream_type, QV_OUT};
static const qv_stream stream_err = {&qv_stream_type, QV_ERR};
static const qv_stream stream_in = {&qv_stream_type, 0};

int stream_of(qv_ctx *c, qv_obj file)
{
	UNUSED(c);
	if (IS(file, qv_stream_type))
		return ((qv_stream *)file)->which;
	return 0;
}

/* ------------------------------------------------------------ sys */
NATIVE(sys_exit, exit, 0, 1)
{
	UNUSED(kw);
	rt_raise(c, exc_new(c, EXC(SystemExit), n ? tuple_pack(c, 1, a[0]) : EMPTY_TUPLE));
}

NATIVE(sys_getrecursionlimit, getrecursionlimit, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT(c->max_depth); }
NATIVE(sys_setrecursionlimit, setrecursionlimit, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	intptr_t v = get_int(c, a[0]);
	if (v < 1)
		qv_raisef(c, EXC(ValueError), "recursion limit must be greater or equal than 1");
	c->max_depth = v > 100000 ? 100000 : (int)v;
	return NONE;
}
NATIVE(sys_exc_info, exc_info, 0, 0)
{
	UNUSED(n); UNUSED(a); UNUSED(kw);
	if (!c->cur_exc)
		return tuple_pack(c, 3, NONE, NONE, NONE);
	return tuple_pack(c, 3, (qv_obj)TYPE(c->cur_exc), c->cur_exc, NONE);
}
NATIVE(sys_getsizeof, getsizeof, 1, 2) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT(16); }
NATIVE(sys_intern, intern, 1, 1) { UNUSED(n); UNUSED(kw); return str_intern(c, STR(a[0])->data, STR(a[0])->len); }

static void init_sys(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&sys_exit, &sys_getrecursionlimit, &sys_setrecursionlimit,
					      &sys_exc_info, &sys_getsizeof, &sys_intern, NULL};
	mod_add_natives(c, d, fns);
	dict_set(c, d, QS(argv), c->sys_argv);
	dict_set(c, d, QS(path), c->sys_path);
	dict_set(c, d, QS(modules), c->modules);
	dict_set(c, d, QS(stdout), (qv_obj)&stream_out);
	dict_set(c, d, QS(stderr), (qv_obj)&stream_err);
	dict_set(c, d, QS(stdin), (qv_obj)&stream_in);
	dict_set(c, d, QS(maxsize), int_from_i64(c, INT64_MAX));
	dict_set(c, d, QS(byteorder), QS(little));
	dict_set(c, d, QS(platform), QS(questv));
	dict_set(c, d, QS(version), str_cstr(c, "3.11.0 (questv runtime)"));
	dict_set(c, d, QS(version_info), tuple_pack(c, 5, MKINT(3), MKINT(11), MKINT(0), QS(final), MKINT(0)));
	qv_obj impl = module_new(c, QS(implementation));
	dict_set(c, ((qv_module *)impl)->dict, QS(name), QS(questv));
	dict_set(c, ((qv_module *)impl)->dict, QS(version), tuple_pack(c, 3, MKINT(0), MKINT(1), MKINT(0)));
	dict_set(c, d, QS(implementation), impl);
	qv_obj fi = dict_new(c);
	dict_set(c, d, QS(float_info), fi);
}

/* ------------------------------------------------------------ time */
static uint64_t now_us(qv_ctx *c)
{
	return c->port->ticks_us ? c->port->ticks_us(c->user) : 0;
}

NATIVE(time_ticks_us, ticks_us, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, now_us(c) & (((uint64_t)1 << 30) - 1)); }
NATIVE(time_ticks_ms, ticks_ms, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, (now_us(c) / 1000) & (((uint64_t)1 << 30) - 1)); }
NATIVE(time_ticks_diff, ticks_diff, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	intptr_t d = (get_int(c, a[0]) - get_int(c, a[1])) & ((1 << 30) - 1);
	if (d >= (1 << 29))
		d -= (1 << 30);
	return MKINT(d);
}
NATIVE(time_ticks_add, ticks_add, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	return MKINT((get_int(c, a[0]) + get_int(c, a[1])) & ((1 << 30) - 1));
}
static uint64_t wall_us(qv_ctx *c)
{
	return c->port->wall_us ? c->port->wall_us(c->user) : now_us(c);
}

NATIVE(time_time, time, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return float_new(c, (double)wall_us(c) / 1e6); }
NATIVE(time_perf_counter, perf_counter, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return float_new(c, (double)now_us(c) / 1e6); }
NATIVE(time_monotonic, monotonic, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return float_new(c, (double)now_us(c) / 1e6); }
NATIVE(time_time_ns, time_ns, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, wall_us(c) * 1000); }
NATIVE(time_perf_counter_ns, perf_counter_ns, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, now_us(c) * 1000); }
NATIVE(time_monotonic_ns, monotonic_ns, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, now_us(c) * 1000); }

static void sleep_us(qv_ctx *c, uint64_t us)
{
	uint64_t end = now_us(c) + us;
	while (now_us(c) < end)
		qv_check_interrupt(c);
}

NATIVE(time_sleep, sleep, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	double s = get_float(c, a[0]);
	if (s < 0)
		qv_raisef(c, EXC(ValueError), "sleep length must be non-negative");
	sleep_us(c, (uint64_t)(s * 1e6));
	return NONE;
}
NATIVE(time_sleep_ms, sleep_ms, 1, 1) { UNUSED(n); UNUSED(kw); sleep_us(c, (uint64_t)get_int(c, a[0]) * 1000); return NONE; }
NATIVE(time_sleep_us, sleep_us, 1, 1) { UNUSED(n); UNUSED(kw); sleep_us(c, (uint64_t)get_int(c, a[0])); return NONE; }

static void init_time(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&time_ticks_us, &time_ticks_ms, &time_ticks_diff, &time_ticks_add,
		&time_time, &time_perf_counter, &time_monotonic, &time_time_ns, &time_perf_counter_ns,
		&time_monotonic_ns, &time_sleep, &time_sleep_ms, &time_sleep_us, NULL};
	mod_add_natives(c, d, fns);
}

/* ------------------------------------------------------------ gc */
NATIVE(gc_collect_fn, collect, 0, 1) { UNUSED(n); UNUSED(a); UNUSED(kw); gc_collect(c); return MKINT(0); }
NATIVE(gc_enable, enable, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); c->gc_enabled = true; return NONE; }
NATIVE(gc_disable, disable, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); c->gc_enabled = false; return NONE; }
NATIVE(gc_isenabled, isenabled, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return BOOL(c->gc_enabled); }
NATIVE(gc_mem_free, mem_free, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT((c->ngran - c->used_gran) * 16); }
NATIVE(gc_mem_alloc, mem_alloc, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT(c->used_gran * 16); }
NATIVE(gc_last_pause, last_pause_us, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, c->last_pause); }
NATIVE(gc_max_pause, max_pause_us, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, c->max_pause); }
NATIVE(gc_collections, collections, 0, 0) { UNUSED(n); UNUSED(a); UNUSED(kw); return int_from_u64(c, c->ncollect); }

static void init_gc(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&gc_collect_fn, &gc_enable, &gc_disable, &gc_isenabled, &gc_mem_free,
		&gc_mem_alloc, &gc_last_pause, &gc_max_pause, &gc_collections, NULL};
	mod_add_natives(c, d, fns);
}

/* ------------------------------------------------------------ micropython */
NATIVE(mp_const, const, 1, 1) { UNUSED(c); UNUSED(n); UNUSED(kw); return a[0]; }
NATIVE(mp_mem_info, mem_info, 0, 1)
{
	UNUSED(n); UNUSED(a); UNUSED(kw);
	qv_obj s = str_fmt(c, "mem: total=%u, current=%u, peak=%u\n", (unsigned)(c->ngran * 16), (unsigned)(c->used_gran * 16), (unsigned)(c->peak_gran * 16));
	port_write(c, QV_OUT, STR(s)->data, STR(s)->len);
	return NONE;
}
NATIVE(mp_heap_lock, heap_lock, 0, 0) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return NONE; }
NATIVE(mp_stack_use, stack_use, 0, 0)
{
	UNUSED(n); UNUSED(a); UNUSED(kw);
	volatile uintptr_t here = 0;
	return MKINT((intptr_t)(c->stack_base - (uintptr_t)&here));
}

static void init_micropython(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&mp_const, &mp_mem_info, &mp_heap_lock, &mp_stack_use, NULL};
	mod_add_natives(c, d, fns);
}

/* ------------------------------------------------------------ errno */
static void init_errno(qv_ctx *c, qv_obj d)
{
	static const struct { uint16_t name; int v; } tab[] = {
		{QS_EPERM, 1}, {QS_ENOENT, 2}, {QS_EIO, 5}, {QS_EBADF, 9}, {QS_EAGAIN, 11}, {QS_ENOMEM, 12},
		{QS_EACCES, 13}, {QS_EEXIST, 17}, {QS_ENODEV, 19}, {QS_EISDIR, 21}, {QS_EINVAL, 22},
		{QS_ENOSPC, 28}, {QS_EPIPE, 32}, {QS_ETIMEDOUT, 110}, {QS_EINPROGRESS, 115},
		{QS_ECONNRESET, 104}, {QS_ENOTCONN, 107}, {QS_EALREADY, 114}, {QS_ECONNREFUSED, 111},
	};
	qv_obj codes = dict_new(c);
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
		dict_set(c, d, QSI(tab[i].name), MKINT(tab[i].v));
		dict_set(c, codes, MKINT(tab[i].v), QSI(tab[i].name));
	}
	dict_set(c, d, QS(errorcode), codes);
}

/* ------------------------------------------------------------ math */
static _Noreturn void math_err(qv_ctx *c, int e)
{
	switch (e) {
	case QV_MATH_ERANGE: qv_raisef(c, EXC(OverflowError), "math range error");
	case QV_MATH_EINFNAN: qv_raisef(c, EXC(ValueError), "-inf + inf in fsum");
	case QV_MATH_EFSUM_OVERFLOW: qv_raisef(c, EXC(OverflowError), "intermediate overflow in fsum");
	default: qv_raisef(c, EXC(ValueError), "math domain error");
	}
}

static qv_obj math_fn1(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	/* a[0] is the C function pointer wrapped as a small int */
	qv_math_fn1 f = (qv_math_fn1)(uintptr_t)INT_VAL(a[0]);
	double out;
	int e = f(get_float(c, a[1]), &out);
	if (e)
		math_err(c, e);
	return float_new(c, out);
}

static qv_obj math_fn2(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_math_fn2 f = (qv_math_fn2)(uintptr_t)INT_VAL(a[0]);
	double out;
	int e = f(get_float(c, a[1]), get_float(c, a[2]), &out);
	if (e)
		math_err(c, e);
	return float_new(c, out);
}

static qv_obj int_result(qv_ctx *c, qv_obj x, int (*f)(double, double *), qv_obj name)
{
	if (is_intlike(x))
		return x == TRUE_ ? MKINT(1) : x == FALSE_ ? MKINT(0) : x;
	if (!IS(x, qv_float_type)) {
		qv_obj m = qv_special(c, x, name);
		if (m)
			return qv_call0(c, m);
	}
	double out;
	f(get_float(c, x), &out);
	return int_from_double(c, out);
}

NATIVE(m_floor, floor, 1, 1) { UNUSED(n); UNUSED(kw); return int_result(c, a[0], qv_math_floor, QS(__floor__)); }
NATIVE(m_ceil, ceil, 1, 1) { UNUSED(n); UNUSED(kw); return int_result(c, a[0], qv_math_ceil, QS(__ceil__)); }
NATIVE(m_trunc, trunc, 1, 1) { UNUSED(n); UNUSED(kw); return int_result(c, a[0], qv_math_trunc, QS(__trunc__)); }

NATIVE(m_isnan, isnan, 1, 1) { UNUSED(n); UNUSED(kw); double x = get_float(c, a[0]); return BOOL(x != x); }
NATIVE(m_isinf, isinf, 1, 1) { UNUSED(n); UNUSED(kw); double x = get_float(c, a[0]); return BOOL(x == x && x - x != 0); }
NATIVE(m_isfinite, isfinite, 1, 1) { UNUSED(n); UNUSED(kw); double x = get_float(c, a[0]); return BOOL(x - x == 0); }

NATIVE(m_sqrt, sqrt, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	double out;
	if (qv_math_sqrt(get_float(c, a[0]), &out))
		math_err(c, 1);
	return float_new(c, out);
}

NATIVE(m_log, log, 1, 2)
{
	UNUSED(kw);
	double out, x;
	if (is_intlike(a[0]) && int_sign(a[0]) > 0) {
		/* big ints: log of the top bits plus the shift */
		qv_obj bl = qv_call_method(c, a[0], QS(bit_length), 0, NULL);
		intptr_t bits = get_int(c, bl);
		if (bits > 1000) {
			qv_obj top = qv_binop(c, OP_RSHIFT, a[0], MKINT(bits - 60));
			qv_math_log(int_to_double(c, top), &out);
			out += (double)(bits - 60) * 0.6931471805599453;
			goto base;
		}
	}
	x = get_float(c, a[0]);
	if (qv_math_log(x, &out))
		math_err(c, 1);
base:
	if (n > 1) {
		double lb;
		if (qv_math_log(get_float(c, a[1]), &lb) || lb == 0)
			qv_raisef(c, lb == 0 ? EXC(ZeroDivisionError) : EXC(ValueError), lb == 0 ? "float division by zero" : "math domain error");
		out /= lb;
	}
	return float_new(c, out);
}

NATIVE(m_fabs, fabs, 1, 1) { UNUSED(n); UNUSED(kw); double x = get_float(c, a[0]); return float_new(c, x < 0 || (x == 0 && 1 / x < 0) ? -x : x); }
NATIVE(m_gcd, gcd, 0, ARGS_MAX)
{
	UNUSED(kw);
	qv_obj g = MKINT(0);
	for (size_t i = 0; i < n; i++) {
		qv_obj x = a[i];
		if (int_sign(x) < 0)
			x = qv_unop(c, UOP_NEG, x);
		if (int_sign(g) < 0)
			g = qv_unop(c, UOP_NEG, g);
		while (int_sign(x) != 0) {
			qv_obj t = qv_binop(c, OP_MOD, g, x);
			g = x;
			x = t;
		}
	}
	return g;
}
NATIVE(m_lcm, lcm, 0, ARGS_MAX)
{
	UNUSED(kw);
	qv_obj l = MKINT(1);
	for (size_t i = 0; i < n; i++) {
		if (int_sign(a[i]) == 0)
			return MKINT(0);
		qv_obj args[2] = {l, a[i]};
		qv_obj g = m_gcd_fn(c, 2, args, NULL);
		l = qv_binop(c, OP_FLOORDIV, qv_binop(c, OP_MUL, l, a[i]), g);
		if (int_sign(l) < 0)
			l = qv_unop(c, UOP_NEG, l);
	}
	return l;
}
NATIVE(m_factorial, factorial, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	if (IS(a[0], qv_float_type))
		qv_raisef(c, EXC(TypeError), "'float' object cannot be interpreted as an integer");
	intptr_t k = get_int(c, a[0]);
	if (k < 0)
		qv_raisef(c, EXC(ValueError), "factorial() not defined for negative values");
	qv_obj r = MKINT(1);
	for (intptr_t i = 2; i <= k; i++)
		r = qv_binop(c, OP_MUL, r, MKINT(i));
	return r;
}
NATIVE(m_isqrt, isqrt, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_obj x = a[0];
	if (!is_intlike(x))
		qv_raisef(c, EXC(TypeError), "'%s' object cannot be interpreted as an integer", type_name(x));
	if (int_sign(x) < 0)
		qv_raisef(c, EXC(ValueError), "isqrt() argument must be nonnegative");
	if (int_sign(x) == 0)
		return MKINT(0);
	/* Newton from above */
	intptr_t bits = get_int(c, qv_call_method(c, x, QS(bit_length), 0, NULL));
	qv_obj r = qv_binop(c, OP_LSHIFT, MKINT(1), MKINT((bits + 1) / 2));
	for (;;) {
		qv_obj nr = qv_binop(c, OP_RSHIFT, qv_binop(c, OP_ADD, r, qv_binop(c, OP_FLOORDIV, x, r)), MKINT(1));
		if (!qv_lt(c, nr, r))
			return r;
		r = nr;
	}
}
NATIVE(m_comb, comb, 2, 2)
{
	UNUSED(kw); UNUSED(n);
	intptr_t nn = get_int(c, a[0]), k = get_int(c, a[1]);
	if (nn < 0 || k < 0)
		qv_raisef(c, EXC(ValueError), "%s must be a non-negative integer", nn < 0 ? "n" : "k");
	if (k > nn)
		return MKINT(0);
	if (k > nn - k)
		k = nn - k;
	qv_obj r = MKINT(1);
	for (intptr_t i = 1; i <= k; i++)
		r = qv_binop(c, OP_FLOORDIV, qv_binop(c, OP_MUL, r, MKINT(nn - k + i)), MKINT(i));
	return r;
}
NATIVE(m_perm, perm, 1, 2)
{
	UNUSED(kw);
	intptr_t nn = get_int(c, a[0]), k = n > 1 && a[1] != NONE ? get_int(c, a[1]) : nn;
	if (nn < 0 || k < 0)
		qv_raisef(c, EXC(ValueError), "%s must be a non-negative integer", nn < 0 ? "n" : "k");
	if (k > nn)
		return MKINT(0);
	qv_obj r = MKINT(1);
	for (intptr_t i = 0; i < k; i++)
		r = qv_binop(c, OP_MUL, r, MKINT(nn - i));
	return r;
}
NATIVE(m_isclose, isclose, 2, 2)
{
	UNUSED(n);
	qv_obj rt = native_kw(c, kw, QS(rel_tol)), at = native_kw(c, kw, QS(abs_tol));
	bool out;
	if (qv_math_isclose(get_float(c, a[0]), get_float(c, a[1]), rt ? get_float(c, rt) : 1e-9, at ? get_float(c, at) : 0.0, &out))
		qv_raisef(c, EXC(ValueError), "tolerances must be non-negative");
	return BOOL(out);
}
NATIVE(m_frexp, frexp, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	double m;
	int e;
	qv_math_frexp(get_float(c, a[0]), &m, &e);
	return tuple_pack(c, 2, float_new(c, m), MKINT(e));
}
NATIVE(m_modf, modf, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	double f, i;
	qv_math_modf(get_float(c, a[0]), &f, &i);
	return tuple_pack(c, 2, float_new(c, f), float_new(c, i));
}
NATIVE(m_ldexp, ldexp, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	double out;
	int e = qv_math_ldexp(get_float(c, a[0]), get_int(c, a[1]), &out);
	if (e)
		math_err(c, e);
	return float_new(c, out);
}
NATIVE(m_fsum, fsum, 1, 1)
{
	UNUSED(n); UNUSED(kw);
	qv_fsum_state *st = gc_alloc(c, sizeof(qv_fsum_state), true);
	qv_fsum_init(st);
	qv_obj it = qv_iter(c, a[0]), v;
	while ((v = qv_next(c, it)))
		if (qv_fsum_add(st, get_float(c, v)))
			rt_raise(c, c->memerr);
	double out;
	int e = qv_fsum_result(st, &out);
	if (e)
		math_err(c, e);
	return float_new(c, out);
}
NATIVE(m_prod, prod, 1, 1)
{
	UNUSED(n);
	qv_obj st = native_kw(c, kw, QS(start));
	qv_obj r = st ? st : MKINT(1);
	qv_obj it = qv_iter(c, a[0]), v;
	while ((v = qv_next(c, it)))
		r = qv_binop(c, OP_MUL, r, v);
	return r;
}
NATIVE(m_dist, dist, 2, 2)
{
	UNUSED(n); UNUSED(kw);
	size_t n1, n2;
	qv_obj *p = seq_array(c, to_tuple(c, a[0]), &n1), *q = seq_array(c, to_tuple(c, a[1]), &n2);
	if (n1 != n2)
		qv_raisef(c, EXC(ValueError), "both points must have the same number of dimensions");
	double s = 0;
	for (size_t i = 0; i < n1; i++) {
		double d = get_float(c, p[i]) - get_float(c, q[i]);
		s += d * d;
	}
	double out;
	qv_math_sqrt(s, &out);
	return float_new(c, out);
}

static const struct { uint16_t name; qv_math_fn1 f; } math1[] = {
	{QS_exp, qv_math_exp}, {QS_exp2, qv_math_exp2}, {QS_expm1, qv_math_expm1}, {QS_log2, qv_math_log2},
	{QS_log10, qv_math_log10}, {QS_log1p, qv_math_log1p}, {QS_sin, qv_math_sin}, {QS_cos, qv_math_cos},
	{QS_tan, qv_math_tan}, {QS_asin, qv_math_asin}, {QS_acos, qv_math_acos}, {QS_atan, qv_math_atan},
	{QS_sinh, qv_math_sinh}, {QS_cosh, qv_math_cosh}, {QS_tanh, qv_math_tanh}, {QS_asinh, qv_math_asinh},
	{QS_acosh, qv_math_acosh}, {QS_atanh, qv_math_atanh}, {QS_erf, qv_math_erf}, {QS_erfc, qv_math_erfc},
	{QS_gamma, qv_math_gamma}, {QS_lgamma, qv_math_lgamma}, {QS_degrees, qv_math_degrees},
	{QS_radians, qv_math_radians}, {QS_ulp, qv_math_ulp},
};
static const struct { uint16_t name; qv_math_fn2 f; } math2[] = {
	{QS_pow, qv_math_pow}, {QS_atan2, qv_math_atan2}, {QS_hypot, qv_math_hypot}, {QS_fmod, qv_math_fmod},
	{QS_copysign, qv_math_copysign}, {QS_nextafter, qv_math_nextafter},
};

static void init_math(qv_ctx *c, qv_obj d)
{
	for (size_t i = 0; i < sizeof math1 / sizeof *math1; i++)
		dict_set(c, d, QSI(math1[i].name), make_native_closure(c, math_fn1, MKINT((intptr_t)(uintptr_t)math1[i].f), QSI(math1[i].name)));
	for (size_t i = 0; i < sizeof math2 / sizeof *math2; i++)
		dict_set(c, d, QSI(math2[i].name), make_native_closure(c, math_fn2, MKINT((intptr_t)(uintptr_t)math2[i].f), QSI(math2[i].name)));
	static const qv_native *const fns[] = {&m_floor, &m_ceil, &m_trunc, &m_isnan, &m_isinf, &m_isfinite,
		&m_sqrt, &m_log, &m_fabs, &m_gcd, &m_lcm, &m_factorial, &m_isqrt, &m_comb, &m_perm, &m_isclose,
		&m_frexp, &m_modf, &m_ldexp, &m_fsum, &m_prod, &m_dist, NULL};
	mod_add_natives(c, d, fns);
	dict_set(c, d, QS(pi), float_new(c, 3.141592653589793));
	dict_set(c, d, QS(e), float_new(c, 2.718281828459045));
	dict_set(c, d, QS(tau), float_new(c, 6.283185307179586));
	dict_set(c, d, QS(inf), float_new(c, __builtin_inf()));
	dict_set(c, d, QS(nan), float_new(c, __builtin_nan("")));
}

/* The builtins module: every name the constant builtin table resolves. */
static void init_builtins(qv_ctx *c, qv_obj d)
{
	for (int k = 0; k < QS__COUNT; k++) {
		qv_obj v = builtins_lookup(QSI(k));
		if (v)
			dict_set(c, d, QSI(k), v);
	}
	c->bdict = d;
	c->bv0 = ((qv_dictobj *)d)->version;
}

extern void init_struct(qv_ctx *c, qv_obj d);
extern void init_binascii(qv_ctx *c, qv_obj d);
extern void init_random_c(qv_ctx *c, qv_obj d);
extern void init_json_c(qv_ctx *c, qv_obj d);
extern void init_re_c(qv_ctx *c, qv_obj d);
extern void init_os(qv_ctx *c, qv_obj d);
extern void init_hashlib(qv_ctx *c, qv_obj d);

const qv_builtin_module qv_builtin_modules[] = {
	{QS_sys, init_sys}, {QS_time, init_time}, {QS_utime, init_time}, {QS_gc, init_gc},
	{QS_micropython, init_micropython}, {QS_errno, init_errno}, {QS_uerrno, init_errno},
	{QS_math, init_math}, {QS_builtins, init_builtins}, {QS_struct, init_struct},
	{QS_binascii, init_binascii}, {QS__random, init_random_c}, {QS__json, init_json_c},
	{QS__re, init_re_c}, {QS_os, init_os}, {QS_uos, init_os},
	{QS_hashlib, init_hashlib}, {0, NULL},
};

/* ------------------------------------------------------------ import */
/* The text of a frozen or port-found module, or NULL. */
static const char *find_source(qv_ctx *c, qv_obj name, size_t *len, bool *isbc, qv_obj *origin)
{
	*isbc = false;
	for (const qv_frozen *f = qv_frozen_modules; f->name; f++)
		if (rt_strcmp(f->name, STR(name)->data) == 0) {
			*len = rt_strlen(f->src);
			*origin = str_fmt(c, "<frozen %S>", name);
			return f->src;
		}
	if (c->port->find_module) {
		const char *org = NULL;
		const char *src = c->port->find_module(c->user, STR(name)->data, len, isbc, &org);
		if (src) {
			*origin = str_cstr(c, org ? org : STR(name)->data);
			return src;
		}
	}
	return NULL;
}

static qv_code *module_code(qv_ctx *c, qv_obj name, const char *src, size_t len, bool isbc, qv_obj origin)
{
	if (isbc) {
		const char *err = NULL;
		qv_code *co = code_load(c, (const uint8_t *)src, len, &err);
		if (!co)
			qv_raisef(c, EXC(ImportError), "cannot load bytecode of '%S': %s", name, err);
		return co;
	}
	return comp_compile(c, src, len, origin, QV_MODE_FILE);
}

/* python -m: the module's code runs in __main__'s namespace. */
void run_as_main(qv_ctx *c, qv_obj name)
{
	size_t len = 0;
	bool isbc;
	qv_obj origin = NULL;
	const char *src = find_source(c, name, &len, &isbc, &origin);
	if (!src)
		rt_raise(c, exc_new(c, EXC(ModuleNotFoundError), tuple_pack(c, 1, str_fmt(c, "No module named '%S'", name))));
	qv_code *co = module_code(c, name, src, len, isbc, origin);
	dict_set(c, c->main_dict, QS(__file__), origin);
	vm_run_code(c, co, c->main_dict, c->main_dict);
}

static qv_obj load_module(qv_ctx *c, qv_obj name)
{
	qv_obj em = c->n_ext ? ext_load(c, name) : NULL;
	if (em)
		return em;
	for (const qv_builtin_module *m = qv_builtin_modules; m->init; m++)
		if (str_eq(QSI(m->name), name)) {
			qv_obj mod = module_new(c, name);
			dict_set(c, c->modules, name, mod);
			m->init(c, ((qv_module *)mod)->dict);
			return mod;
		}
	size_t len = 0;
	bool isbc = false;
	qv_obj origin = NULL;
	const char *src = find_source(c, name, &len, &isbc, &origin);
	if (!src)
		return NULL;
	qv_obj mod = module_new(c, name);
	qv_obj d = ((qv_module *)mod)->dict;
	dict_set(c, d, QS(__file__), origin);
	dict_set(c, c->modules, name, mod);
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		dict_del(c, c->modules, name);
		rt_raise(c, c->exc);
	}
	vm_run_code(c, module_code(c, name, src, len, isbc, origin), d, d);
	qv_untry(c, &j);
	return mod;
}

static qv_obj import_one(qv_ctx *c, qv_obj full)
{
	qv_obj m = dict_get_str(c->modules, full);
	if (m)
		return m;
	/* import the parent package first */
	const char *s = STR(full)->data;
	size_t n = STR(full)->len, dot = n;
	while (dot > 0 && s[dot - 1] != '.')
		dot--;
	qv_obj parent = NULL;
	if (dot > 0) {
		parent = import_one(c, str_intern(c, s, dot - 1));
		m = dict_get_str(c->modules, full);
		if (m)
			return m;
	}
	m = load_module(c, full);
	if (!m)
		rt_raise(c, exc_new(c, EXC(ModuleNotFoundError), tuple_pack(c, 1, str_fmt(c, "No module named '%S'", full))));
	if (parent)
		qv_setattr(c, parent, str_intern(c, s + dot, n - dot), m);
	return m;
}

qv_obj import_module(qv_ctx *c, qv_obj name, qv_obj fromlist, int level, qv_obj globals)
{
	if (!IS_STR(name))
		qv_raisef(c, EXC(TypeError), "module name must be str");
	qv_obj full = name;
	if (level > 0) {
		qv_obj pkg = globals ? dict_get_str(globals, QS(__package__)) : NULL;
		if (!pkg || pkg == NONE) {
			qv_obj mn = globals ? dict_get_str(globals, QS(__name__)) : NULL;
			if (!mn || !IS_STR(mn))
				qv_raisef(c, EXC(ImportError), "attempted relative import with no known parent package");
			bool ispkg = globals && dict_get_str(globals, QS(__path__));
			size_t e = STR(mn)->len;
			if (!ispkg) {
				while (e > 0 && STR(mn)->data[e - 1] != '.')
					e--;
				if (e == 0)
					qv_raisef(c, EXC(ImportError), "attempted relative import with no known parent package");
				e--;
			}
			pkg = str_new(c, STR(mn)->data, e);
		}
		size_t e = STR(pkg)->len;
		for (int i = 1; i < level; i++) {
			while (e > 0 && STR(pkg)->data[e - 1] != '.')
				e--;
			if (e == 0)
				qv_raisef(c, EXC(ImportError), "attempted relative import beyond top-level package");
			e--;
		}
		if (STR(name)->len)
			full = str_fmt(c, "%S.%S", str_new(c, STR(pkg)->data, e), name);
		else
			full = str_new(c, STR(pkg)->data, e);
		full = str_intern(c, STR(full)->data, STR(full)->len);
	}
	qv_obj m = import_one(c, full);
	bool has_from = fromlist && fromlist != NONE && rt_truth(c, fromlist);
	if (has_from || level > 0)
		return m;
	const char *s = STR(full)->data;
	size_t n = STR(full)->len, k = 0;
	while (k < n && s[k] != '.')
		k++;
	if (k == n)
		return m;
	return dict_get_str(c->modules, str_intern(c, s, k));
}
