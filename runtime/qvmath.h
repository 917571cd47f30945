/* The functions of Python's `math` module on doubles.
 *
 * Every function returns an error code and writes its result through a
 * pointer, so the caller can raise what CPython raises:
 *   QV_MATH_EDOM   -> ValueError("math domain error")
 *   QV_MATH_ERANGE -> OverflowError("math range error")
 * Special values (inf, nan, signed zeros) follow CPython's math module.
 * Results are within 1 ulp of the exact value (sqrt, floor, ceil, trunc,
 * fmod, modf, frexp, ldexp, copysign, fabs, fsum are exact); the measured
 * figures are in docs/numerics.md.
 *
 * Freestanding, no global state, no allocation. Compile with
 * -fno-math-errno so that __builtin_sqrt becomes one sqrtsd.
 */
#ifndef QV_QVMATH_H
#define QV_QVMATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	QV_MATH_OK = 0,
	QV_MATH_EDOM = -1,   /* ValueError: math domain error */
	QV_MATH_ERANGE = -2, /* OverflowError: math range error */
	QV_MATH_EVALUE = -3, /* ValueError with a function-specific message (documented) */
	QV_MATH_EINFNAN = -4, /* fsum: ValueError "-inf + inf in fsum" */
	QV_MATH_EFSUM_OVERFLOW = -5, /* fsum: OverflowError "intermediate overflow in fsum" */
};

typedef int (*qv_math_fn1)(double x, double *out);
typedef int (*qv_math_fn2)(double x, double y, double *out);

/* Exact ones. floor/ceil/trunc return the integral double; the caller
 * makes the Python int (OverflowError/ValueError for inf/nan there). */
int qv_math_sqrt(double x, double *out);
int qv_math_fabs(double x, double *out);
int qv_math_floor(double x, double *out);
int qv_math_ceil(double x, double *out);
int qv_math_trunc(double x, double *out);
int qv_math_copysign(double x, double y, double *out);
int qv_math_fmod(double x, double y, double *out);
/* math.modf: *frac and *ipart both carry x's sign. */
int qv_math_modf(double x, double *frac, double *ipart);
/* math.frexp: x = *m * 2^*e with 0.5 <= |*m| < 1 (or x itself for 0, inf, nan; *e = 0). */
int qv_math_frexp(double x, double *m, int *e);
/* math.ldexp: the caller clamps a huge Python int exponent to the int64 range. */
int qv_math_ldexp(double x, int64_t e, double *out);
int qv_math_nextafter(double x, double y, double *out);
int qv_math_ulp(double x, double *out);

/* Exponentials and logarithms. */
int qv_math_exp(double x, double *out);
int qv_math_exp2(double x, double *out);
int qv_math_expm1(double x, double *out);
int qv_math_log(double x, double *out);
int qv_math_log2(double x, double *out);
int qv_math_log10(double x, double *out);
int qv_math_log1p(double x, double *out);
int qv_math_pow(double x, double y, double *out);

/* Trigonometry (radians). */
int qv_math_sin(double x, double *out);
int qv_math_cos(double x, double *out);
int qv_math_tan(double x, double *out);
int qv_math_asin(double x, double *out);
int qv_math_acos(double x, double *out);
int qv_math_atan(double x, double *out);
int qv_math_atan2(double y, double x, double *out);
int qv_math_hypot(double x, double y, double *out);
int qv_math_degrees(double x, double *out);
int qv_math_radians(double x, double *out);

/* Hyperbolic functions. */
int qv_math_sinh(double x, double *out);
int qv_math_cosh(double x, double *out);
int qv_math_tanh(double x, double *out);
int qv_math_asinh(double x, double *out);
int qv_math_acosh(double x, double *out);
int qv_math_atanh(double x, double *out);

/* Special functions. */
int qv_math_erf(double x, double *out);
int qv_math_erfc(double x, double *out);
int qv_math_gamma(double x, double *out);
int qv_math_lgamma(double x, double *out);

/* math.isclose; QV_MATH_EVALUE: "tolerances must be non-negative". */
int qv_math_isclose(double a, double b, double rel_tol, double abs_tol, bool *out);

/* math.fsum, exact (Shewchuk's non-overlapping partials, rounded
 * half-even once at the end). Feed values with qv_fsum_add, which returns
 * QV_MATH_EFSUM_OVERFLOW at once when finite values overflow; then
 * qv_fsum_result (QV_MATH_EINFNAN for inf + -inf). Partials grow by a
 * factor of at least 2^53 each, so 64 slots are always enough. */
#define QV_FSUM_PARTIALS 64
typedef struct {
	double p[QV_FSUM_PARTIALS];
	int n;
	double special_sum; /* sum of the non-finite inputs */
	double inf_sum;     /* sum of the infinite inputs: nan iff inf + -inf */
	int err;
} qv_fsum_state;
void qv_fsum_init(qv_fsum_state *st);
int qv_fsum_add(qv_fsum_state *st, double x);
int qv_fsum_result(const qv_fsum_state *st, double *out);

#endif
