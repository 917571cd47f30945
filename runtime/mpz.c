/* Arbitrary-precision integers: see mpz.h for the contract.
 *
 * Magnitudes are little-endian arrays of 32-bit limbs so that a limb
 * product fits in uint64_t on every target. Multiplication is schoolbook
 * below QV_MPZ_KARATSUBA_THRESHOLD limbs and Karatsuba above; division is
 * Knuth's algorithm D (TAOCP vol. 2, 4.3.1); base conversion is quadratic,
 * which is fine for the number sizes a sandbox handles.
 */
#include "mpz.h"
#include "num_bits.h"

#include <limits.h>

#define LIMB_MAX UINT32_MAX

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void limbs_copy(qv_limb *r, const qv_limb *a, size_t n)
{
	if (r == a)
		return;
	for (size_t i = 0; i < n; i++)
		r[i] = a[i];
}

static void limbs_zero(qv_limb *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r[i] = 0;
}

static size_t limbs_norm(const qv_limb *a, size_t n)
{
	while (n > 0 && a[n - 1] == 0)
		n--;
	return n;
}

static int limbs_cmp(const qv_limb *a, size_t an, const qv_limb *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	for (size_t i = an; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* r[0..an) = a + b for an >= bn; returns the carry out. r may alias a or b. */
static qv_limb limbs_add(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn)
{
	uint64_t c = 0;
	size_t i = 0;
	for (; i < bn; i++) {
		c += (uint64_t)a[i] + b[i];
		r[i] = (qv_limb)c;
		c >>= 32;
	}
	for (; i < an; i++) {
		c += a[i];
		r[i] = (qv_limb)c;
		c >>= 32;
	}
	return (qv_limb)c;
}

/* r[0..an) = a - b for an >= bn; returns the borrow out. r may alias. */
static qv_limb limbs_sub(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn)
{
	uint64_t br = 0;
	size_t i = 0;
	for (; i < bn; i++) {
		uint64_t t = (uint64_t)a[i] - b[i] - br;
		r[i] = (qv_limb)t;
		br = (t >> 32) & 1;
	}
	for (; i < an; i++) {
		uint64_t t = (uint64_t)a[i] - br;
		r[i] = (qv_limb)t;
		br = (t >> 32) & 1;
	}
	return (qv_limb)br;
}

/* r[0..n) += a[0..n) * m; returns the carry limb. */
static qv_limb limbs_addmul1(qv_limb *r, const qv_limb *a, size_t n, qv_limb m)
{
	uint64_t c = 0;
	for (size_t i = 0; i < n; i++) {
		c += (uint64_t)a[i] * m + r[i];
		r[i] = (qv_limb)c;
		c >>= 32;
	}
	return (qv_limb)c;
}

/* a[0..n) = a * m + add; returns the carry limb. */
static qv_limb limbs_mul1_add(qv_limb *a, size_t n, qv_limb m, qv_limb add)
{
	uint64_t c = add;
	for (size_t i = 0; i < n; i++) {
		c += (uint64_t)a[i] * m;
		a[i] = (qv_limb)c;
		c >>= 32;
	}
	return (qv_limb)c;
}

/* a[0..n) /= d; returns the remainder. */
static qv_limb limbs_div1(qv_limb *q, const qv_limb *a, size_t n, qv_limb d)
{
	uint64_t rem = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t cur = (rem << 32) | a[i];
		q[i] = (qv_limb)(cur / d);
		rem = cur % d;
	}
	return (qv_limb)rem;
}

static void mul_basecase(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn)
{
	limbs_zero(r, an + bn);
	for (size_t j = 0; j < bn; j++)
		r[an + j] = limbs_addmul1(r + j, a, an, b[j]);
}

/* r[0..n) += a[0..an); the carry ripples into r up to n. */
static void limbs_add_into(qv_limb *r, size_t n, const qv_limb *a, size_t an)
{
	qv_limb c = limbs_add(r, r, an, a, an);
	for (size_t i = an; c && i < n; i++) {
		r[i] += 1;
		c = r[i] == 0;
	}
}

static size_t kara_scratch(size_t n)
{
	/* Each level needs 4(h+1) limbs for the two sums and their product,
	 * with h = ceil(n/2); the levels shrink geometrically. */
	size_t s = 0;
	while (n >= QV_MPZ_KARATSUBA_THRESHOLD) {
		size_t h = (n + 1) / 2;
		s += 4 * (h + 1);
		n = h + 1;
	}
	return s + 8;
}

static void mul_limbs(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn,
		      qv_limb *scratch);

/* Balanced Karatsuba, an >= bn > ceil(an / 2). */
static void mul_karatsuba(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn,
			  qv_limb *scratch)
{
	size_t h = (an + 1) / 2;
	const qv_limb *a0 = a, *a1 = a + h, *b0 = b, *b1 = b + h;
	size_t a1n = an - h, b1n = bn - h;
	qv_limb *sa = scratch, *sb = sa + (h + 1), *t = sb + (h + 1);
	qv_limb *rest = t + 2 * (h + 1);

	sa[h] = limbs_add(sa, a0, h, a1, a1n);
	sb[h] = limbs_add(sb, b0, h, b1, b1n);
	mul_limbs(t, sa, h + 1, sb, h + 1, rest);
	mul_limbs(r, a0, h, b0, h, rest);
	mul_limbs(r + 2 * h, a1, a1n, b1, b1n, rest);
	/* t = (a0+a1)(b0+b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0 >= 0 */
	limbs_sub(t, t, 2 * (h + 1), r, 2 * h);
	limbs_sub(t, t, 2 * (h + 1), r + 2 * h, a1n + b1n);
	size_t tn = limbs_norm(t, 2 * (h + 1));
	limbs_add_into(r + h, an + bn - h, t, tn);
}

/* r[0..an+bn) = a * b; inputs need not be normalized; r must not alias. */
static void mul_limbs(qv_limb *r, const qv_limb *a, size_t an, const qv_limb *b, size_t bn,
		      qv_limb *scratch)
{
	if (an < bn) {
		const qv_limb *t = a;
		a = b;
		b = t;
		size_t tn = an;
		an = bn;
		bn = tn;
	}
	if (bn < QV_MPZ_KARATSUBA_THRESHOLD) {
		mul_basecase(r, a, an, b, bn);
		return;
	}
	if (2 * bn > an + 1) {
		mul_karatsuba(r, a, an, b, bn, scratch);
		return;
	}
	/* Unbalanced: multiply bn-sized slices of a and add them in place. */
	qv_limb *t = scratch, *rest = scratch + 2 * bn;
	limbs_zero(r, an + bn);
	for (size_t off = 0; off < an; off += bn) {
		size_t len = an - off < bn ? an - off : bn;
		mul_limbs(t, a + off, len, b, bn, rest);
		limbs_add_into(r + off, an + bn - off, t, len + bn);
	}
}

static size_t mul_limbs_scratch(size_t an, size_t bn)
{
	size_t lo = an < bn ? an : bn;
	if (lo < QV_MPZ_KARATSUBA_THRESHOLD)
		return 1;
	return 2 * lo + kara_scratch(max_sz(an, bn)) + kara_scratch(lo);
}

/* Knuth D. q[0..un-vn] = u / v, r[0..vn) = u % v, for vn >= 2, un >= vn,
 * v normalized (no high zero limb). work needs un + vn + 1 limbs. */
static void divmod_limbs(qv_limb *q, qv_limb *r, const qv_limb *u, size_t un, const qv_limb *v,
			 size_t vn, qv_limb *work)
{
	int s = __builtin_clz(v[vn - 1]);
	qv_limb *un_ = work, *vn_ = work + un + 1;
	for (size_t i = vn - 1; i > 0; i--)
		vn_[i] = s ? (v[i] << s) | (v[i - 1] >> (32 - s)) : v[i];
	vn_[0] = v[0] << s;
	un_[un] = s ? u[un - 1] >> (32 - s) : 0;
	for (size_t i = un - 1; i > 0; i--)
		un_[i] = s ? (u[i] << s) | (u[i - 1] >> (32 - s)) : u[i];
	un_[0] = u[0] << s;

	uint64_t vtop = vn_[vn - 1], vnext = vn_[vn - 2];
	for (size_t j = un - vn + 1; j-- > 0;) {
		uint64_t num = ((uint64_t)un_[j + vn] << 32) | un_[j + vn - 1];
		uint64_t qhat = num / vtop, rhat = num % vtop;
		while (qhat > LIMB_MAX || qhat * vnext > ((rhat << 32) | un_[j + vn - 2])) {
			qhat--;
			rhat += vtop;
			if (rhat > LIMB_MAX)
				break;
		}
		/* un_[j..j+vn] -= qhat * vn_ */
		uint64_t borrow = 0, carry = 0;
		for (size_t i = 0; i < vn; i++) {
			uint64_t p = qhat * vn_[i] + carry;
			carry = p >> 32;
			uint64_t t = (uint64_t)un_[i + j] - (qv_limb)p - borrow;
			un_[i + j] = (qv_limb)t;
			borrow = (t >> 32) & 1;
		}
		uint64_t t = (uint64_t)un_[j + vn] - carry - borrow;
		un_[j + vn] = (qv_limb)t;
		if ((t >> 32) & 1) {
			/* qhat was one too large: add v back once. */
			qhat--;
			qv_limb c = limbs_add(un_ + j, un_ + j, vn, vn_, vn);
			un_[j + vn] += c;
		}
		q[j] = (qv_limb)qhat;
	}
	for (size_t i = 0; i < vn; i++)
		r[i] = s ? (un_[i] >> s) | (un_[i + 1] << (32 - s)) : un_[i];
}

/* Truncating |a| / |b|: tq gets an - bn + 1 limbs, tr gets bn limbs. */
static void divmod_mag(qv_limb *tq, qv_limb *tr, const qv_limb *a, size_t an, const qv_limb *b,
		       size_t bn, qv_limb *work)
{
	if (an < bn) {
		limbs_copy(tr, a, an);
		limbs_zero(tr + an, bn - an);
		return;
	}
	if (bn == 1) {
		tr[0] = limbs_div1(tq, a, an, b[0]);
		return;
	}
	divmod_limbs(tq, tr, a, an, b, bn, work);
}

/* ---- construction and inspection ---------------------------------- */

qv_mpz qv_mpz_view(const qv_limb *d, size_t n, bool neg)
{
	qv_mpz a = { (qv_limb *)d, limbs_norm(d, n), neg };
	if (a.n == 0)
		a.neg = false;
	return a;
}

void qv_mpz_normalize(qv_mpz *a)
{
	a->n = limbs_norm(a->d, a->n);
	if (a->n == 0)
		a->neg = false;
}

void qv_mpz_copy(qv_mpz *r, const qv_mpz *a)
{
	limbs_copy(r->d, a->d, a->n);
	r->n = a->n;
	r->neg = a->neg;
}

void qv_mpz_from_u64(qv_mpz *r, uint64_t v)
{
	r->d[0] = (qv_limb)v;
	r->d[1] = (qv_limb)(v >> 32);
	r->n = 2;
	r->neg = false;
	qv_mpz_normalize(r);
}

void qv_mpz_from_i64(qv_mpz *r, int64_t v)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	qv_mpz_from_u64(r, m);
	r->neg = v < 0;
}

