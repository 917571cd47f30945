/* Correctly rounded conversions between doubles and text, as CPython does
 * them: repr, format(x, spec) cores, float(str), round(x, n), float.hex and
 * float.fromhex.
 *
 * Freestanding, no global state, no allocation: the exact arithmetic runs
 * on fixed-size bignums on the stack (at most about 8 KiB deep).
 * Compile with -fno-math-errno (see docs/numerics.md).
 */
#ifndef QV_FPCONV_H
#define QV_FPCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	QV_FP_OK = 0,
	QV_FP_EVALUE = -1,    /* ValueError: not a valid literal */
	QV_FP_EOVERFLOW = -2, /* OverflowError */
};

/* repr(x) / str(x): shortest digits that round-trip, scientific when the
 * decimal exponent is < -4 or >= 16 ("1e+16", "1.5e-05"), otherwise fixed
 * with at least one fractional digit ("1.0"); "inf", "-inf", "nan",
 * "-0.0". buf needs QV_DTOA_REPR_CAP bytes; writes a NUL; returns the
 * length without it. */
#define QV_DTOA_REPR_CAP 32
size_t qv_dtoa_repr(double x, char *buf);

/* Flags of qv_format_double. */
enum {
	QV_FMT_ALT = 1,        /* '#': keep the point and trailing zeros */
	QV_FMT_NO_NEG_ZERO = 2, /* 'z': a result that rounds to zero loses its '-' */
};

/* The core of format(x, spec) for type in "eEfFgG%" or '\0' (no type).
 * Python's 'n' without a locale is 'g'; the caller maps it.
 * precision < 0 means "not given" (6 for e/f/g/%; repr-like for '\0').
 *
 * Returns the text of the number only: a leading '-' when x has its sign bit
 * set (including -0.0; a NaN never gets one), then the
 * digits, point, exponent and '%' - no '+'/' ' sign, padding, alignment or
 * grouping (those are the caller's). "inf"/"nan" are upper-cased for E,
 * F, G. The return value is the full length; the text (with a NUL when it
 * fits) is written only when that length < cap, like snprintf, so a
 * caller can size with qv_format_double_cap() or retry. */
size_t qv_format_double_cap(double x, char type, int precision);
size_t qv_format_double(double x, char type, int precision, unsigned flags,
			char *buf, size_t cap);

/* float(s) for the n bytes at s: surrounding whitespace, sign, digits with
 * single underscores between them, optional fraction and exponent, or
 * inf/infinity/nan in any case. Correctly rounded (half-even); huge
 * values give +-inf, tiny ones +-0.0 (no error, like CPython).
 * QV_FP_EVALUE: "could not convert string to float". */
int qv_strtod(const char *s, size_t n, double *out);

/* round(x, ndigits) rounding the exact value half-even at 10^-ndigits.
 * QV_FP_EOVERFLOW: "rounded value too large to represent". */
int qv_double_round(double x, int ndigits, double *out);

/* float.hex(x): "0x1.8000000000000p+0", "-0x0.0p+0", "inf", "nan". buf
 * needs QV_DOUBLE_HEX_CAP bytes; writes a NUL; returns the length. */
#define QV_DOUBLE_HEX_CAP 32
size_t qv_double_to_hex(double x, char *buf);
/* float.fromhex(s). QV_FP_EVALUE: "invalid hexadecimal floating-point
 * string"; QV_FP_EOVERFLOW: "hexadecimal value too large to represent as
 * a float". */
int qv_double_from_hex(const char *s, size_t n, double *out);

/* hash(x) as CPython computes it on 64-bit builds, so that hash(n) ==
 * hash(float(n)) with qv_mpz_hash: |x| = M 2^E is hashed as M 2^E mod
 * (2^61 - 1), signed, -1 mapped to -2; inf and -inf give +-314159. A NaN
 * hashes by object identity in CPython: the caller does that (this
 * returns 0 for it). */
int64_t qv_double_hash(double x);

/* Shortest round-trip digits of |x| for finite nonzero x: writes up to 17
 * ASCII digits (no NUL) and sets *decpt so that |x| = 0.DIGITS * 10^decpt.
 * Returns the digit count. Exposed for the runtime's own formatting. */
int qv_dtoa_shortest(double x, char digits[17], int *decpt);

#endif
