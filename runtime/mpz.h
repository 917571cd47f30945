/* Arbitrary-precision integers for the Python runtime.
 *
 * Freestanding, allocation-free and without global state: every function
 * writes its result into storage the caller owns. A result's `d` must point
 * to at least `*_cap()` limbs; functions that need working memory take a
 * `scratch` array of at least `*_scratch()` limbs. Unless a function says
 * otherwise, result limbs and scratch must not overlap any input.
 *
 * Semantics follow Python's `int`: floor division, remainders with the
 * divisor's sign, bitwise operations on the infinite two's complement
 * representation, `pow(a, b, m)` including negative moduli and negative
 * exponents (modular inverse), `int(str, base)` parsing, `hash()`.
 *
 * Compile with -fno-math-errno (see docs/numerics.md).
 */
#ifndef QV_MPZ_H
#define QV_MPZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t qv_limb;
#define QV_LIMB_BITS 32

/* |value| in n little-endian limbs, no high zero limb; n == 0 is zero
 * (and then neg is false). */
typedef struct {
	qv_limb *d;
	size_t n;
	bool neg;
} qv_mpz;

/* Error codes; each maps to the Python exception named beside it. */
enum {
	QV_MPZ_OK = 0,
	QV_MPZ_EZERODIV = -1,  /* ZeroDivisionError */
	QV_MPZ_EVALUE = -2,    /* ValueError: bad literal, bad argument */
	QV_MPZ_EOVERFLOW = -3, /* OverflowError: result does not fit */
	QV_MPZ_ENOTINV = -4,   /* ValueError: base is not invertible for the given modulus */
	QV_MPZ_ENEGUNSIGNED = -5, /* OverflowError: can't convert negative int to unsigned */
};

/* Operand sizes above which multiplication switches to Karatsuba. */
#define QV_MPZ_KARATSUBA_THRESHOLD 32

/* ---- construction and inspection ---------------------------------- */

/* A view of constant limbs; strips high zero limbs. */
qv_mpz qv_mpz_view(const qv_limb *d, size_t n, bool neg);
/* Removes high zero limbs and clears the sign of zero. */
void qv_mpz_normalize(qv_mpz *a);
/* r = a; r->d needs a->n limbs (the value's own size). r->d may equal a->d. */
void qv_mpz_copy(qv_mpz *r, const qv_mpz *a);

#define QV_MPZ_I64_CAP 2
void qv_mpz_from_i64(qv_mpz *r, int64_t v);
void qv_mpz_from_u64(qv_mpz *r, uint64_t v);
/* Returns false (and leaves *out alone) when a does not fit. */
bool qv_mpz_to_i64(const qv_mpz *a, int64_t *out);
bool qv_mpz_to_u64(const qv_mpz *a, uint64_t *out);

/* -1, 0 or 1 as a <, ==, > b. */
int qv_mpz_cmp(const qv_mpz *a, const qv_mpz *b);
int qv_mpz_cmp_i64(const qv_mpz *a, int64_t b);
/* Number of bits of |a| (0 for zero), as int.bit_length(). */
uint64_t qv_mpz_bit_length(const qv_mpz *a);

/* ---- arithmetic ----------------------------------------------------- */

/* add and sub allow r->d to be exactly a->d or b->d (in-place update). */
size_t qv_mpz_add_cap(const qv_mpz *a, const qv_mpz *b); /* also for sub */
void qv_mpz_add(qv_mpz *r, const qv_mpz *a, const qv_mpz *b);
void qv_mpz_sub(qv_mpz *r, const qv_mpz *a, const qv_mpz *b);
/* In place: |a| = |a| * m + add; a->d needs a->n + 1 limbs. a's sign is
 * kept (a zero a becomes add, non-negative). */
void qv_mpz_mul_small(qv_mpz *a, qv_limb m, qv_limb add);
/* r = -a; r->d may equal a->d; needs qv_mpz_neg_cap(a) = a->n limbs. */
size_t qv_mpz_neg_cap(const qv_mpz *a);
void qv_mpz_neg(qv_mpz *r, const qv_mpz *a);

size_t qv_mpz_mul_cap(const qv_mpz *a, const qv_mpz *b);
size_t qv_mpz_mul_scratch(const qv_mpz *a, const qv_mpz *b);
void qv_mpz_mul(qv_mpz *r, const qv_mpz *a, const qv_mpz *b, qv_limb *scratch);

/* Floor division: q = a // b, m = a % b (m has b's sign).
 * q or m may be NULL. Returns QV_MPZ_EZERODIV when b is zero. */
size_t qv_mpz_divmod_qcap(const qv_mpz *a, const qv_mpz *b);
size_t qv_mpz_divmod_mcap(const qv_mpz *a, const qv_mpz *b);
size_t qv_mpz_divmod_scratch(const qv_mpz *a, const qv_mpz *b);
int qv_mpz_divmod(qv_mpz *q, qv_mpz *m, const qv_mpz *a, const qv_mpz *b,
		  qv_limb *scratch);

/* r = a ** e. The cap is SIZE_MAX when the result cannot be represented
 * in a size_t count of limbs (the caller raises MemoryError/OverflowError). */
size_t qv_mpz_pow_cap(const qv_mpz *a, uint64_t e);
size_t qv_mpz_pow_scratch(const qv_mpz *a, uint64_t e);
void qv_mpz_pow(qv_mpz *r, const qv_mpz *a, uint64_t e, qv_limb *scratch);

