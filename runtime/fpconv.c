/* Correctly rounded double <-> text conversions: see fpconv.h.
 *
 * Everything that must be exact is done with exact integers (mpz.c):
 * - shortest digits: Steele & White's free-format algorithm with the
 *   termination tests of Burger & Dybvig (PLDI 1996), on bignums;
 * - fixed-count digits (format, round): round-half-even of the exact
 *   rational f * 2^e * 10^P;
 * - reading: Clinger's fast path when the decimal fits a double exactly,
 *   otherwise the exact quotient D / 10^-E (or product D * 10^E) rounded
 *   once by qv_mpz_truediv / qv_mpz_to_double.
 * Bignums live in fixed arrays on the stack, sized for the largest
 * double (2^1024) and the deepest subnormal (2^-1074).
 */
#include "fpconv.h"
#include "mpz.h"
#include "num_bits.h"

#include <limits.h>

/* Limbs for every exact intermediate: 10^1130 * 2^64 is below 2^3840. */
#define BIG 128
/* Significant decimal digits kept when reading: every halfway point
 * between doubles has at most 767, so digits past 800 only matter as a
 * "something nonzero follows" flag (a digit 1 appended at 801). */
#define MAX_READ_DIGITS 800
/* Digits of N in the exact formatting paths: up to 1074 fractional
 * digits plus a 309-digit integer part never happen together; 1100 is
 * the longest. */
#define MAX_EXACT_DIGITS 1120

typedef struct {
	qv_limb d[BIG];
	qv_mpz z;
} big;

static void big_init(big *b, uint64_t v)
{
	b->z.d = b->d;
	qv_mpz_from_u64(&b->z, v);
}

/* b *= 10^k */
static void big_mul_pow10(big *b, int k)
{
	for (; k >= 9; k -= 9)
		qv_mpz_mul_small(&b->z, 1000000000u, 0);
	static const qv_limb small[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
					  100000000 };
	if (k > 0)
		qv_mpz_mul_small(&b->z, small[k], 0);
}

static void big_shl(big *b, int s)
{
	qv_limb tmp[BIG];
	qv_mpz t = { tmp, 0, false };
	qv_mpz_lshift(&t, &b->z, (uint64_t)s);
	qv_mpz_copy(&b->z, &t);
}

/* ---- shortest digits ------------------------------------------------ */

static int cmp_sum(const qv_mpz *a, const qv_mpz *b, const qv_mpz *c)
{
	/* sign of (a + b) - c */
	qv_limb tmp[BIG];
	qv_mpz t = { tmp, 0, false };
	qv_mpz_add(&t, a, b);
	return qv_mpz_cmp(&t, c);
}

/* Estimated ceil(log10(2^E)) rounded so the true decimal exponent is the
 * estimate or one more. */
static int k_estimate(int E)
{
	double v = (double)E * 0.30102999566398120 - 1e-10;
	int k = (int)v;
	if ((double)k < v)
		k++;
	return k;
}

/* The digit to emit once the free-format loop may stop (Burger & Dybvig's
 * termination): lo / hi say whether d / d+1 would read back as v, half is
 * the sign of 2r - s (which neighbour is nearer). */
static int final_digit(int d, bool low_ok, bool high_ok, int half)
{
	if (low_ok && high_ok)
		return (half > 0 || (half == 0 && (d & 1))) ? d + 1 : d;
	return high_ok ? d + 1 : d;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

static int bits128(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);
	return hi ? 128 - qv_clz64(hi) : 64 - qv_clz64((uint64_t)v);
}

static u128 pow10_128(int k)
{
	u128 p = 1;
	while (k-- > 0)
		p *= 10;
	return p;
}

/* The same algorithm as shortest_big on 128-bit integers, for the common
 * doubles whose r, s, m+ and m- stay below 2^124 throughout; returns 0 when
 * they would not (the caller falls back to bignums). Only +, -, *, shifts
 * and compares: no 128-bit division, so no compiler runtime call. */
