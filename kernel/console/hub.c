/* Console hub logic (see hub.h and docs/console.md). */
#include "hub.h"

_Static_assert((QV_HUB_RING_SIZE & (QV_HUB_RING_SIZE - 1u)) == 0, "ring size: power of two");
_Static_assert(2u + 8u + 2u * QV_HUB_LINE_MAX <= QV_FRAME_MAX_WIRE, "plain chunk fits tx");
_Static_assert((QV_HUB_LOG_SIZE & (QV_HUB_LOG_SIZE - 1u)) == 0, "log size: power of two");
_Static_assert(QV_HUB_LOG_SIZE >= QV_FRAME_MAX_PAYLOAD, "a log line fits the log ring");

static const u8 handshake[QV_HUB_HANDSHAKE_LEN] = QV_HUB_HANDSHAKE;

static bool present(const struct qv_hub *h, u8 sb)
{
	return sb < QV_FRAME_MAX_SB && (h->present >> sb & 1u);
}

void qv_hub_init(struct qv_hub *h, const struct qv_hub_io *io, u16 sandboxes, u8 hub_sb)
{
	/* Field by field: a whole-struct assignment would put ~40 KiB on the stack. */
	h->io = *io;
	h->present = sandboxes;
	h->hub_sb = hub_sb;
	h->mode = QV_HUB_PLAIN;
	h->listening = true;
	h->focus = QV_HUB_NONE;
	for (u8 sb = 0; sb < QV_FRAME_MAX_SB && h->focus == QV_HUB_NONE; sb++)
		if (present(h, sb))
			h->focus = sb;
	h->open_sb = QV_HUB_NONE;
	h->next_rr = 0;
	h->tx_seq = 0;
	h->hs_pos = 0;
	h->escape = false;
	h->notice = QV_NOTE_NONE;
	h->notice_arg = 0;
	h->hello_pending = false;
	h->ack_pending = 0;
	h->stats_pending = false;
	h->frames_sent = 0;
	h->breaks = 0;
	h->hub_invalid = 0;
	h->tx_len = 0;
	h->tx_off = 0;
	qv_frame_decoder_init(&h->dec, QV_DIR_TO_BOARD);
	for (u8 sb = 0; sb < QV_FRAME_MAX_SB; sb++) {
		struct qv_hub_console *c = &h->con[sb];
		c->head = c->count = c->dropped_unreported = c->dropped_total = 0;
		c->mid_line = false;
		c->shown_len = 0;
		c->log_head = c->log_count = c->log_dropped = 0;
	}
}

/* ---- per-sandbox output rings ---------------------------------------- */

static u8 ring_at(const struct qv_hub_console *c, u32 i)
{
	return c->ring[(c->head + i) & (QV_HUB_RING_SIZE - 1u)];
}

static void ring_drop(struct qv_hub_console *c, u32 n)
{
	c->head = (c->head + n) & (QV_HUB_RING_SIZE - 1u);
	c->count -= n;
}

static void ring_lose_oldest(struct qv_hub_console *c, u32 n)
{
	ring_drop(c, n);
	c->dropped_unreported += n;
	c->dropped_total += n;
}

size_t qv_hub_output(struct qv_hub *h, u8 sb, const u8 *p, size_t n)
{
	if (!present(h, sb))
		return 0;
	struct qv_hub_console *c = &h->con[sb];
	size_t skip = 0;

	if (n > QV_HUB_RING_SIZE) {
		/* Only the newest RING_SIZE bytes can be kept. */
		skip = n - QV_HUB_RING_SIZE;
		c->dropped_unreported += (u32)skip;
		c->dropped_total += (u32)skip;
	}
	u32 want = (u32)(n - skip);
	if (want > QV_HUB_RING_SIZE - c->count)
		ring_lose_oldest(c, want - (QV_HUB_RING_SIZE - c->count));
	for (u32 i = 0; i < want; i++)
		c->ring[(c->head + c->count + i) & (QV_HUB_RING_SIZE - 1u)] = p[skip + i];
	c->count += want;
	return n;
}

/* ---- per-sandbox log rings --------------------------------------------- */