static bool mag_u64(const qv_mpz *a, uint64_t *m)
{
	if (a->n > 2)
		return false;
	*m = 0;
	if (a->n > 0)
		*m = a->d[0];
	if (a->n > 1)
		*m |= (uint64_t)a->d[1] << 32;
	return true;
}

bool qv_mpz_to_u64(const qv_mpz *a, uint64_t *out)
{
	uint64_t m;
	if (a->neg || !mag_u64(a, &m))
		return false;
	*out = m;
	return true;
}

bool qv_mpz_to_i64(const qv_mpz *a, int64_t *out)
{
	uint64_t m;
	if (!mag_u64(a, &m))
		return false;
	if (a->neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return false;
		*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)m;
	}
	return true;
}

int qv_mpz_cmp(const qv_mpz *a, const qv_mpz *b)
{
	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	int c = limbs_cmp(a->d, a->n, b->d, b->n);
	return a->neg ? -c : c;
}

int qv_mpz_cmp_i64(const qv_mpz *a, int64_t b)
{
	qv_limb bd[QV_MPZ_I64_CAP];
	qv_mpz bz = { bd, 0, false };
	qv_mpz_from_i64(&bz, b);
	return qv_mpz_cmp(a, &bz);
}

uint64_t qv_mpz_bit_length(const qv_mpz *a)
{
	if (a->n == 0)
		return 0;
	return (uint64_t)(a->n - 1) * 32 + (32 - (uint64_t)__builtin_clz(a->d[a->n - 1]));
}

