/* Framed console protocol: CRC-32, encoder, decoder (see frame.h). */
#include "frame.h"

static const struct qv_frame_type_info frame_types[] = {
#define QV_FRAME_ROW(c, n, d, s, lo, hi) \
	{ .code = c, .dirs = d, .to_sandbox = s, .min_len = lo, .max_len = hi, .name = #n },
	QV_FRAME_TYPES(QV_FRAME_ROW)
#undef QV_FRAME_ROW
};

const struct qv_frame_type_info *qv_frame_type_info(u8 code)
{
	for (size_t i = 0; i < sizeof(frame_types) / sizeof(frame_types[0]); i++)
		if (frame_types[i].code == code)
			return &frame_types[i];
	return NULL;
}

/* A nibble table: 64 bytes instead of 1 KiB, and the console is bounded by
 * the UART's speed, not by the CRC. Reflected polynomial 0xEDB88320. */
static const u32 crc_nibble[16] = {
	0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
	0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
	0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

/* Chainable like zlib.crc32: start with 0, pass the previous result on. */
u32 qv_crc32(u32 crc, const u8 *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
	}
	return ~crc;
}

static bool needs_stuffing(u8 b)
{
	return b == QV_FRAME_FLAG || b == QV_FRAME_ESC;
}

struct wire {
	u8 *out;
	size_t cap;
	size_t n;
	bool overflow;
};

static void put_raw(struct wire *w, u8 b)
{
	if (w->n < w->cap)
		w->out[w->n++] = b;
	else
		w->overflow = true;
}

static void put_stuffed(struct wire *w, u8 b)
{
	if (needs_stuffing(b)) {
		put_raw(w, QV_FRAME_ESC);
		put_raw(w, b ^ QV_FRAME_XOR);
	} else {
		put_raw(w, b);
	}
}

size_t qv_frame_encode(u8 *out, size_t cap, u8 type, u8 sb, u8 seq, const u8 *payload,
		       size_t len)
{
	if (len > QV_FRAME_MAX_PAYLOAD)
		return 0;
	u8 head[QV_FRAME_HEADER] = { type, sb, seq, (u8)(len & 0xFFu), (u8)(len >> 8) };
	u32 crc = qv_crc32(qv_crc32(0, head, sizeof(head)), payload, len);
	struct wire w = { .out = out, .cap = cap };

	put_raw(&w, QV_FRAME_FLAG);
	for (size_t i = 0; i < sizeof(head); i++)
		put_stuffed(&w, head[i]);
	for (size_t i = 0; i < len; i++)
		put_stuffed(&w, payload[i]);
	for (unsigned i = 0; i < 4; i++)
		put_stuffed(&w, (u8)(crc >> (8 * i)));
	put_raw(&w, QV_FRAME_FLAG);
	return w.overflow ? 0 : w.n;
}

void qv_frame_decoder_init(struct qv_frame_decoder *d, u8 dir)
{
	*d = (struct qv_frame_decoder){ .dir = dir, .state = QV_DEC_HUNT };
}

static u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static bool valid_sandbox(const struct qv_frame_type_info *t, u8 sb)
{
	return t->to_sandbox ? sb < QV_FRAME_MAX_SB : sb == QV_FRAME_SB_HUB;
}

static bool frame_allowed(const struct qv_frame_decoder *d, const struct qv_frame *f)
{
	const struct qv_frame_type_info *t = qv_frame_type_info(f->type);

	return t && (t->dirs & d->dir) && valid_sandbox(t, f->sb) && f->len >= t->min_len &&
	       f->len <= t->max_len;
}

/* Checks the collected body; true if it is a good frame. */
static bool finish(struct qv_frame_decoder *d, struct qv_frame *f)
{
	size_t n = d->len;

	if (n < QV_FRAME_HEADER + QV_FRAME_TRAILER) {
		d->counts.length_errors++;
		return false;
	}
	size_t len = (size_t)d->body[3] | (size_t)d->body[4] << 8;
	if (len != n - QV_FRAME_HEADER - QV_FRAME_TRAILER) {
		d->counts.length_errors++;
		return false;
	}
	if (qv_crc32(0, d->body, n - QV_FRAME_TRAILER) != get_le32(d->body + n - QV_FRAME_TRAILER)) {
		d->counts.crc_errors++;
		return false;
	}
	*f = (struct qv_frame){ .type = d->body[0], .sb = d->body[1], .seq = d->body[2],
				.len = (u16)len, .payload = d->body + QV_FRAME_HEADER };
	/* The sequence is checked before validation: an invalid frame with a
	 * good CRC was still sent, so it is no gap. A handshake frame starts a
	 * new session whose numbering need not follow the old one. */
	if (f->seq != d->next_seq && f->type != QV_FT_SYNC && f->type != QV_FT_HELLO)
		d->counts.seq_gaps += (u8)(f->seq - d->next_seq);
	d->next_seq = (u8)(f->seq + 1u);
	if (!frame_allowed(d, f)) {
		d->counts.invalid++;
		return false;
	}
	d->counts.frames_ok++;
	return true;
}

static void append(struct qv_frame_decoder *d, u8 b)
{
	if (d->len >= QV_FRAME_MAX_BODY) {
		d->counts.length_errors++;
		d->state = QV_DEC_HUNT;
		return;
	}
	d->body[d->len++] = b;
	d->state = QV_DEC_BODY;
}

bool qv_frame_feed(struct qv_frame_decoder *d, u8 b, struct qv_frame *f)
{
	if (b == QV_FRAME_FLAG) {
		bool good = false;

		if (d->state == QV_DEC_ESC)
			d->counts.escape_errors++;
		else if (d->state == QV_DEC_BODY && d->len > 0)
			good = finish(d, f);
		/* A flag both ends a frame and may open the next one. */
		d->state = QV_DEC_BODY;
		d->len = 0;
		return good;
	}
	switch (d->state) {
	case QV_DEC_HUNT:
		d->counts.noise_bytes++;
		break;
	case QV_DEC_ESC:
		b ^= QV_FRAME_XOR;
		if (needs_stuffing(b)) {
			append(d, b);
		} else {
			d->counts.escape_errors++;
			d->state = QV_DEC_HUNT;
		}
		break;
	default:
		if (b == QV_FRAME_ESC)
			d->state = QV_DEC_ESC;
		else
			append(d, b);
		break;
	}
	return false;
}