static u8 log_at(const struct qv_hub_console *c, u32 i)
{
	return c->log[(c->log_head + i) & (QV_HUB_LOG_SIZE - 1u)];
}

static void log_drop(struct qv_hub_console *c, u32 n)
{
	c->log_head = (c->log_head + n) & (QV_HUB_LOG_SIZE - 1u);
	c->log_count -= n;
}

/* Length of the oldest log line, its newline included (0: none). */
static u32 log_line_len(const struct qv_hub_console *c)
{
	for (u32 i = 0; i < c->log_count; i++)
		if (log_at(c, i) == '\n')
			return i + 1u;
	return 0;
}

bool qv_hub_log(struct qv_hub *h, u8 sb, const u8 *p, size_t n)
{
	if (!present(h, sb))
		return false;
	struct qv_hub_console *c = &h->con[sb];

	if (n > QV_FRAME_MAX_PAYLOAD - 1u)
		n = QV_FRAME_MAX_PAYLOAD - 1u;
	while (c->log_count + n + 1u > QV_HUB_LOG_SIZE) {
		u32 old = log_line_len(c);
		c->log_dropped += old;
		log_drop(c, old);
	}
	for (u32 i = 0; i <= n; i++) {
		/* A newline inside the line would split it: shown as a space. */
		u8 b = i < n ? (p[i] == '\n' ? ' ' : p[i]) : '\n';
		c->log[(c->log_head + c->log_count + i) & (QV_HUB_LOG_SIZE - 1u)] = b;
	}
	c->log_count += (u32)n + 1u;
	return true;
}

/* ---- the staging buffer: one frame or one plain chunk at a time ------- */

static void tx_put(struct qv_hub *h, u8 b)
{
	if (h->tx_len < sizeof(h->tx))
		h->tx[h->tx_len++] = b;
}

static void tx_puts(struct qv_hub *h, const char *s)
{
	while (*s)
		tx_put(h, (u8)*s++);
}

static void tx_frame(struct qv_hub *h, u8 type, u8 sb, const u8 *payload, size_t len)
{
	size_t n = qv_frame_encode(h->tx + h->tx_len, sizeof(h->tx) - h->tx_len, type, sb,
				   h->tx_seq, payload, len);
	if (n) {
		h->tx_len = (u16)(h->tx_len + n);
		h->tx_seq++;
		h->frames_sent++;
	}
}