/* ---- arithmetic ----------------------------------------------------- */

size_t qv_mpz_add_cap(const qv_mpz *a, const qv_mpz *b)
{
	return max_sz(a->n, b->n) + 1;
}

/* r = a + (bneg ? -|b| : |b|) with b's sign passed separately for sub. */
static void add_signed(qv_mpz *r, const qv_mpz *a, const qv_mpz *b, bool bneg)
{
	if (a->neg == bneg) {
		const qv_mpz *x = a->n >= b->n ? a : b, *y = a->n >= b->n ? b : a;
		r->d[x->n] = limbs_add(r->d, x->d, x->n, y->d, y->n);
		r->n = x->n + 1;
		r->neg = a->neg;
	} else if (limbs_cmp(a->d, a->n, b->d, b->n) >= 0) {
		limbs_sub(r->d, a->d, a->n, b->d, b->n);
		r->n = a->n;
		r->neg = a->neg;
	} else {
		limbs_sub(r->d, b->d, b->n, a->d, a->n);
		r->n = b->n;
		r->neg = bneg;
	}
	qv_mpz_normalize(r);
}

void qv_mpz_add(qv_mpz *r, const qv_mpz *a, const qv_mpz *b)
{
	add_signed(r, a, b, b->neg);
}

void qv_mpz_sub(qv_mpz *r, const qv_mpz *a, const qv_mpz *b)
{
	add_signed(r, a, b, b->n ? !b->neg : false);
}

void qv_mpz_mul_small(qv_mpz *a, qv_limb m, qv_limb add)
{
	qv_limb c = limbs_mul1_add(a->d, a->n, m, add);
	if (c)
		a->d[a->n++] = c;
	qv_mpz_normalize(a);
}

size_t qv_mpz_neg_cap(const qv_mpz *a)
{
	return a->n ? a->n : 1;
}

size_t qv_mpz_invert_cap(const qv_mpz *a)
{
	return a->n + 1;
}

void qv_mpz_neg(qv_mpz *r, const qv_mpz *a)
{
	qv_mpz_copy(r, a);
	r->neg = a->n ? !a->neg : false;
}

size_t qv_mpz_mul_cap(const qv_mpz *a, const qv_mpz *b)
{
	return a->n + b->n + 1;
}

size_t qv_mpz_mul_scratch(const qv_mpz *a, const qv_mpz *b)
{
	return mul_limbs_scratch(a->n, b->n);
}

void qv_mpz_mul(qv_mpz *r, const qv_mpz *a, const qv_mpz *b, qv_limb *scratch)
{
	if (a->n == 0 || b->n == 0) {
		r->n = 0;
		r->neg = false;
		return;
	}
	mul_limbs(r->d, a->d, a->n, b->d, b->n, scratch);
	r->n = a->n + b->n;
	r->neg = a->neg != b->neg;
	qv_mpz_normalize(r);
}

size_t qv_mpz_divmod_qcap(const qv_mpz *a, const qv_mpz *b)
{
	return a->n >= b->n ? a->n - b->n + 2 : 1;
}

size_t qv_mpz_divmod_mcap(const qv_mpz *a, const qv_mpz *b)
{
	(void)a;
	return b->n ? b->n : 1;
}

size_t qv_mpz_divmod_scratch(const qv_mpz *a, const qv_mpz *b)
{
	/* Knuth D work (un + vn + 1), a truncated quotient and remainder. */
	return 2 * a->n + 2 * b->n + 8;
}