static int shortest_u128(uint64_t f, int e, int k, bool even, bool lopsided, char *digits,
			 int *decpt)
{
	if (e > 60 || e < -100)
		return 0;
	int shift = lopsided ? 2 : 1;
	u128 r = (u128)f << shift, s, mp = 1, mm = 1;
	if (e >= 0) {
		r <<= e;
		s = (u128)1 << shift;
		mp = (u128)1 << (e + (lopsided ? 1 : 0));
		mm = (u128)1 << e;
	} else {
		s = (u128)1 << (shift - e);
		mp = lopsided ? 2 : 1;
	}
	int k10 = k >= 0 ? k : -k;
	if (k10 > 38)
		return 0;
	int pbits = k10 == 0 ? 1 : bits128(pow10_128(k10));
	if ((k >= 0 ? bits128(s) : bits128(r)) + pbits + 4 > 124)
		return 0;
	if (k >= 0) {
		s *= pow10_128(k);
	} else {
		u128 p = pow10_128(-k);
		r *= p;
		mp *= p;
		mm *= p;
	}
	if (even ? r + mp >= s : r + mp > s) {
		if (bits128(s) + 4 > 124)
			return 0;
		k++;
		s *= 10;
	}
	*decpt = k;
	for (int n = 0;;) {
		r *= 10;
		mp *= 10;
		mm *= 10;
		int d = 0;
		while (r >= s) {
			r -= s;
			d++;
		}
		bool low_ok = even ? r <= mm : r < mm;
		bool high_ok = even ? r + mp >= s : r + mp > s;
		if ((!low_ok && !high_ok) && n < 16) {
			digits[n++] = (char)('0' + d);
			continue;
		}
		int half = 2 * r > s ? 1 : (2 * r < s ? -1 : 0);
		digits[n++] = (char)('0' + final_digit(d, low_ok, high_ok, half));
		return n;
	}
}
#endif

int qv_dtoa_shortest(double x, char digits[17], int *decpt)
{
	uint64_t f;
	int e;
	qv_dsplit(x < 0 ? -x : x, &f, &e);
	bool even = (f & 1) == 0;
	/* The rounding interval is [v - m-, v + m+]; it is lopsided at powers
	 * of two, where the gap below is half the gap above. */
	bool lopsided = f == (UINT64_C(1) << 52) && e > QV_DBL_MIN_LSB;
#ifdef __SIZEOF_INT128__
	int fast = shortest_u128(f, e, k_estimate(e + 63 - qv_clz64(f)), even, lopsided, digits,
				 decpt);
	if (fast)
		return fast;
#endif
	big r, s, mp, mm;
	big_init(&r, f);
	big_init(&s, 1);
	big_init(&mp, 1);
	big_init(&mm, 1);
	int shift = lopsided ? 2 : 1;
	big_shl(&r, shift);
	if (e >= 0) {
		big_shl(&r, e);
		big_shl(&s, shift);
		big_shl(&mp, e + (lopsided ? 1 : 0));
		big_shl(&mm, e);
	} else {
		big_shl(&s, shift - e);
		if (lopsided)
			big_shl(&mp, 1);
	}
	int bl = 64 - qv_clz64(f);
	int k = k_estimate(e + bl - 1);
	if (k >= 0) {
		big_mul_pow10(&s, k);
	} else {
		big_mul_pow10(&r, -k);
		big_mul_pow10(&mp, -k);
		big_mul_pow10(&mm, -k);
	}
	int c = cmp_sum(&r.z, &mp.z, &s.z);
	if (even ? c >= 0 : c > 0) {
		k++;
		big_mul_pow10(&s, 1);
	}
	*decpt = k;
	int n = 0;
	for (;;) {
		qv_mpz_mul_small(&r.z, 10, 0);
		qv_mpz_mul_small(&mp.z, 10, 0);
		qv_mpz_mul_small(&mm.z, 10, 0);
		int d = 0;
		while (qv_mpz_cmp(&r.z, &s.z) >= 0) {
			qv_mpz_sub(&r.z, &r.z, &s.z);
			d++;
		}
		int lo = qv_mpz_cmp(&r.z, &mm.z);
		int hi = cmp_sum(&r.z, &mp.z, &s.z);
		bool tc1 = even ? lo <= 0 : lo < 0;
		bool tc2 = even ? hi >= 0 : hi > 0;
		if (!tc1 && !tc2 && n < 16) {
			digits[n++] = (char)('0' + d);
			continue;
		}
		/* both neighbours may read back as x: the nearer wins, ties even */
		digits[n++] = (char)('0' + final_digit(d, tc1, tc2, cmp_sum(&r.z, &r.z, &s.z)));
		break;
	}
	return n;
}