/* r = pow(a, e, m) with Python semantics: the result has m's sign (or is
 * zero); a negative e means the modular inverse of a raised to -e.
 * Errors: QV_MPZ_EVALUE when m is zero ("pow() 3rd argument cannot be 0"),
 * QV_MPZ_ENOTINV when e < 0 and gcd(a, m) != 1. */
size_t qv_mpz_powmod_cap(const qv_mpz *m);
size_t qv_mpz_powmod_scratch(const qv_mpz *a, const qv_mpz *e, const qv_mpz *m);
int qv_mpz_powmod(qv_mpz *r, const qv_mpz *a, const qv_mpz *e, const qv_mpz *m,
		  qv_limb *scratch);

/* ---- bitwise, infinite two's complement ----------------------------- */

size_t qv_mpz_bitop_cap(const qv_mpz *a, const qv_mpz *b);
void qv_mpz_and(qv_mpz *r, const qv_mpz *a, const qv_mpz *b);
void qv_mpz_or(qv_mpz *r, const qv_mpz *a, const qv_mpz *b);
void qv_mpz_xor(qv_mpz *r, const qv_mpz *a, const qv_mpz *b);
/* r = ~a = -a - 1; needs qv_mpz_invert_cap(a) = a->n + 1 limbs. */
size_t qv_mpz_invert_cap(const qv_mpz *a);
void qv_mpz_invert(qv_mpz *r, const qv_mpz *a);

/* r = a << s (s >= 0; the caller rejects negative counts with
 * ValueError "negative shift count"). SIZE_MAX cap: too large. */
size_t qv_mpz_lshift_cap(const qv_mpz *a, uint64_t s);
void qv_mpz_lshift(qv_mpz *r, const qv_mpz *a, uint64_t s);
/* r = a >> s, rounding toward -inf like Python; needs a->n limbs (1 if a
 * is zero). */
size_t qv_mpz_rshift_cap(const qv_mpz *a, uint64_t s);
void qv_mpz_rshift(qv_mpz *r, const qv_mpz *a, uint64_t s);

/* ---- text ------------------------------------------------------------ */

/* int(s, base) for the n bytes at s: optional surrounding whitespace, a
 * sign, an optional 0x/0o/0b prefix matching base (or choosing it when base
 * is 0, where a nonzero decimal literal must not start with 0), single
 * underscores between digits (and after a prefix). base is 0 or 2..36.
 * Returns QV_MPZ_EVALUE for text that is not a valid literal and leaves r
 * unspecified (its storage is the caller's; nothing else is touched). */
size_t qv_mpz_parse_cap(size_t n, int base);
int qv_mpz_parse(qv_mpz *r, const char *s, size_t n, int base);

enum {
	QV_MPZ_FMT_PREFIX = 1, /* 0b / 0o / 0x for bases 2, 8, 16 */
	QV_MPZ_FMT_UPPER = 2,  /* digits (and prefix letter) in upper case */
};
/* Characters needed (upper bound, including '-', prefix, no NUL). */
size_t qv_mpz_format_cap(const qv_mpz *a, int base, unsigned flags);
size_t qv_mpz_format_scratch(const qv_mpz *a);
/* Writes the digits of a in base 2..36 to buf, returns the length (no NUL). */
size_t qv_mpz_format(const qv_mpz *a, int base, unsigned flags, char *buf,
		     qv_limb *scratch);

/* ---- floats ----------------------------------------------------------- */

/* float(a), correctly rounded (half-even); QV_MPZ_EOVERFLOW when too big
 * ("int too large to convert to float"). */
int qv_mpz_to_double(const qv_mpz *a, double *out);
/* int(x) truncating toward zero. QV_MPZ_EOVERFLOW for infinities ("cannot
 * convert float infinity to integer"), QV_MPZ_EVALUE for NaN. The cap is
 * at most 33 limbs for any finite double. */
size_t qv_mpz_from_double_cap(double x);
int qv_mpz_from_double(qv_mpz *r, double x);
/* a / b correctly rounded like CPython's int.__truediv__. Errors:
 * QV_MPZ_EZERODIV, QV_MPZ_EOVERFLOW ("integer division result too large
 * for a float"). */
size_t qv_mpz_truediv_scratch(const qv_mpz *a, const qv_mpz *b);
int qv_mpz_truediv(const qv_mpz *a, const qv_mpz *b, double *out, qv_limb *scratch);

/* Exact comparison of an int with a double, as Python's int/float
 * comparisons: -1, 0 or 1 as a <, ==, > x; QV_MPZ_UNORDERED when x is a
 * NaN (every comparison is then False except !=). */
#define QV_MPZ_UNORDERED 2
int qv_mpz_cmp_double(const qv_mpz *a, double x);

/* ---- bytes and hash ------------------------------------------------- */

/* int.to_bytes(len, order, signed=is_signed). QV_MPZ_EOVERFLOW: "int too
 * big to convert"; QV_MPZ_ENEGUNSIGNED: negative without is_signed. */
int qv_mpz_to_bytes(const qv_mpz *a, uint8_t *buf, size_t len, bool little,
		    bool is_signed);
size_t qv_mpz_from_bytes_cap(size_t len);
void qv_mpz_from_bytes(qv_mpz *r, const uint8_t *buf, size_t len, bool little,
		       bool is_signed);

/* hash(a) as CPython computes it on 64-bit builds: sign * (|a| mod
 * (2^61 - 1)), with -1 mapped to -2. */
#define QV_HASH_MODULUS (((uint64_t)1 << 61) - 1)
int64_t qv_mpz_hash(const qv_mpz *a);

#endif
