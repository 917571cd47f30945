/* Host harness around the console hub for tests/kernel/test_console*.py
 * (driven through ctypes). The hooks record into buffers, so a test reads
 * back exactly what the hub wrote to the "UART" and what each sandbox got. */
#include <stdlib.h>
#include <string.h>
#include "hub.h"

#define OUT_CAP (1u << 22)
#define IN_CAP (1u << 20)

struct harness {
	struct qv_hub hub;
	long budget; /* bytes the UART still takes; negative = unlimited */
	size_t out_len;
	u8 out[OUT_CAP];
	size_t in_len[QV_FRAME_MAX_SB];
	u32 breaks[QV_FRAME_MAX_SB];
	u32 overflow; /* a capture buffer filled up: the test must fail */
	u8 in[QV_FRAME_MAX_SB][IN_CAP];
};

static size_t h_write(void *ctx, const u8 *p, size_t n)
{
	struct harness *t = ctx;

	if (t->budget >= 0 && (size_t)t->budget < n)
		n = (size_t)t->budget;
	if (n > OUT_CAP - t->out_len) {
		t->overflow++;
		n = OUT_CAP - t->out_len;
	}
	memcpy(t->out + t->out_len, p, n);
	t->out_len += n;
	if (t->budget >= 0)
		t->budget -= (long)n;
	return n;
}

static void h_input(void *ctx, u8 sb, const u8 *p, size_t n)
{
	struct harness *t = ctx;

	if (sb >= QV_FRAME_MAX_SB || n > IN_CAP - t->in_len[sb]) {
		t->overflow++;
		return;
	}
	memcpy(t->in[sb] + t->in_len[sb], p, n);
	t->in_len[sb] += n;
}

static void h_brk(void *ctx, u8 sb)
{
	struct harness *t = ctx;

	if (sb < QV_FRAME_MAX_SB)
		t->breaks[sb]++;
	else
		t->overflow++;
}

struct harness *hh_new(u16 mask, u8 hub_sb)
{
	struct harness *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	struct qv_hub_io io = { .write = h_write, .input = h_input, .brk = h_brk, .ctx = t };
	t->budget = -1;
	qv_hub_init(&t->hub, &io, mask, hub_sb);
	return t;
}

void hh_free(struct harness *t)
{
	free(t);
}

struct qv_hub *hh_hub(struct harness *t)
{
	return &t->hub;
}

void hh_set_budget(struct harness *t, long budget)
{
	t->budget = budget;
}

size_t hh_take_out(struct harness *t, u8 *buf, size_t cap)
{
	size_t n = t->out_len < cap ? t->out_len : cap;

	memcpy(buf, t->out, n);
	memmove(t->out, t->out + n, t->out_len - n);
	t->out_len -= n;
	return n;
}

size_t hh_take_in(struct harness *t, u8 sb, u8 *buf, size_t cap)
{
	if (sb >= QV_FRAME_MAX_SB)
		return 0;
	size_t n = t->in_len[sb] < cap ? t->in_len[sb] : cap;
	memcpy(buf, t->in[sb], n);
	memmove(t->in[sb], t->in[sb] + n, t->in_len[sb] - n);
	t->in_len[sb] -= n;
	return n;
}

u32 hh_breaks(struct harness *t, u8 sb)
{
	return sb < QV_FRAME_MAX_SB ? t->breaks[sb] : 0;
}

u32 hh_overflow(struct harness *t)
{
	return t->overflow;
}

/* A standalone decoder: decoded frames are written to out as
 * type, sb, seq, len (LE16), payload, one after another. */
struct qv_frame_decoder *hh_dec_new(u8 dir)
{
	struct qv_frame_decoder *d = malloc(sizeof(*d));
	if (d)
		qv_frame_decoder_init(d, dir);
	return d;
}

void hh_dec_free(struct qv_frame_decoder *d)
{
	free(d);
}

size_t hh_dec_feed(struct qv_frame_decoder *d, const u8 *p, size_t n, u8 *out, size_t cap)
{
	size_t used = 0;
	struct qv_frame f;

	for (size_t i = 0; i < n; i++) {
		if (!qv_frame_feed(d, p[i], &f))
			continue;
		if (used + 5u + f.len > cap)
			return (size_t)-1;
		out[used++] = f.type;
		out[used++] = f.sb;
		out[used++] = f.seq;
		out[used++] = (u8)(f.len & 0xFFu);
		out[used++] = (u8)(f.len >> 8);
		memcpy(out + used, f.payload, f.len);
		used += f.len;
	}
	return used;
}

const struct qv_frame_counts *hh_dec_counts(const struct qv_frame_decoder *d)
{
	return &d->counts;
}

/* The type table, for comparison with the Python mirror. */
int hh_type_row(u8 code, u8 *dirs, u8 *to_sb, u16 *min_len, u16 *max_len)
{
	const struct qv_frame_type_info *t = qv_frame_type_info(code);
	if (!t)
		return 0;
	*dirs = t->dirs;
	*to_sb = t->to_sandbox;
	*min_len = t->min_len;
	*max_len = t->max_len;
	return 1;
}

unsigned hh_nstats(void)
{
	return QV_HUB_NSTATS;
}