/* ---- output buffer ---------------------------------------------------- */

typedef struct {
	char *buf;
	size_t cap, len;
} out;

static void put(out *o, char c)
{
	if (o->len < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void puts_(out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

static size_t finish(out *o)
{
	if (o->len < o->cap)
		o->buf[o->len] = '\0';
	return o->len;
}

static void put_exp(out *o, char e, int x)
{
	put(o, e);
	put(o, x < 0 ? '-' : '+');
	unsigned u = (unsigned)(x < 0 ? -x : x);
	char tmp[12];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 2)
		tmp[n++] = '0';
	while (n)
		put(o, tmp[--n]);
}

/* ---- repr ---------------------------------------------------------------- */

static bool put_special(out *o, double x, bool upper)
{
	if (x != x) {
		puts_(o, upper ? "NAN" : "nan");
		return true;
	}
	if (x - x != 0.0) {
		if (x < 0)
			put(o, '-');
		puts_(o, upper ? "INF" : "inf");
		return true;
	}
	return false;
}

/* Lays out digits d[0..n) (value 0.d * 10^decpt) in fixed notation with
 * at least `minfrac` fractional digits (zeros appended). */
static void layout_fixed(out *o, const char *d, int n, int decpt, int minfrac, bool point)
{
	if (decpt <= 0) {
		put(o, '0');
	} else {
		for (int i = 0; i < decpt; i++)
			put(o, i < n ? d[i] : '0');
	}
	int frac = n - decpt > 0 ? n - decpt : 0;
	if (frac < minfrac)
		frac = minfrac;
	if (frac > 0 || point)
		put(o, '.');
	for (int i = 0; i < frac; i++) {
		int idx = decpt + i;
		put(o, idx >= 0 && idx < n ? d[idx] : '0');
	}
}

/* d[0..n) as d.ddd with at least `minfrac` fractional digits, exponent x. */
static void layout_sci(out *o, const char *d, int n, int x, int minfrac, bool point, char e)
{
	put(o, d[0]);
	int frac = n - 1 > minfrac ? n - 1 : minfrac;
	if (frac > 0 || point)
		put(o, '.');
	for (int i = 0; i < frac; i++)
		put(o, 1 + i < n ? d[1 + i] : '0');
	put_exp(o, e, x);
}

static size_t repr_into(double x, unsigned flags, out *o)
{
	if (put_special(o, x, false))
		return finish(o);
	if ((qv_dbits(x) >> 63) && !(x == 0.0 && (flags & QV_FMT_NO_NEG_ZERO)))
		put(o, '-');
	char d[17];
	int n, decpt;
	if (x == 0.0) {
		d[0] = '0';
		n = 1;
		decpt = 1;
	} else {
		n = qv_dtoa_shortest(x, d, &decpt);
	}
	int xp = decpt - 1;
	bool alt = flags & QV_FMT_ALT;
	if (xp < -4 || xp >= 16)
		layout_sci(o, d, n, xp, 0, alt, 'e');
	else
		layout_fixed(o, d, n, decpt, 1, true);
	return finish(o);
}

size_t qv_dtoa_repr(double x, char *buf)
{
	out o = { buf, QV_DTOA_REPR_CAP, 0 };
	return repr_into(x, 0, &o);
}

/* ---- exact fixed-count digits ------------------------------------------- */

/* N = round_half_even(|x| * 10^P) as decimal digits (no leading zeros;
 * "0" for zero) into d; returns the digit count. |x| finite, nonzero.
 * P is clamped by the caller to at most the number of fractional
 * decimal digits |x| has, so the work stays bounded. */
static int exact_scaled(double x, int P, char *d)
{
	uint64_t f;
	int e;
	qv_dsplit(x < 0 ? -x : x, &f, &e);
	big num, den, q, rm;
	big_init(&num, f);
	big_init(&den, 1);
	if (e >= 0)
		big_shl(&num, e);
	else
		big_shl(&den, -e);
	if (P >= 0)
		big_mul_pow10(&num, P);
	else
		big_mul_pow10(&den, -P);
	q.z.d = q.d;
	rm.z.d = rm.d;
	qv_limb scratch[4 * BIG + 8];
	qv_mpz_divmod(&q.z, &rm.z, &num.z, &den.z, scratch);
	/* round half even: compare 2 * rem with den */
	qv_mpz_mul_small(&rm.z, 2, 0);
	int c = qv_mpz_cmp(&rm.z, &den.z);
	if (c > 0 || (c == 0 && q.z.n && (q.z.d[0] & 1)))
		qv_mpz_mul_small(&q.z, 1, 1);
	return (int)qv_mpz_format(&q.z, 10, 0, d, scratch);
}

/* Fractional decimal digits |x| has exactly: -e for f * 2^e, e < 0. */
static int frac_digits(double x)
{
	uint64_t f;
	int e;
	qv_dsplit(x, &f, &e);
	int tz = qv_ctz64(f);
	e += tz;
	return e < 0 ? -e : 0;
}

/* P clamped to frac_digits: past it every digit is zero and exact. */
static int clamp_p(double x, int P)
{
	int fd = frac_digits(x);
	return P > fd ? fd : P;
}

/* The `ndig` most significant digits of |x| (x finite, nonzero), correctly
 * rounded, into d (zeros past what was computed are the caller's: the
 * returned count may be smaller than ndig). *xp is the decimal exponent
 * of the first digit. */
static int exact_sig(double x, int ndig, char *d, int *xp)
{
	uint64_t f;
	int e;
	qv_dsplit(x < 0 ? -x : x, &f, &e);
	int bl = 64 - qv_clz64(f);
	int E = e + bl - 1;
	/* 10^(k-1) <= |x| < 10^k with k = kest or kest + 1, because
	 * log10|x| lies in [E log10(2), (E + 1) log10(2)). */
	double le = (double)E * 0.30102999566398120;
	int kest = (int)le;
	if ((double)kest > le)
		kest--;
	kest++;
	for (int k = kest; k <= kest + 1; k++) {
		int P = ndig - k;
		int Pc = clamp_p(x, P);
		int n = exact_scaled(x, Pc, d);
		int want = ndig - (P - Pc);
		if (n == want) {
			*xp = k - 1;
			return n;
		}
		if (n == want + 1 && Pc == P) {
			bool pow10 = d[0] == '1';
			for (int i = 1; i < n && pow10; i++)
				pow10 = d[i] == '0';
			if (pow10) {
				/* rounding carried into a new digit: 99.96 -> 100.0 */
				*xp = k;
				return n - 1;
			}
		}
	}
	/* unreachable for finite nonzero x: keep the last result honest */
	*xp = 0;
	return 0;
}

/* ---- format -------------------------------------------------------------- */

static bool all_zero(const char *d, int n)
{
	for (int i = 0; i < n; i++)
		if (d[i] != '0')
			return false;
	return true;
}

static void format_f(out *o, double ax, int prec, bool alt, bool *zero)
{
	char d[MAX_EXACT_DIGITS + 2];
	int n;
	int Pc = ax == 0.0 ? 0 : clamp_p(ax, prec);
	if (ax == 0.0) {
		d[0] = '0';
		n = 1;
	} else {
		n = exact_scaled(ax, Pc, d);
	}
	*zero = all_zero(d, n);
	/* value = d * 10^-Pc; decpt counts integer digits */
	int decpt = n - Pc;
	if (decpt <= 0) {
		put(o, '0');
	} else {
		for (int i = 0; i < decpt; i++)
			put(o, d[i]);
	}
	if (prec > 0 || alt)
		put(o, '.');
	for (int i = 0; i < prec; i++) {
		int idx = decpt + i;
		put(o, idx >= 0 && idx < n ? d[idx] : '0');
	}
}

/* e/E: ndig = prec + 1 significant digits. */
static void format_e(out *o, double ax, int prec, bool alt, char e, bool *zero)
{
	char d[MAX_EXACT_DIGITS + 2];
	int ndig = prec + 1, n, xp;
	if (ax == 0.0) {
		d[0] = '0';
		n = 1;
		xp = 0;
	} else {
		n = exact_sig(ax, ndig > 800 ? 800 : ndig, d, &xp);
	}
	*zero = all_zero(d, n);
	layout_sci(o, d, n, xp, prec, alt, e);
}

/* g/G and the no-type format with a precision. */
static void format_g(out *o, double ax, int prec, bool alt, bool add_dot0, char e, bool *zero)
{
	char d[MAX_EXACT_DIGITS + 2];
	int p = prec == 0 ? 1 : prec, n, xp;
	if (ax == 0.0) {
		d[0] = '0';
		n = 1;
		xp = 0;
	} else {
		n = exact_sig(ax, p > 800 ? 800 : p, d, &xp);
	}
	*zero = all_zero(d, n);
	if (!alt)
		while (n > 1 && d[n - 1] == '0')
			n--;
	int keep = alt ? p : n;
	bool sci = xp < -4 || xp >= p - (add_dot0 ? 1 : 0);
	if (sci)
		layout_sci(o, d, n, xp, keep - 1, alt, e);
	else
		layout_fixed(o, d, n, xp + 1, alt ? keep - (xp + 1) : (add_dot0 ? 1 : 0), alt);
}

size_t qv_format_double_cap(double x, char type, int precision)
{
	(void)x;
	size_t p = precision < 0 ? 17 : (size_t)precision;
	if (type == 'f' || type == 'F' || type == '%')
		return 330 + p;
	return 40 + p;
}

/* Drops the '-' that format_* wrote at `sign_at` (the 'z' option). */
static void drop_sign(out *o, size_t sign_at)
{
	for (size_t i = sign_at; i + 1 < o->len && i + 1 < o->cap; i++)
		o->buf[i] = o->buf[i + 1];
	o->len--;
}

size_t qv_format_double(double x, char type, int precision, unsigned flags, char *buf, size_t cap)
{
	out o = { buf, cap, 0 };
	bool alt = flags & QV_FMT_ALT;
	bool upper = type == 'E' || type == 'F' || type == 'G';
	if (type == '%')
		x *= 100.0; /* in floating point, as CPython does */
	if (type == '\0' && precision < 0)
		return repr_into(x, flags, &o);
	if (put_special(&o, x, upper)) {
		if (type == '%')
			put(&o, '%');
		return finish(&o);
	}
	bool neg = qv_dbits(x) >> 63;
	double ax = neg ? -x : x;
	size_t sign_at = o.len;
	if (neg)
		put(&o, '-');
	int prec = precision < 0 ? 6 : precision;
	bool zero = false;
	switch (type) {
	case 'e':
	case 'E':
		format_e(&o, ax, prec, alt, upper ? 'E' : 'e', &zero);
		break;
	case 'f':
	case 'F':
	case '%':
		format_f(&o, ax, prec, alt, &zero);
		if (type == '%')
			put(&o, '%');
		break;
	case 'g':
	case 'G':
		format_g(&o, ax, prec, alt, false, upper ? 'E' : 'e', &zero);
		break;
	default:
		format_g(&o, ax, prec, alt, true, 'e', &zero);
		break;
	}
	if (neg && zero && (flags & QV_FMT_NO_NEG_ZERO))
		drop_sign(&o, sign_at);
	return finish(&o);
}

/* ---- reading ---------------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i = 0;
	for (; i < n; i++)
		if (!w[i] || lower(s[i]) != w[i])
			return false;
	return w[i] == '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exact powers of ten that are doubles: Clinger's fast path. */
static const double exact_pow10[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
					1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
					1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* Correctly rounded D * 10^E for the nd ASCII digits D (no leading
 * zero, nd >= 1). */
static int decimal_to_double(const char *D, int nd, long E, double *out)
{
	while (nd > 1 && D[nd - 1] == '0') {
		nd--;
		E++;
	}
	if (nd + E > 310) {
		*out = __builtin_inf();
		return QV_FP_OK;
	}
	if (nd + E < -324) {
		*out = 0.0;
		return QV_FP_OK;
	}
	if (nd <= 15 && E >= -22 && E <= 22) {
		uint64_t v = 0;
		for (int i = 0; i < nd; i++)
			v = v * 10 + (uint64_t)(D[i] - '0');
		/* both operands exact: one IEEE operation rounds correctly */
		*out = E >= 0 ? (double)v * exact_pow10[E] : (double)v / exact_pow10[-E];
		return QV_FP_OK;
	}
	big num, den;
	num.z.d = num.d;
	qv_mpz_parse(&num.z, D, (size_t)nd, 10);
	if (E >= 0) {
		big_mul_pow10(&num, (int)E);
		if (qv_mpz_to_double(&num.z, out) != QV_MPZ_OK)
			*out = __builtin_inf();
		return QV_FP_OK;
	}
	big_init(&den, 1);
	big_mul_pow10(&den, (int)-E);
	qv_limb scratch[8 * (BIG + 4) + 16];
	if (qv_mpz_truediv(&num.z, &den.z, out, scratch) != QV_MPZ_OK)
		*out = __builtin_inf();
	return QV_FP_OK;
}

typedef struct {
	char digits[MAX_READ_DIGITS + 2];
	int nd;     /* significant digits kept */
	long exp10; /* value = digits * 10^exp10 */
	bool any;   /* at least one digit seen */
} decimal;

/* Reads digits with single underscores between them from s[*i..end);
 * `frac` digits lower the exponent. Returns false on a misplaced '_'. */
static bool read_digits(const char *s, size_t *i, size_t end, decimal *dec, bool frac)
{
	size_t start = *i;
	while (*i < end && (is_digit(s[*i]) || s[*i] == '_')) {
		char c = s[*i];
		if (c == '_') {
			if (*i == start || !is_digit(s[*i - 1]) || *i + 1 >= end ||
			    !is_digit(s[*i + 1]))
				return false;
			(*i)++;
			continue;
		}
		dec->any = true;
		if (dec->nd == 0 && c == '0') {
			if (frac)
				dec->exp10--;
		} else if (dec->nd < MAX_READ_DIGITS) {
			dec->digits[dec->nd++] = c;
			if (frac)
				dec->exp10--;
		} else {
			if (!frac)
				dec->exp10++;
			if (c != '0')
				dec->digits[MAX_READ_DIGITS] = '1';
		}
		(*i)++;
	}
	return true;
}

/* The decimal exponent after 'e': saturates far beyond any double. */
static bool read_exponent(const char *s, size_t *i, size_t end, long *x)
{
	bool neg = false;
	if (*i < end && (s[*i] == '+' || s[*i] == '-'))
		neg = s[(*i)++] == '-';
	size_t start = *i;
	long v = 0;
	while (*i < end && (is_digit(s[*i]) || s[*i] == '_')) {
		if (s[*i] == '_') {
			if (*i == start || !is_digit(s[*i - 1]) || *i + 1 >= end ||
			    !is_digit(s[*i + 1]))
				return false;
		} else if (v < 100000000) {
			v = v * 10 + (s[*i] - '0');
		}
		(*i)++;
	}
	if (*i == start)
		return false;
	*x = neg ? -v : v;
	return true;
}

int qv_strtod(const char *s, size_t n, double *out)
{
	size_t i = 0, end = n;
	while (i < end && is_space(s[i]))
		i++;
	while (end > i && is_space(s[end - 1]))
		end--;
	bool neg = false;
	if (i < end && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	const char *w = s + i;
	size_t wn = end - i;
	if (word_is(w, wn, "inf") || word_is(w, wn, "infinity")) {
		*out = neg ? -__builtin_inf() : __builtin_inf();
		return QV_FP_OK;
	}
	if (word_is(w, wn, "nan")) {
		*out = neg ? -__builtin_nan("") : __builtin_nan("");
		return QV_FP_OK;
	}
	decimal dec;
	dec.nd = 0;
	dec.exp10 = 0;
	dec.any = false;
	dec.digits[MAX_READ_DIGITS] = '\0';
	if (!read_digits(s, &i, end, &dec, false))
		return QV_FP_EVALUE;
	if (i < end && s[i] == '.') {
		i++;
		if (i < end && s[i] == '_')
			return QV_FP_EVALUE;
		if (!read_digits(s, &i, end, &dec, true))
			return QV_FP_EVALUE;
	}
	if (!dec.any)
		return QV_FP_EVALUE;
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		long x;
		if (!read_exponent(s, &i, end, &x))
			return QV_FP_EVALUE;
		dec.exp10 += x;
	}
	if (i != end)
		return QV_FP_EVALUE;
	double v = 0.0;
	if (dec.nd > 0) {
		int nd = dec.nd;
		long e10 = dec.exp10;
		if (dec.digits[MAX_READ_DIGITS] == '1') {
			/* sticky digit for everything dropped past 800 digits */
			nd++;
			e10--;
		}
		decimal_to_double(dec.digits, nd, e10, &v);
	}
	*out = neg ? -v : v;
	return QV_FP_OK;
}

/* ---- round ------------------------------------------------------------- */

int qv_double_round(double x, int ndigits, double *out)
{
	/* Past these bounds the answer is x itself or a signed zero
	 * (CPython's NDIGITS_MAX / NDIGITS_MIN). */
	if (ndigits > 323 || x == 0.0 || x != x || x - x != 0.0) {
		*out = x;
		return QV_FP_OK;
	}
	bool neg = qv_dbits(x) >> 63;
	if (ndigits < -308) {
		*out = neg ? -0.0 : 0.0;
		return QV_FP_OK;
	}
	double ax = neg ? -x : x;
	if (clamp_p(ax, ndigits) < ndigits) {
		*out = x; /* x has no digits past 10^-ndigits: already exact */
		return QV_FP_OK;
	}
	char d[MAX_EXACT_DIGITS + 2];
	int n = exact_scaled(ax, ndigits, d);
	double v;
	if (n == 1 && d[0] == '0')
		v = 0.0;
	else
		decimal_to_double(d, n, -(long)ndigits, &v);
	if (v - v != 0.0)
		return QV_FP_EOVERFLOW;
	*out = neg ? -v : v;
	return QV_FP_OK;
}

/* ---- hex ----------------------------------------------------------------- */

size_t qv_double_to_hex(double x, char *buf)
{
	out o = { buf, QV_DOUBLE_HEX_CAP, 0 };
	if (put_special(&o, x, false))
		return finish(&o);
	uint64_t u = qv_dbits(x);
	if (u >> 63)
		put(&o, '-');
	if (x == 0.0) {
		puts_(&o, "0x0.0p+0");
		return finish(&o);
	}
	int be = (int)((u >> 52) & 0x7ff);
	uint64_t frac = u & ((UINT64_C(1) << 52) - 1);
	puts_(&o, be ? "0x1." : "0x0.");
	for (int i = 12; i >= 0; i--)
		put(&o, "0123456789abcdef"[(frac >> (4 * i)) & 0xf]);
	int ex = be ? be - QV_DBL_EXP_BIAS : -1022;
	put(&o, 'p');
	put(&o, ex < 0 ? '-' : '+');
	char tmp[8];
	int n = 0;
	unsigned ue = (unsigned)(ex < 0 ? -ex : ex);
	do {
		tmp[n++] = (char)('0' + ue % 10);
		ue /= 10;
	} while (ue);
	while (n)
		put(&o, tmp[--n]);
	return finish(&o);
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Accumulates hex digits: the first 15 significant ones exactly (at
 * least 57 bits, enough for one correct rounding), the rest as sticky. */
typedef struct {
	uint64_t m;
	int kept;
	int64_t e2; /* value = m * 2^e2 (+ sticky) */
	bool sticky, any;
} hexacc;

static void hex_digits(const char *s, size_t *i, size_t end, hexacc *h, bool frac)
{
	for (; *i < end && hex_value(s[*i]) >= 0; (*i)++) {
		int v = hex_value(s[*i]);
		h->any = true;
		if (h->kept == 0 && v == 0) {
			if (frac)
				h->e2 -= 4;
		} else if (h->kept < 15) {
			h->m = (h->m << 4) | (uint64_t)v;
			h->kept++;
			if (frac)
				h->e2 -= 4;
		} else {
			if (!frac)
				h->e2 += 4;
			h->sticky |= v != 0;
		}
	}
}

int qv_double_from_hex(const char *s, size_t n, double *out)
{
	size_t i = 0, end = n;
	while (i < end && is_space(s[i]))
		i++;
	while (end > i && is_space(s[end - 1]))
		end--;
	bool neg = false;
	if (i < end && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (word_is(s + i, end - i, "inf") || word_is(s + i, end - i, "infinity")) {
		*out = neg ? -__builtin_inf() : __builtin_inf();
		return QV_FP_OK;
	}
	if (word_is(s + i, end - i, "nan")) {
		*out = __builtin_nan("");
		return QV_FP_OK;
	}
	if (end - i >= 2 && s[i] == '0' && lower(s[i + 1]) == 'x')
		i += 2;
	hexacc h = { 0, 0, 0, false, false };
	hex_digits(s, &i, end, &h, false);
	if (i < end && s[i] == '.') {
		i++;
		hex_digits(s, &i, end, &h, true);
	}
	if (!h.any)
		return QV_FP_EVALUE;
	if (i < end && lower(s[i]) == 'p') {
		i++;
		long x;
		size_t start = i;
		if (!read_exponent(s, &i, end, &x))
			return QV_FP_EVALUE;
		for (size_t j = start; j < i; j++)
			if (s[j] == '_')
				return QV_FP_EVALUE;
		h.e2 += x;
	}
	if (i != end)
		return QV_FP_EVALUE;
	bool ovf = false;
	double v = 0.0;
	if (h.m) {
		/* the kept digits carry at least 57 bits when sticky can be set */
		if (h.e2 > 2000)
			ovf = true;
		else if (h.e2 >= -2000)
			v = qv_make_double(h.m, h.e2, h.sticky, &ovf);
	}
	if (ovf)
		return QV_FP_EOVERFLOW;
	*out = neg ? -v : v;
	return QV_FP_OK;
}

/* ---- hash ------------------------------------------------------------------ */

int64_t qv_double_hash(double x)
{
	const uint64_t p = (UINT64_C(1) << 61) - 1;
	if (x != x)
		return 0;
	if (x - x != 0.0)
		return x > 0 ? 314159 : -314159;
	if (x == 0.0)
		return 0;
	uint64_t m;
	int e;
	qv_dsplit(x < 0 ? -x : x, &m, &e);
	/* 2^61 = 1 (mod p): multiplying by 2^e rotates the 61-bit residue */
	int r = e % 61;
	if (r < 0)
		r += 61;
	uint64_t h = m; /* m < 2^53 < p */
	if (r)
		h = ((h << r) & p) | (h >> (61 - r));
	int64_t v = x < 0 ? -(int64_t)h : (int64_t)h;
	return v == -1 ? -2 : v;
}
