/* Double-double arithmetic for qvmath.c: a value is hi + lo with
 * |lo| <= ulp(hi) / 2, about 106 significant bits. Error-free sums and
 * products after Knuth (TAOCP 4.2.2) and Dekker (1971); the compiler must
 * not contract a*b+c into an FMA (C11 mode keeps -ffp-contract=off), and
 * there is no x87 excess precision on the targets (SSE2 doubles).
 * Products split their operands, so they need |operands| < 2^995.
 */
#ifndef QV_NUM_DD_H
#define QV_NUM_DD_H

typedef struct {
	double hi, lo;
} dd;

static inline dd dd_quick(double a, double b)
{
	double s = a + b;
	dd r = { s, b - (s - a) };
	return r;
}

static inline dd dd_two_sum(double a, double b)
{
	double s = a + b, bb = s - a;
	dd r = { s, (a - (s - bb)) + (b - bb) };
	return r;
}

static inline void dd_split(double a, double *hi, double *lo)
{
	double t = 134217729.0 * a; /* 2^27 + 1 */
	*hi = t - (t - a);
	*lo = a - *hi;
}

static inline dd dd_two_prod(double a, double b)
{
	double p = a * b, ah, al, bh, bl;
	dd_split(a, &ah, &al);
	dd_split(b, &bh, &bl);
	dd r = { p, ((ah * bh - p) + ah * bl + al * bh) + al * bl };
	return r;
}

static inline dd dd_d(double a)
{
	dd r = { a, 0.0 };
	return r;
}

static inline dd dd_neg(dd a)
{
	dd r = { -a.hi, -a.lo };
	return r;
}

static inline dd dd_add(dd a, dd b)
{
	dd s = dd_two_sum(a.hi, b.hi), t = dd_two_sum(a.lo, b.lo);
	s.lo += t.hi;
	s = dd_quick(s.hi, s.lo);
	s.lo += t.lo;
	return dd_quick(s.hi, s.lo);
}

static inline dd dd_sub(dd a, dd b)
{
	return dd_add(a, dd_neg(b));
}

static inline dd dd_add_d(dd a, double b)
{
	dd s = dd_two_sum(a.hi, b);
	s.lo += a.lo;
	return dd_quick(s.hi, s.lo);
}

static inline dd dd_mul(dd a, dd b)
{
	dd p = dd_two_prod(a.hi, b.hi);
	p.lo += a.hi * b.lo + a.lo * b.hi;
	return dd_quick(p.hi, p.lo);
}

static inline dd dd_mul_d(dd a, double b)
{
	dd p = dd_two_prod(a.hi, b);
	p.lo += a.lo * b;
	return dd_quick(p.hi, p.lo);
}

static inline dd dd_div(dd a, dd b)
{
	double q1 = a.hi / b.hi;
	dd r = dd_sub(a, dd_mul_d(b, q1));
	double q2 = r.hi / b.hi;
	r = dd_sub(r, dd_mul_d(b, q2));
	double q3 = r.hi / b.hi;
	dd q = dd_quick(q1, q2);
	return dd_add_d(q, q3);
}

static inline dd dd_div_d(dd a, double b)
{
	return dd_div(a, dd_d(b));
}

/* Exact scaling by 2^k for small k (no overflow or underflow). */
static inline dd dd_scale(dd a, double two_k)
{
	dd r = { a.hi * two_k, a.lo * two_k };
	return r;
}

static inline dd dd_sqrt(dd a)
{
	if (a.hi <= 0.0)
		return dd_d(0.0);
	double x = __builtin_sqrt(a.hi);
	dd e = dd_sub(a, dd_two_prod(x, x));
	return dd_quick(x, e.hi / (2.0 * x));
}

#endif