static void put_le32(u8 *p, u32 v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void tx_dec(struct qv_hub *h, u32 v)
{
	char d[10];
	unsigned n = 0;

	do {
		d[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n)
		tx_put(h, (u8)d[--n]);
}

static void tx_prefix(struct qv_hub *h, u8 sb)
{
	tx_puts(h, "[sb");
	tx_dec(h, sb);
	tx_puts(h, "] ");
}

/* ---- control frames (either mode) ------------------------------------- */

static void stage_hello(struct qv_hub *h)
{
	u8 p[10];

	for (unsigned i = 0; i < 4; i++)
		p[i] = h->hello_nonce[i];
	p[4] = QV_HUB_VERSION;
	p[5] = h->hub_sb;
	p[6] = (u8)(h->present & 0xFFu);
	p[7] = (u8)(h->present >> 8);
	p[8] = h->focus;
	p[9] = QV_FRAME_MAX_SB;
	tx_frame(h, QV_FT_HELLO, QV_FRAME_SB_HUB, p, sizeof(p));
	h->hello_pending = false;
}

static void stage_stats(struct qv_hub *h)
{
	u32 v[QV_HUB_NSTATS];
	u8 p[4 * QV_HUB_NSTATS];

	qv_hub_stats(h, v);
	for (unsigned i = 0; i < QV_HUB_NSTATS; i++)
		put_le32(p + 4 * i, v[i]);
	tx_frame(h, QV_FT_STATS, QV_FRAME_SB_HUB, p, sizeof(p));
	h->stats_pending = false;
}

static bool stage_control(struct qv_hub *h)
{
	if (h->ack_pending) {
		u8 t = h->ack_pending;
		tx_frame(h, QV_FT_ACK, QV_FRAME_SB_HUB, &t, 1);
		h->ack_pending = 0;
	} else if (h->hello_pending) {
		stage_hello(h);
	} else if (h->stats_pending) {
		stage_stats(h);
	} else {
		return false;
	}
	return true;
}

/* ---- framed output ------------------------------------------------------ */

static bool stage_framed_console(struct qv_hub *h, u8 sb)
{
	struct qv_hub_console *c = &h->con[sb];

	if (c->dropped_unreported) {
		u8 p[4];
		put_le32(p, c->dropped_unreported);
		tx_frame(h, QV_FT_DROPPED, sb, p, sizeof(p));
		c->dropped_unreported = 0;
		return true;
	}
	if (c->log_count) {
		u8 line[QV_FRAME_MAX_PAYLOAD];
		u32 n = log_line_len(c);
		for (u32 i = 0; i + 1u < n; i++)
			line[i] = log_at(c, i);
		log_drop(c, n);
		if (n > 1u)
			tx_frame(h, QV_FT_LOG, sb, line, n - 1u);
		return true;
	}
	if (!c->count)
		return false;
	u8 chunk[QV_FRAME_MAX_PAYLOAD];
	u32 n = c->count < QV_FRAME_MAX_PAYLOAD ? c->count : QV_FRAME_MAX_PAYLOAD;
	for (u32 i = 0; i < n; i++)
		chunk[i] = ring_at(c, i);
	ring_drop(c, n);
	tx_frame(h, QV_FT_DATA, sb, chunk, n);
	return true;
}

/* Round robin, so one chatty sandbox cannot starve the others. */
static bool stage_framed(struct qv_hub *h)
{
	for (u8 i = 0; i < QV_FRAME_MAX_SB; i++) {
		u8 sb = (u8)((h->next_rr + i) % QV_FRAME_MAX_SB);
		if (present(h, sb) && stage_framed_console(h, sb)) {
			h->next_rr = (u8)((sb + 1u) % QV_FRAME_MAX_SB);
			return true;
		}
	}
	return false;
}

/* ---- plain output ---------------------------------------------------------
 * Only one sandbox's unfinished line can sit on the screen (open_sb). Another
 * sandbox's complete line interrupts it: the hub ends the screen line, prints
 * the other line with its prefix and later writes the interrupted part again,
 * so no line ever carries two sandboxes' bytes. */

/* Bytes up to and including the first newline, or 0 if there is none within
 * the first `limit` bytes. */
static u32 line_end(const struct qv_hub_console *c, u32 limit)
{
	u32 n = c->count < limit ? c->count : limit;

	for (u32 i = 0; i < n; i++)
		if (ring_at(c, i) == '\n')
			return i + 1u;
	return 0;
}

static void close_open_line(struct qv_hub *h)
{
	if (h->open_sb != QV_HUB_NONE) {
		tx_puts(h, "\r\n");
		h->open_sb = QV_HUB_NONE;
	}
}

/* Copies up to one line of sb's output to tx; the prefix and any redisplay
 * must already be staged. */
static void emit_line_part(struct qv_hub *h, u8 sb)
{
	struct qv_hub_console *c = &h->con[sb];
	u32 n = line_end(c, QV_HUB_LINE_MAX);
	bool complete = n != 0;

	if (!complete)
		n = c->count < QV_HUB_LINE_MAX ? c->count : QV_HUB_LINE_MAX;
	for (u32 i = 0; i < n; i++) {
		u8 b = ring_at(c, i);
		tx_put(h, b);
		if (!complete && c->shown_len < QV_HUB_LINE_MAX)
			c->shown[c->shown_len++] = b;
	}
	ring_drop(c, n);
	if (complete) {
		c->mid_line = false;
		c->shown_len = 0;
		h->open_sb = QV_HUB_NONE;
	} else {
		c->mid_line = true;
		h->open_sb = sb;
	}
}

/* Starts sb on a fresh screen line: prefix, then whatever of its
 * unfinished line was shown before. */
static void begin_line(struct qv_hub *h, u8 sb)
{
	struct qv_hub_console *c = &h->con[sb];

	close_open_line(h);
	tx_prefix(h, sb);
	for (u16 i = 0; i < c->shown_len; i++)
		tx_put(h, c->shown[i]);
	h->open_sb = sb;
}

static void stage_drop_note(struct qv_hub *h, u8 sb)
{
	struct qv_hub_console *c = &h->con[sb];

	close_open_line(h);
	tx_prefix(h, sb);
	tx_puts(h, "[hub: ");
	tx_dec(h, c->dropped_unreported);
	tx_puts(h, " bytes dropped]\r\n");
	c->dropped_unreported = 0;
}

/* May sb's output go on the screen now, interrupting the open line? */
static bool may_interrupt(const struct qv_hub *h, u8 sb)
{
	const struct qv_hub_console *c = &h->con[sb];

	if (!c->count && !c->dropped_unreported)
		return false;
	if (h->open_sb == QV_HUB_NONE || c->dropped_unreported)
		return true;
	/* A complete line, a line too long to hold back, or the focused
	 * sandbox's prompt. */
	return line_end(c, QV_HUB_LINE_MAX) || c->count >= QV_HUB_LINE_MAX || sb == h->focus;
}

static void stage_notice(struct qv_hub *h)
{
	static const char *const text[] = {
		[QV_NOTE_FOCUS] = "[hub] input to sb",
		[QV_NOTE_NO_SB] = "[hub] no console sb",
		[QV_NOTE_HELP] = "[hub] Ctrl-] then 0-9/a-f: input to that sandbox; "
				 "Ctrl-] Ctrl-]: send Ctrl-]",
		[QV_NOTE_PLAIN] = "[hub] plain mode, input to sb",
	};

	close_open_line(h);
	tx_puts(h, text[h->notice]);
	if (h->notice != QV_NOTE_HELP)
		tx_dec(h, h->notice_arg);
	tx_puts(h, "\r\n");
	h->notice = QV_NOTE_NONE;
}

/* A whole log line: it ends whatever console line is open (that line is
 * written again, with its prefix, when its sandbox goes on). */
static bool stage_plain_log(struct qv_hub *h)
{
	for (u8 i = 0; i < QV_FRAME_MAX_SB; i++) {
		u8 sb = (u8)((h->next_rr + i) % QV_FRAME_MAX_SB);
		struct qv_hub_console *c = &h->con[sb];
		if (!present(h, sb) || !c->log_count)
			continue;
		u32 n = log_line_len(c);
		close_open_line(h);
		tx_prefix(h, sb);
		for (u32 k = 0; k < n; k++)
			tx_put(h, log_at(c, k));
		log_drop(c, n);
		h->next_rr = (u8)((sb + 1u) % QV_FRAME_MAX_SB);
		return true;
	}
	return false;
}

static bool stage_plain(struct qv_hub *h)
{
	if (h->notice != QV_NOTE_NONE) {
		stage_notice(h);
		return true;
	}
	if (stage_plain_log(h))
		return true;
	u8 open = h->open_sb;
	if (open != QV_HUB_NONE && h->con[open].dropped_unreported) {
		stage_drop_note(h, open);
		return true;
	}
	if (open != QV_HUB_NONE && h->con[open].count) {
		emit_line_part(h, open);
		return true;
	}
	for (u8 i = 0; i < QV_FRAME_MAX_SB; i++) {
		u8 sb = (u8)((h->next_rr + i) % QV_FRAME_MAX_SB);
		if (!present(h, sb) || sb == open || !may_interrupt(h, sb))
			continue;
		h->next_rr = (u8)((sb + 1u) % QV_FRAME_MAX_SB);
		if (h->con[sb].dropped_unreported) {
			stage_drop_note(h, sb);
		} else {
			begin_line(h, sb);
			emit_line_part(h, sb);
		}
		return true;
	}
	/* Nothing to print: put the focused sandbox's interrupted prompt back. */
	if (open == QV_HUB_NONE && present(h, h->focus) && h->con[h->focus].mid_line) {
		begin_line(h, h->focus);
		return true;
	}
	return false;
}

static bool stage_pending(const struct qv_hub *h)
{
	if (h->ack_pending || h->hello_pending || h->stats_pending || h->notice != QV_NOTE_NONE)
		return true;
	for (u8 sb = 0; sb < QV_FRAME_MAX_SB; sb++)
		if (h->con[sb].count || h->con[sb].dropped_unreported || h->con[sb].log_count)
			return true;
	return false;
}

static bool stage_next(struct qv_hub *h)
{
	if (stage_control(h))
		return true;
	return h->mode == QV_HUB_FRAMED ? stage_framed(h) : stage_plain(h);
}

void qv_hub_set_listening(struct qv_hub *h, bool on)
{
	h->listening = on;
}

bool qv_hub_pump(struct qv_hub *h)
{
	for (;;) {
		if (!h->listening)
			return h->tx_off != h->tx_len || stage_pending(h);
		if (h->tx_off == h->tx_len) {
			h->tx_off = h->tx_len = 0;
			if (!stage_next(h))
				return false;
		}
		size_t n = h->io.write(h->io.ctx, h->tx + h->tx_off, (size_t)(h->tx_len - h->tx_off));
		if (n == 0)
			return true;
		if (n > (size_t)(h->tx_len - h->tx_off))
			n = (size_t)(h->tx_len - h->tx_off);
		h->tx_off = (u16)(h->tx_off + n);
	}
}

/* ---- input ---------------------------------------------------------------- */

static void set_mode(struct qv_hub *h, enum qv_hub_mode m)
{
	struct qv_frame_counts keep = h->dec.counts;

	qv_frame_decoder_init(&h->dec, QV_DIR_TO_BOARD);
	h->dec.counts = keep;
	h->mode = (u8)m;
	h->hs_pos = 0;
	h->escape = false;
	/* Screen state is meaningless across a mode change. */
	h->open_sb = QV_HUB_NONE;
	for (u8 sb = 0; sb < QV_FRAME_MAX_SB; sb++) {
		h->con[sb].mid_line = false;
		h->con[sb].shown_len = 0;
	}
	if (m == QV_HUB_PLAIN) {
		h->notice = QV_NOTE_PLAIN;
		h->notice_arg = h->focus;
	} else {
		h->notice = QV_NOTE_NONE;
	}
}

static void deliver(struct qv_hub *h, u8 sb, const u8 *p, size_t n)
{
	if (present(h, sb))
		h->io.input(h->io.ctx, sb, p, n);
}

static void send_break(struct qv_hub *h, u8 sb)
{
	if (!present(h, sb))
		return;
	h->breaks++;
	h->io.brk(h->io.ctx, sb);
}

static int hex_digit(u8 b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

static void plain_escape(struct qv_hub *h, u8 b)
{
	int d = hex_digit(b);

	h->escape = false;
	if (b == QV_HUB_ESCAPE) {
		deliver(h, h->focus, &b, 1);
	} else if (d >= 0 && present(h, (u8)d)) {
		h->focus = (u8)d;
		h->notice = QV_NOTE_FOCUS;
		h->notice_arg = (u8)d;
	} else if (d >= 0) {
		h->notice = QV_NOTE_NO_SB;
		h->notice_arg = (u8)d;
	} else {
		h->notice = QV_NOTE_HELP;
	}
}

static void plain_key(struct qv_hub *h, u8 b)
{
	if (h->escape)
		plain_escape(h, b);
	else if (b == QV_HUB_ESCAPE)
		h->escape = true;
	else if (b == QV_HUB_CTRL_C)
		send_break(h, h->focus);
	else
		deliver(h, h->focus, &b, 1);
}

static void plain_byte(struct qv_hub *h, u8 b)
{
	if (b == handshake[h->hs_pos]) {
		if (++h->hs_pos == QV_HUB_HANDSHAKE_LEN)
			set_mode(h, QV_HUB_FRAMED);
		return;
	}
	/* Not the handshake after all: the held bytes were keys. */
	u8 held = h->hs_pos;
	h->hs_pos = 0;
	for (u8 i = 0; i < held; i++)
		plain_key(h, handshake[i]);
	if (b == handshake[0])
		h->hs_pos = 1;
	else
		plain_key(h, b);
}

typedef void (*frame_handler)(struct qv_hub *h, const struct qv_frame *f);

static void on_data(struct qv_hub *h, const struct qv_frame *f)
{
	deliver(h, f->sb, f->payload, f->len);
}

static void on_break(struct qv_hub *h, const struct qv_frame *f)
{
	send_break(h, f->sb);
}

static void on_sync(struct qv_hub *h, const struct qv_frame *f)
{
	for (unsigned i = 0; i < 4; i++)
		h->hello_nonce[i] = f->payload[i];
	h->hello_pending = true;
}

static void on_bye(struct qv_hub *h, const struct qv_frame *f)
{
	h->ack_pending = f->type;
	set_mode(h, QV_HUB_PLAIN);
}

static void on_focus(struct qv_hub *h, const struct qv_frame *f)
{
	h->focus = f->sb;
	h->ack_pending = f->type;
}

static void on_stats_req(struct qv_hub *h, const struct qv_frame *f)
{
	(void)f;
	h->stats_pending = true;
}

static const struct {
	u8 type;
	frame_handler fn;
} handlers[] = {
	{ QV_FT_DATA, on_data },   { QV_FT_BREAK, on_break }, { QV_FT_SYNC, on_sync },
	{ QV_FT_BYE, on_bye },     { QV_FT_FOCUS, on_focus }, { QV_FT_STATS_REQ, on_stats_req },
};

static void dispatch(struct qv_hub *h, const struct qv_frame *f)
{
	const struct qv_frame_type_info *t = qv_frame_type_info(f->type);

	if (t && t->to_sandbox && !present(h, f->sb)) {
		h->hub_invalid++;
		return;
	}
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == f->type) {
			handlers[i].fn(h, f);
			return;
		}
}

void qv_hub_rx(struct qv_hub *h, const u8 *p, size_t n)
{
	struct qv_frame f;

	if (n)
		h->listening = true;
	for (size_t i = 0; i < n; i++) {
		if (h->mode == QV_HUB_PLAIN)
			plain_byte(h, p[i]);
		else if (qv_frame_feed(&h->dec, p[i], &f))
			dispatch(h, &f);
	}
}

/* ---- queries ----------------------------------------------------------------- */

enum qv_hub_mode qv_hub_mode(const struct qv_hub *h)
{
	return (enum qv_hub_mode)h->mode;
}

u8 qv_hub_focus(const struct qv_hub *h)
{
	return h->focus;
}

u32 qv_hub_dropped(const struct qv_hub *h, u8 sb)
{
	return sb < QV_FRAME_MAX_SB ? h->con[sb].dropped_total : 0;
}

u32 qv_hub_pending(const struct qv_hub *h, u8 sb)
{
	return sb < QV_FRAME_MAX_SB ? h->con[sb].count : 0;
}

u32 qv_hub_log_pending(const struct qv_hub *h, u8 sb)
{
	return sb < QV_FRAME_MAX_SB ? h->con[sb].log_count : 0;
}

void qv_hub_stats(const struct qv_hub *h, u32 out[QV_HUB_NSTATS])
{
	const struct qv_frame_counts *c = &h->dec.counts;
	u32 dropped = 0;

	for (u8 sb = 0; sb < QV_FRAME_MAX_SB; sb++)
		dropped += h->con[sb].dropped_total;
	out[QV_STAT_frames_ok] = c->frames_ok;
	out[QV_STAT_crc_errors] = c->crc_errors;
	out[QV_STAT_length_errors] = c->length_errors;
	out[QV_STAT_escape_errors] = c->escape_errors;
	out[QV_STAT_invalid] = c->invalid + h->hub_invalid;
	out[QV_STAT_noise_bytes] = c->noise_bytes;
	out[QV_STAT_seq_gaps] = c->seq_gaps;
	out[QV_STAT_frames_sent] = h->frames_sent;
	out[QV_STAT_dropped_bytes] = dropped;
	out[QV_STAT_breaks] = h->breaks;
}
