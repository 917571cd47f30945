/* Internal helpers shared by mpz.c, fpconv.c and qvmath.c: the bits of a
 * double, and building a correctly rounded double from an integer and a
 * binary exponent. Not part of the runtime's API. */
#ifndef QV_NUM_BITS_H
#define QV_NUM_BITS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__NO_MATH_ERRNO__)
#error "numeric files must be compiled with -fno-math-errno (see docs/numerics.md)"
#endif

#define QV_DBL_MANT_BITS 52
#define QV_DBL_EXP_BIAS 1023
#define QV_DBL_MIN_LSB (-1074) /* exponent of the least subnormal */

static inline uint64_t qv_dbits(double x)
{
	uint64_t u;
	__builtin_memcpy(&u, &x, sizeof u);
	return u;
}

static inline double qv_bitsd(uint64_t u)
{
	double x;
	__builtin_memcpy(&x, &u, sizeof x);
	return x;
}

static inline int qv_clz64(uint64_t v)
{
	return v ? __builtin_clzll(v) : 64;
}

static inline int qv_ctz64(uint64_t v)
{
	return v ? __builtin_ctzll(v) : 64;
}

/* Splits a finite nonzero |x| into m * 2^e, m an integer of 53 bits
 * (fewer for subnormals, whose e is always -1074). */
static inline void qv_dsplit(double x, uint64_t *m, int *e)
{
	uint64_t u = qv_dbits(x);
	int be = (int)((u >> 52) & 0x7ff);
	uint64_t f = u & ((UINT64_C(1) << 52) - 1);
	if (be == 0) {
		*m = f;
		*e = QV_DBL_MIN_LSB;
	} else {
		*m = f | (UINT64_C(1) << 52);
		*e = be - QV_DBL_EXP_BIAS - 52;
	}
}

/* The double nearest to (m + f) * 2^e2, ties to even, where f is a
 * fraction in [0, 1) that is nonzero exactly when `sticky`. With sticky
 * set, the rounding position must fall inside m (at least one bit of m is
 * dropped): 55 significant bits guarantee it for normal results. Sets
 * *overflow (and returns inf) when the rounded value reaches 2^1024.
 * Positive result; the caller sets the sign. */
static inline double qv_make_double(uint64_t m, int64_t e2, bool sticky, bool *overflow)
{
	*overflow = false;
	if (m == 0)
		return 0.0;
	int bl = 64 - qv_clz64(m);
	int64_t top = e2 + bl - 1;
	int64_t t = top - 52;
	if (t < QV_DBL_MIN_LSB)
		t = QV_DBL_MIN_LSB;
	int64_t shift = t - e2;
	uint64_t mant;
	if (shift <= 0) {
		mant = m << -shift;
	} else {
		bool half, rest;
		if (shift > 64) {
			mant = 0;
			half = false;
			rest = true;
		} else if (shift == 64) {
			mant = 0;
			half = (m >> 63) & 1;
			rest = (m & ~(UINT64_C(1) << 63)) || sticky;
		} else {
			mant = m >> shift;
			half = (m >> (shift - 1)) & 1;
			rest = (m & ((UINT64_C(1) << (shift - 1)) - 1)) || sticky;
		}
		if (half && (rest || (mant & 1)))
			mant++;
		if (mant == (UINT64_C(1) << 53)) {
			mant >>= 1;
			t++;
		}
	}
	if (mant == 0)
		return 0.0;
	if (t + 52 > 1023) {
		*overflow = true;
		return __builtin_inf();
	}
	if (mant >> 52)
		return qv_bitsd(((uint64_t)(t + 52 + QV_DBL_EXP_BIAS) << 52) |
				(mant & ((UINT64_C(1) << 52) - 1)));
	return qv_bitsd(mant);
}

#endif