int qv_mpz_divmod(qv_mpz *q, qv_mpz *m, const qv_mpz *a, const qv_mpz *b, qv_limb *scratch)
{
	if (b->n == 0)
		return QV_MPZ_EZERODIV;
	size_t an = a->n, bn = b->n;
	size_t qn = an >= bn ? an - bn + 1 : 0;
	qv_limb *tq = scratch, *tr = tq + qn + 1, *work = tr + bn;
	divmod_mag(tq, tr, a->d, an, b->d, bn, work);
	qn = limbs_norm(tq, qn);
	size_t rn = limbs_norm(tr, bn);
	bool differ = a->neg != b->neg;
	if (differ && rn > 0) {
		/* Floor: quotient magnitude grows by one, remainder is |b| - tr. */
		tq[qn] = 0;
		qn++;
		limbs_add_into(tq, qn, (const qv_limb[]){ 1 }, 1);
		qn = limbs_norm(tq, qn);
		limbs_sub(tr, b->d, bn, tr, rn);
		rn = limbs_norm(tr, bn);
	}
	if (q) {
		limbs_copy(q->d, tq, qn);
		q->n = qn;
		q->neg = differ && qn > 0;
	}
	if (m) {
		limbs_copy(m->d, tr, rn);
		m->n = rn;
		m->neg = b->neg && rn > 0;
	}
	return QV_MPZ_OK;
}

size_t qv_mpz_pow_cap(const qv_mpz *a, uint64_t e)
{
	uint64_t bits = qv_mpz_bit_length(a);
	if (bits <= 1 || e == 0)
		return 2;
	if (e > (uint64_t)(SIZE_MAX / 4) / bits)
		return SIZE_MAX;
	return (size_t)(bits * e / 32 + 2);
}

size_t qv_mpz_pow_scratch(const qv_mpz *a, uint64_t e)
{
	size_t cap = qv_mpz_pow_cap(a, e);
	if (cap == SIZE_MAX)
		return SIZE_MAX;
	return 2 * cap + mul_limbs_scratch(cap, cap);
}

void qv_mpz_pow(qv_mpz *r, const qv_mpz *a, uint64_t e, qv_limb *scratch)
{
	size_t cap = qv_mpz_pow_cap(a, e);
	qv_limb *x = scratch, *y = scratch + cap, *ms = scratch + 2 * cap;
	size_t xn = 1;
	x[0] = 1;
	int top = 63 - qv_clz64(e);
	for (int i = top; e && i >= 0; i--) {
		mul_limbs(y, x, xn, x, xn, ms);
		xn = limbs_norm(y, 2 * xn);
		limbs_copy(x, y, xn);
		if ((e >> i) & 1 && a->n) {
			mul_limbs(y, x, xn, a->d, a->n, ms);
			xn = limbs_norm(y, xn + a->n);
			limbs_copy(x, y, xn);
		}
	}
	if (a->n == 0 && e)
		xn = 0;
	limbs_copy(r->d, x, xn);
	r->n = xn;
	r->neg = a->neg && (e & 1) && xn;
}

/* ---- powmod ---------------------------------------------------------- */

size_t qv_mpz_powmod_cap(const qv_mpz *m)
{
	return m->n + 1;
}

size_t qv_mpz_powmod_scratch(const qv_mpz *a, const qv_mpz *e, const qv_mpz *m)
{
	(void)e;
	size_t mn = m->n + 2, big = max_sz(a->n, 2 * mn);
	/* Reduction of a, nine mn-sized temporaries for the inverse, the
	 * product and the division work. */
	return 5 * big + 30 * mn + mul_limbs_scratch(mn, mn) + 16;
}

/* x = x mod |m| (x >= 0), keeping the result in x's storage. */
static void mod_in_place(qv_mpz *x, const qv_mpz *mabs, qv_limb *work)
{
	qv_mpz rem = { work, 0, false };
	qv_mpz_divmod(NULL, &rem, x, mabs, work + mabs->n + 1);
	qv_mpz_copy(x, &rem);
}

/* Extended Euclid: *inv = a^-1 mod m for 0 <= a < m; false if none. */
static bool mod_inverse(qv_mpz *inv, const qv_mpz *a, const qv_mpz *m, qv_limb *w, size_t mn)
{
	qv_mpz r0 = { w, 0, false }, r1 = { w + mn, 0, false };
	qv_mpz s0 = { w + 2 * mn, 0, false }, s1 = { w + 3 * mn, 0, false };
	qv_mpz q = { w + 4 * mn, 0, false }, rr = { w + 5 * mn, 0, false };
	qv_mpz t = { w + 6 * mn, 0, false }, u = { w + 8 * mn, 0, false };
	qv_limb *rest = w + 10 * mn;
	qv_mpz_copy(&r0, m);
	qv_mpz_copy(&r1, a);
	qv_mpz_from_i64(&s0, 0);
	qv_mpz_from_i64(&s1, 1);
	while (r1.n) {
		qv_mpz_divmod(&q, &rr, &r0, &r1, rest);
		qv_mpz_copy(&r0, &r1);
		qv_mpz_copy(&r1, &rr);
		qv_mpz_mul(&t, &q, &s1, rest);
		qv_mpz_sub(&u, &s0, &t);
		qv_mpz_copy(&s0, &s1);
		/* |s| stays below m, so u fits in mn limbs. */
		qv_mpz_copy(&s1, &u);
	}
	if (!(r0.n == 1 && r0.d[0] == 1)) {
		if (m->n == 1 && m->d[0] == 1) {
			inv->n = 0;
			inv->neg = false;
			return true;
		}
		return false;
	}
	if (s0.neg) {
		qv_mpz_add(&u, &s0, m);
		qv_mpz_copy(inv, &u);
	} else {
		qv_mpz_copy(inv, &s0);
	}
	return true;
}

