/*
 * Admission control: the Liu and Layland utilization bound for
 * rate-monotonic scheduling, with Quest's term for I/O VCPUs.
 *
 * A set of n VCPUs is admitted when
 *     sum(C_i / T_i) + sum((2 - U_j) * U_j)  <=  n * (2^(1/n) - 1)
 * over Main VCPUs i and I/O VCPUs j. The I/O term is the one Quest uses for
 * its priority-inheritance bandwidth-preserving I/O servers (an I/O VCPU may
 * use up to about 2C in one of its periods); we know of no such term for
 * the hyperbolic bound, which is why we use Liu-Layland
 * (docs/scheduling.md). All arithmetic is in parts per million,
 * rounded against admission (utilization up, the bound down).
 */
#include "admit.h"

/* floor(n * (2^(1/n) - 1) * 10^6) for n = 1..32; the bound falls towards
 * ln 2, so ln 2 (rounded down) is safe for larger sets. */
static const u32 ll_bound_ppm[] = {
	1000000, 828427, 779763, 756828, 743491, 734772, 728626, 724061,
	720537,  717734, 715451, 713557, 711958, 710592, 709411, 708380,
	707472,  706666, 705945, 705298, 704713, 704182, 703697, 703253,
	702845,  702469, 702121, 701797, 701497, 701216, 700954, 700708,
};
#define LL_BOUND_LIMIT_PPM 693147u

u32 qvs_ll_bound_ppm(u32 nvcpus)
{
	u32 n = sizeof(ll_bound_ppm) / sizeof(ll_bound_ppm[0]);

	if (nvcpus == 0)
		return QVS_PPM;
	return nvcpus <= n ? ll_bound_ppm[nvcpus - 1] : LL_BOUND_LIMIT_PPM;
}

u32 qvs_util_ppm(u64 budget, u64 period)
{
	return (u32)((budget * QVS_PPM + period - 1) / period);
}

u32 qvs_io_util_ppm(u32 util_ppm)
{
	u64 u = util_ppm;

	return (u32)(((2ull * QVS_PPM - u) * u + QVS_PPM - 1) / QVS_PPM);
}

/* ---- the refusal message, without a C library ---- */

struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void put_char(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_str(struct out *o, const char *s)
{
	while (*s)
		put_char(o, *s++);
}

static void put_u64(struct out *o, u64 v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(o, digits[--n]);
}

/* A duration in the largest unit that writes it exactly. */
static void put_duration(struct out *o, u64 ns)
{
	if (ns % 1000000 == 0) {
		put_u64(o, ns / 1000000);
		put_str(o, "ms");
	} else if (ns % 1000 == 0) {
		put_u64(o, ns / 1000);
		put_str(o, "us");
	} else {
		put_u64(o, ns);
		put_str(o, "ns");
	}
}

/* A ppm fraction as 0.ddd, rounded half up. */
static void put_fraction(struct out *o, u32 ppm)
{
	u64 milli = ((u64)ppm + 500) / 1000;

	put_u64(o, milli / 1000);
	put_char(o, '.');
	put_char(o, (char)('0' + milli / 100 % 10));
	put_char(o, (char)('0' + milli / 10 % 10));
	put_char(o, (char)('0' + milli % 10));
}

size_t qvs_admit_format(const struct qvs_admit_error *err, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (err->kind == QVS_IO) {
		put_str(&o, "I/O VCPU U=");
		put_fraction(&o, err->io_util_ppm);
	} else {
		put_str(&o, "VCPU ");
		put_duration(&o, err->budget);
		put_char(&o, '/');
		put_duration(&o, err->period);
	}
	put_str(&o, " refused: utilization ");
	put_fraction(&o, err->util_ppm);
	put_str(&o, " > bound ");
	put_fraction(&o, err->bound_ppm);
	put_str(&o, " (Liu-Layland, ");
	put_u64(&o, err->nvcpus);
	put_str(&o, err->nvcpus == 1 ? " VCPU)" : " VCPUs)");
	if (len == 0)
		return 0;
	o.pos = o.pos < len ? o.pos : len - 1;
	buf[o.pos] = '\0';
	return o.pos;
}

/* ---- the test itself ---- */

static u32 vcpu_load_ppm(const struct qvs_vcpu *v)
{
	if (v->kind == QVS_IO)
		return qvs_io_util_ppm(v->util_ppm);
	return qvs_util_ppm(v->budget, v->period);
}

enum qvs_status qvs_admit(const struct qvs_sched *s, const struct qvs_vcpu *cand,
			  const struct qvs_vcpu *replaces, struct qvs_admit_error *err)
{
	u64 load = vcpu_load_ppm(cand);
	u32 n = replaces ? s->nvcpus : s->nvcpus + 1;
	u32 bound = qvs_ll_bound_ppm(n);

	for (const struct qvs_vcpu *v = s->vcpus; v; v = v->next)
		if (v != replaces)
			load += vcpu_load_ppm(v);
	if (load <= bound)
		return QVS_OK;
	if (err) {
		err->kind = cand->kind;
		err->budget = cand->kind == QVS_MAIN ? cand->budget : 0;
		err->period = cand->kind == QVS_MAIN ? cand->period : 0;
		err->io_util_ppm = cand->kind == QVS_IO ? cand->util_ppm : 0;
		err->util_ppm = load > UINT32_MAX ? UINT32_MAX : (u32)load;
		err->bound_ppm = bound;
		err->nvcpus = n;
	}
	return QVS_E_ADMISSION;
}