int qv_mpz_powmod(qv_mpz *r, const qv_mpz *a, const qv_mpz *e, const qv_mpz *m,
		  qv_limb *scratch)
{
	if (m->n == 0)
		return QV_MPZ_EVALUE;
	size_t mn = m->n + 2, big = max_sz(a->n, 2 * mn);
	qv_mpz mabs = { m->d, m->n, false };
	qv_mpz base = { scratch, 0, false }, acc = { scratch + big, 0, false };
	qv_mpz prod = { scratch + big + mn, 0, false };
	qv_limb *work = scratch + 2 * big + mn + 2 * mn;

	/* base = a mod |m| in [0, |m|) */
	qv_mpz rem = { acc.d, 0, false };
	qv_mpz_divmod(NULL, &rem, a, &mabs, work);
	/* floor division by |m| already leaves a remainder in [0, |m|) */
	qv_mpz_copy(&base, &rem);
	if (e->neg) {
		qv_mpz inv = { acc.d, 0, false };
		if (!mod_inverse(&inv, &base, &mabs, work, mn))
			return QV_MPZ_ENOTINV;
		qv_mpz_copy(&base, &inv);
	}
	qv_mpz_from_i64(&acc, 1);
	mod_in_place(&acc, &mabs, work);
	uint64_t ebits = qv_mpz_bit_length(e);
	for (uint64_t i = ebits; i-- > 0;) {
		qv_mpz_mul(&prod, &acc, &acc, work);
		mod_in_place(&prod, &mabs, work);
		qv_mpz_copy(&acc, &prod);
		if ((e->d[i / 32] >> (i % 32)) & 1) {
			qv_mpz_mul(&prod, &acc, &base, work);
			mod_in_place(&prod, &mabs, work);
			qv_mpz_copy(&acc, &prod);
		}
	}
	if (m->neg && acc.n) {
		qv_mpz_sub(&prod, &acc, &mabs);
		qv_mpz_copy(r, &prod);
	} else {
		qv_mpz_copy(r, &acc);
	}
	return QV_MPZ_OK;
}

/* ---- bitwise ---------------------------------------------------------- */

size_t qv_mpz_bitop_cap(const qv_mpz *a, const qv_mpz *b)
{
	return max_sz(a->n, b->n) + 1;
}

enum bitop { OP_AND, OP_OR, OP_XOR };

/* Limb i of a's infinite two's complement form; *carry starts at 1. */
static qv_limb twos_limb(const qv_mpz *a, size_t i, uint64_t *carry)
{
	qv_limb v = i < a->n ? a->d[i] : 0;
	if (!a->neg)
		return v;
	uint64_t t = (uint64_t)(qv_limb)~v + *carry;
	*carry = t >> 32;
	return (qv_limb)t;
}

static qv_limb apply_op(enum bitop op, qv_limb x, qv_limb y)
{
	switch (op) {
	case OP_AND:
		return x & y;
	case OP_OR:
		return x | y;
	default:
		return x ^ y;
	}
}

static void bitop(qv_mpz *r, const qv_mpz *a, const qv_mpz *b, enum bitop op)
{
	size_t n = max_sz(a->n, b->n) + 1;
	bool neg = apply_op(op, a->neg, b->neg) & 1;
	uint64_t ca = 1, cb = 1, cr = 1;
	for (size_t i = 0; i < n; i++) {
		qv_limb v = apply_op(op, twos_limb(a, i, &ca), twos_limb(b, i, &cb));
		if (neg) {
			uint64_t t = (uint64_t)(qv_limb)~v + cr;
			cr = t >> 32;
			v = (qv_limb)t;
		}
		r->d[i] = v;
	}
	r->n = n;
	r->neg = neg;
	qv_mpz_normalize(r);
}

void qv_mpz_and(qv_mpz *r, const qv_mpz *a, const qv_mpz *b)
{
	bitop(r, a, b, OP_AND);
}

void qv_mpz_or(qv_mpz *r, const qv_mpz *a, const qv_mpz *b)
{
	bitop(r, a, b, OP_OR);
}

void qv_mpz_xor(qv_mpz *r, const qv_mpz *a, const qv_mpz *b)
{
	bitop(r, a, b, OP_XOR);
}

void qv_mpz_invert(qv_mpz *r, const qv_mpz *a)
{
	/* ~a == -(a + 1): the magnitude steps up for a >= 0, down for a < 0. */
	size_t n = a->n, i = 0;
	limbs_copy(r->d, a->d, n);
	if (!a->neg) {
		while (i < n && r->d[i] == LIMB_MAX)
			r->d[i++] = 0;
		if (i == n)
			r->d[n++] = 1;
		else
			r->d[i]++;
	} else {
		while (r->d[i] == 0)
			r->d[i++] = LIMB_MAX;
		r->d[i]--;
	}
	r->n = n;
	r->neg = !a->neg;
	qv_mpz_normalize(r);
}

size_t qv_mpz_lshift_cap(const qv_mpz *a, uint64_t s)
{
	if (a->n == 0)
		return 1;
	if (s / 32 > SIZE_MAX / 4)
		return SIZE_MAX;
	return a->n + (size_t)(s / 32) + 1;
}

void qv_mpz_lshift(qv_mpz *r, const qv_mpz *a, uint64_t s)
{
	if (a->n == 0) {
		r->n = 0;
		r->neg = false;
		return;
	}
	size_t w = (size_t)(s / 32);
	unsigned b = (unsigned)(s % 32);
	r->d[a->n + w] = b ? a->d[a->n - 1] >> (32 - b) : 0;
	for (size_t i = a->n - 1; i > 0; i--)
		r->d[i + w] = b ? (a->d[i] << b) | (a->d[i - 1] >> (32 - b)) : a->d[i];
	r->d[w] = a->d[0] << b;
	limbs_zero(r->d, w);
	r->n = a->n + w + 1;
	r->neg = a->neg;
	qv_mpz_normalize(r);
}

size_t qv_mpz_rshift_cap(const qv_mpz *a, uint64_t s)
{
	(void)s;
	return a->n ? a->n : 1;
}

void qv_mpz_rshift(qv_mpz *r, const qv_mpz *a, uint64_t s)
{
	bool lost = false;
	if (s >= (uint64_t)a->n * 32) {
		r->n = 0;
		lost = a->n > 0;
	} else {
		size_t w = (size_t)(s / 32);
		unsigned b = (unsigned)(s % 32);
		for (size_t i = 0; i < w; i++)
			lost |= a->d[i] != 0;
		if (b)
			lost |= (a->d[w] & ((1u << b) - 1)) != 0;
		size_t n = a->n - w;
		for (size_t i = 0; i < n; i++) {
			qv_limb lo = a->d[i + w] >> b;
			qv_limb hi = (b && i + w + 1 < a->n) ? a->d[i + w + 1] << (32 - b) : 0;
			r->d[i] = lo | hi;
		}
		r->n = limbs_norm(r->d, n);
	}
	r->neg = a->neg;
	if (a->neg && lost) {
		/* floor for negatives: the magnitude rounds up. */
		size_t i = 0;
		while (i < r->n && r->d[i] == LIMB_MAX)
			r->d[i++] = 0;
		if (i == r->n)
			r->d[r->n++] = 1;
		else
			r->d[i]++;
	}
	qv_mpz_normalize(r);
}

/* ---- text ------------------------------------------------------------ */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static bool is_space(char c)
{
	/* int() strips ASCII whitespace only (not the 0x1c-0x1f separators) */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static unsigned bits_per_digit_ceil(int base)
{
	unsigned b = 1;
	while ((1 << b) < base)
		b++;
	return b;
}

size_t qv_mpz_parse_cap(size_t n, int base)
{
	unsigned bpd = bits_per_digit_ceil(base < 2 ? 36 : base);
	return n / 32 * bpd + bpd + 2;
}

static int prefix_base(char c)
{
	switch (c | 0x20) {
	case 'x':
		return 16;
	case 'o':
		return 8;
	case 'b':
		return 2;
	default:
		return 0;
	}
}

int qv_mpz_parse(qv_mpz *r, const char *s, size_t n, int base)
{
	if (base != 0 && (base < 2 || base > 36))
		return QV_MPZ_EVALUE;
	size_t i = 0, end = n;
	while (i < end && is_space(s[i]))
		i++;
	while (end > i && is_space(s[end - 1]))
		end--;
	bool neg = false;
	if (i < end && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	bool prefixed = false;
	if (end - i >= 2 && s[i] == '0') {
		int pb = prefix_base(s[i + 1]);
		if (pb && (base == 0 || base == pb)) {
			base = pb;
			prefixed = true;
			i += 2;
		}
	}
	bool leading_zero_rule = false;
	if (base == 0) {
		base = 10;
		leading_zero_rule = true;
	}
	/* An underscore may follow a prefix, otherwise only a digit. */
	bool prev_digit = prefixed;
	size_t ndigits = 0;
	bool nonzero_seen = false, bad_zero = false;
	qv_limb chunk_mul = 1, chunk = 0;
	r->n = 0;
	for (; i < end; i++) {
		char c = s[i];
		if (c == '_') {
			if (!prev_digit)
				return QV_MPZ_EVALUE;
			prev_digit = false;
			continue;
		}
		int v = digit_value(c);
		if (v >= base)
			return QV_MPZ_EVALUE;
		if (leading_zero_rule && ndigits > 0 && !nonzero_seen && v != 0)
			bad_zero = true;
		nonzero_seen |= v != 0;
		prev_digit = true;
		ndigits++;
		chunk = chunk * (qv_limb)base + (qv_limb)v;
		chunk_mul *= (qv_limb)base;
		if ((uint64_t)chunk_mul * (uint64_t)base > LIMB_MAX) {
			qv_limb c2 = limbs_mul1_add(r->d, r->n, chunk_mul, chunk);
			if (c2)
				r->d[r->n++] = c2;
			chunk = 0;
			chunk_mul = 1;
		}
	}
	if (ndigits == 0 || !prev_digit || bad_zero)
		return QV_MPZ_EVALUE;
	if (chunk_mul > 1) {
		qv_limb c2 = limbs_mul1_add(r->d, r->n, chunk_mul, chunk);
		if (c2)
			r->d[r->n++] = c2;
	}
	r->n = limbs_norm(r->d, r->n);
	r->neg = neg && r->n > 0;
	return QV_MPZ_OK;
}

size_t qv_mpz_format_cap(const qv_mpz *a, int base, unsigned flags)
{
	(void)flags;
	unsigned fl = 1;
	while ((2 << fl) <= base)
		fl++;
	return (size_t)(qv_mpz_bit_length(a) / fl) + 4;
}

size_t qv_mpz_format_scratch(const qv_mpz *a)
{
	return a->n + 1;
}

size_t qv_mpz_format(const qv_mpz *a, int base, unsigned flags, char *buf, qv_limb *scratch)
{
	const char *digits = (flags & QV_MPZ_FMT_UPPER) ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							: "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t len = 0;
	if (a->neg)
		buf[len++] = '-';
	if (flags & QV_MPZ_FMT_PREFIX) {
		char p = base == 16 ? 'x' : base == 8 ? 'o' : base == 2 ? 'b' : 0;
		if (p) {
			buf[len++] = '0';
			buf[len++] = (flags & QV_MPZ_FMT_UPPER) ? (char)(p - 32) : p;
		}
	}
	size_t start = len;
	/* Peel k digits at a time by dividing by base^k < 2^32. */
	qv_limb big = (qv_limb)base;
	int k = 1;
	while ((uint64_t)big * (uint64_t)base <= LIMB_MAX) {
		big *= (qv_limb)base;
		k++;
	}
	size_t n = a->n;
	limbs_copy(scratch, a->d, n);
	while (n > 0) {
		qv_limb rem = limbs_div1(scratch, scratch, n, big);
		n = limbs_norm(scratch, n);
		for (int j = 0; j < k && (n > 0 || rem); j++) {
			buf[len++] = digits[rem % (qv_limb)base];
			rem /= (qv_limb)base;
		}
	}
	if (len == start)
		buf[len++] = '0';
	for (size_t x = start, y = len - 1; x < y; x++, y--) {
		char t = buf[x];
		buf[x] = buf[y];
		buf[y] = t;
	}
	return len;
}

/* ---- floats ----------------------------------------------------------- */

/* The top 64 bits of |a| (a != 0), whether any lower bit is set, and the
 * exponent of their least significant bit. */
static uint64_t top_bits(const qv_mpz *a, int64_t *e2, bool *sticky)
{
	uint64_t bits = qv_mpz_bit_length(a);
	*sticky = false;
	if (bits <= 64) {
		uint64_t m = 0;
		mag_u64(a, &m);
		*e2 = 0;
		return m;
	}
	uint64_t drop = bits - 64;
	size_t w = (size_t)(drop / 32);
	unsigned b = (unsigned)(drop % 32);
	uint64_t m = 0;
	for (int j = 2; j >= 0; j--) {
		size_t idx = w + (size_t)j;
		uint64_t limb = idx < a->n ? a->d[idx] : 0;
		if (j == 2)
			m = b ? limb << (64 - b) : 0;
		else if (j == 1)
			m |= b ? limb << (32 - b) : limb << 32;
		else
			m |= limb >> b;
	}
	for (size_t i = 0; i < w && !*sticky; i++)
		*sticky = a->d[i] != 0;
	if (b && (a->d[w] & ((1u << b) - 1)))
		*sticky = true;
	*e2 = (int64_t)drop;
	return m;
}

int qv_mpz_to_double(const qv_mpz *a, double *out)
{
	if (a->n == 0) {
		*out = 0.0;
		return QV_MPZ_OK;
	}
	if (qv_mpz_bit_length(a) > 1025)
		return QV_MPZ_EOVERFLOW;
	int64_t e2;
	bool sticky, ovf;
	uint64_t m = top_bits(a, &e2, &sticky);
	double d = qv_make_double(m, e2, sticky, &ovf);
	if (ovf)
		return QV_MPZ_EOVERFLOW;
	*out = a->neg ? -d : d;
	return QV_MPZ_OK;
}

size_t qv_mpz_from_double_cap(double x)
{
	(void)x;
	return 33;
}

int qv_mpz_from_double(qv_mpz *r, double x)
{
	if (x != x)
		return QV_MPZ_EVALUE;
	if (x - x != 0.0)
		return QV_MPZ_EOVERFLOW;
	r->n = 0;
	r->neg = false;
	if (x == 0.0)
		return QV_MPZ_OK;
	uint64_t m;
	int e;
	qv_dsplit(x, &m, &e);
	if (e < 0) {
		m = e <= -64 ? 0 : m >> -e;
		e = 0;
	}
	qv_limb md[QV_MPZ_I64_CAP];
	qv_mpz mz = { md, 0, false };
	qv_mpz_from_u64(&mz, m);
	qv_mpz_lshift(r, &mz, (uint64_t)e);
	r->neg = x < 0 && r->n > 0;
	return QV_MPZ_OK;
}

size_t qv_mpz_truediv_scratch(const qv_mpz *a, const qv_mpz *b)
{
	size_t n = max_sz(a->n, b->n) + 4;
	return 8 * n + 16;
}

int qv_mpz_truediv(const qv_mpz *a, const qv_mpz *b, double *out, qv_limb *scratch)
{
	if (b->n == 0)
		return QV_MPZ_EZERODIV;
	bool neg = a->neg != b->neg;
	uint64_t ua, ub;
	if (mag_u64(a, &ua) && mag_u64(b, &ub) && ua <= (UINT64_C(1) << 53) &&
	    ub <= (UINT64_C(1) << 53)) {
		/* Both exact as doubles: one IEEE division rounds correctly. */
		double d = (double)ua / (double)ub;
		*out = neg ? -d : d;
		return QV_MPZ_OK;
	}
	int64_t la = (int64_t)qv_mpz_bit_length(a), lb = (int64_t)qv_mpz_bit_length(b);
	if (la == 0) {
		*out = neg ? -0.0 : 0.0;
		return QV_MPZ_OK;
	}
	if (la - lb > 1025)
		return QV_MPZ_EOVERFLOW;
	if (la - lb < -1080) {
		*out = neg ? -0.0 : 0.0;
		return QV_MPZ_OK;
	}
	/* Scale so the quotient has 63 or 64 bits, then round once. */
	int64_t s = 63 - (la - lb);
	size_t n = max_sz(a->n, b->n) + 4;
	qv_mpz num = { scratch, 0, false }, den = { scratch + n, 0, false };
	qv_mpz q = { scratch + 2 * n, 0, false }, rm = { scratch + 3 * n, 0, false };
	qv_mpz aa = { a->d, a->n, false }, bb = { b->d, b->n, false };
	if (s >= 0) {
		qv_mpz_lshift(&num, &aa, (uint64_t)s);
		qv_mpz_copy(&den, &bb);
	} else {
		qv_mpz_copy(&num, &aa);
		qv_mpz_lshift(&den, &bb, (uint64_t)-s);
	}
	qv_mpz_divmod(&q, &rm, &num, &den, scratch + 4 * n);
	uint64_t m = 0;
	mag_u64(&q, &m);
	bool ovf;
	double d = qv_make_double(m, -s, rm.n != 0, &ovf);
	if (ovf)
		return QV_MPZ_EOVERFLOW;
	*out = neg ? -d : d;
	return QV_MPZ_OK;
}

int qv_mpz_cmp_double(const qv_mpz *a, double x)
{
	if (x != x)
		return QV_MPZ_UNORDERED;
	if (x - x != 0.0)
		return x > 0 ? -1 : 1;
	/* compare with trunc(x) exactly; a fractional part breaks a tie */
	qv_limb td[33];
	qv_mpz t = { td, 0, false };
	qv_mpz_from_double(&t, x);
	int c = qv_mpz_cmp(a, &t);
	if (c != 0)
		return c;
	uint64_t m;
	int e;
	if (x == 0.0)
		return 0;
	qv_dsplit(x < 0 ? -x : x, &m, &e);
	bool frac = e < 0 && (e <= -64 || (m & ((UINT64_C(1) << -e) - 1)) != 0);
	if (!frac)
		return 0;
	return x > 0 ? -1 : 1;
}

/* ---- bytes and hash ------------------------------------------------- */

/* Byte i (little-endian) of a's two's complement form. */
static uint8_t twos_byte(const qv_mpz *a, size_t i, uint64_t *carry, qv_limb *limb)
{
	if (i % 4 == 0)
		*limb = twos_limb(a, i / 4, carry);
	return (uint8_t)(*limb >> (8 * (i % 4)));
}

int qv_mpz_to_bytes(const qv_mpz *a, uint8_t *buf, size_t len, bool little, bool is_signed)
{
	if (a->neg && !is_signed)
		return QV_MPZ_ENEGUNSIGNED;
	uint64_t bits = qv_mpz_bit_length(a);
	uint64_t avail = (uint64_t)len * 8;
	if (is_signed && a->neg && a->n == 1 && a->d[0] == 1) {
		/* -1 is all sign bits: it fits anywhere, even in zero bytes (as
		 * CPython allows). */
	} else if (is_signed) {
		/* -2^(k-1) fits in k bits; other values need bit_length + 1. */
		bool pow2 = a->neg && bits > 0;
		for (size_t i = 0; pow2 && i < a->n; i++) {
			qv_limb v = a->d[i];
			pow2 = (i + 1 < a->n) ? v == 0 : (v & (v - 1)) == 0;
		}
		uint64_t need = bits == 0 ? 0 : (pow2 ? bits : bits + 1);
		if (need > avail)
			return QV_MPZ_EOVERFLOW;
	} else if (bits > avail) {
		return QV_MPZ_EOVERFLOW;
	}
	uint64_t carry = 1;
	qv_limb limb = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t v = twos_byte(a, i, &carry, &limb);
		buf[little ? i : len - 1 - i] = v;
	}
	return QV_MPZ_OK;
}

size_t qv_mpz_from_bytes_cap(size_t len)
{
	return len / 4 + 2;
}

void qv_mpz_from_bytes(qv_mpz *r, const uint8_t *buf, size_t len, bool little, bool is_signed)
{
	size_t n = len / 4 + 1;
	limbs_zero(r->d, n);
	bool neg = is_signed && len > 0 && (buf[little ? len - 1 : 0] & 0x80);
	/* A negative value's magnitude is its two's complement negation over
	 * exactly len bytes: ~byte + carry, from the least significant byte. */
	unsigned carry = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned v = buf[little ? i : len - 1 - i];
		if (neg) {
			v = (~v & 0xffu) + carry;
			carry = v >> 8;
			v &= 0xffu;
		}
		r->d[i / 4] |= (qv_limb)v << (8 * (i % 4));
	}
	r->n = n;
	r->neg = neg;
	qv_mpz_normalize(r);
}

int64_t qv_mpz_hash(const qv_mpz *a)
{
	const uint64_t p = QV_HASH_MODULUS;
	uint64_t h = 0;
	for (size_t i = a->n; i-- > 0;) {
		/* h * 2^32 mod (2^61 - 1) is a 61-bit rotation. */
		h = ((h << 32) & p) | (h >> 29);
		h += a->d[i];
		if (h >= p)
			h -= p;
	}
	int64_t v = a->neg ? -(int64_t)h : (int64_t)h;
	return v == -1 ? -2 : v;
}
