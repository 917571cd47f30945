/* The REPL: MicroPython's console protocol over a byte stream (repl.h).
 *
 * Friendly mode echoes and edits a line, runs single statements as they
 * complete and compound ones at the blank line that ends them. Raw mode
 * (Ctrl-A) takes a whole program up to Ctrl-D and answers with the framing
 * host tools parse: "OK", the program's output, 0x04, the error text, 0x04,
 * then the ">" prompt. Raw-paste mode adds flow control so a host can
 * stream a long program without overrunning the board's input buffers.
 * docs/repl.md lists every byte. */
#include "repl.h"

enum { MODE_FRIENDLY, MODE_RAW };

#define CTRL_A 0x01
#define CTRL_B 0x02
#define CTRL_C 0x03
#define CTRL_D 0x04
#define CTRL_E 0x05
#define ESC 0x1b

#define LINE_MAX 1024
#define HIST_N 8
#define QUEUE_N 512
#define ERRBUF_N 4096
#define PASTE_WINDOW 256

static const char RAW_BANNER[] = "raw REPL; CTRL-B to exit\r\n";

struct qv_repl {
	qv_repl_io io;
	qv_repl_env env;
	qv_ctx *ctx;
	int mode;
	bool closed;      /* input ended: unwind and return from qv_repl_run */
	bool raw_exec;    /* running a raw-mode program: errors are framed */
	bool after_cr;    /* the last byte taken as Enter was CR (skip its LF) */
	/* bytes read while peeking for Ctrl-C, waiting to be consumed */
	uint8_t queue[QUEUE_N];
	unsigned qhead, qlen;
	/* error output of a raw-mode program, sent after the first 0x04 */
	char err[ERRBUF_N];
	size_t errlen;
	/* the line being edited, and the statement being gathered */
	char line[LINE_MAX];
	size_t linelen, cur; /* cur: the cursor, a byte offset into line */
	char pend[4];        /* a UTF-8 character still arriving */
	unsigned npend, need;
	char hist[HIST_N][LINE_MAX];
	int nhist;
	size_t srclen;
	bool src_overflow;
	char src[QV_REPL_SRC_MAX + 1];
};

/* ------------------------------------------------------------ helpers */
static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void copy(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

size_t qv_repl_size(void)
{
	return sizeof(struct qv_repl);
}

qv_ctx *qv_repl_ctx(struct qv_repl *r)
{
	return r->ctx;
}

void qv_repl_init(struct qv_repl *r, const qv_repl_io *io, const qv_repl_env *env)
{
	uint8_t *p = (uint8_t *)r;
	for (size_t i = 0; i < offsetof(struct qv_repl, src); i++)
		p[i] = 0;
	r->io.getc = io->getc;
	r->io.write = io->write;
	r->io.user = io->user;
	r->env.new_interp = env->new_interp;
	r->env.free_interp = env->free_interp;
	r->env.banner = env->banner;
	r->env.user = env->user;
	r->mode = MODE_FRIENDLY;
}

/* ------------------------------------------------------------ output */
static void out(struct qv_repl *r, const char *s, size_t n)
{
	if (n)
		r->io.write(r->io.user, s, n);
}

static void outs(struct qv_repl *r, const char *s)
{
	out(r, s, slen(s));
}

/* Friendly-mode output: a terminal wants CR LF at line ends. */
static void out_cooked(struct qv_repl *r, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
			out(r, s + start, i - start);
			out(r, "\r\n", 2);
			start = i + 1;
		}
	out(r, s + start, n - start);
}

static void flush_err(struct qv_repl *r)
{
	out(r, r->err, r->errlen);
	r->errlen = 0;
}

void qv_repl_port_write(struct qv_repl *r, int stream, const char *s, size_t n)
{
	if (r->mode == MODE_FRIENDLY || !r->raw_exec) {
		out_cooked(r, s, n);
		return;
	}
	/* Raw mode sends bytes as they are. Error text is held back: if the
	 * program ends with an exception it is the traceback and goes after
	 * the first 0x04; if the program writes on after it, it was ordinary
	 * stderr output and joins stdout in order. */
	if (stream == QV_ERR) {
		while (n) {
			if (r->errlen == ERRBUF_N)
				flush_err(r);
			size_t k = ERRBUF_N - r->errlen;
			if (k > n)
				k = n;
			copy(r->err + r->errlen, s, k);
			r->errlen += k;
			s += k;
			n -= k;
		}
		return;
	}
	flush_err(r);
	out(r, s, n);
}

/* ------------------------------------------------------------ input */
static int in_getc(struct qv_repl *r, uint64_t timeout_us)
{
	if (r->qlen) {
		int c = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % QUEUE_N;
		r->qlen--;
		return c;
	}
	if (r->closed)
		return -2;
	int c = r->io.getc(r->io.user, timeout_us);
	if (c == -2)
		r->closed = true;
	return c;
}

/* The next byte, however long it takes; -2 once input has ended. */
static int in_wait(struct qv_repl *r)
{
	int c;
	do
		c = in_getc(r, UINT64_MAX);
	while (c < 0 && c != -2);
	return c;
}

/* Drops the statement or program being gathered. */
static void src_clear(struct qv_repl *r)
{
	r->srclen = 0;
	r->src_overflow = false;
}

bool qv_repl_port_poll_interrupt(struct qv_repl *r)
{
	/* Take what has arrived; keep all but Ctrl-C for later. When the
	 * queue is full, stop reading, so nothing typed ahead is dropped. */
	while (!r->closed && r->qlen < QUEUE_N) {
		int c = r->io.getc(r->io.user, 0);
		if (c == -2) {
			r->closed = true;
			return true; /* nobody is left to see the output: stop */
		}
		if (c < 0)
			break;
		if (c == CTRL_C)
			return true;
		r->queue[(r->qhead + r->qlen) % QUEUE_N] = (uint8_t)c;
		r->qlen++;
	}
	return false;
}

/* The line a running program asks for with input(): echoed and edited in
 * friendly mode, taken as sent in raw mode. Ctrl-C raises
 * KeyboardInterrupt; Ctrl-D on an empty line is end of input. */
long qv_repl_port_read_line(struct qv_repl *r, char *buf, size_t cap)
{
	bool echo = r->mode == MODE_FRIENDLY;
	size_t n = 0;
	for (;;) {
		int c = in_wait(r);
		if (c < 0)
			return n ? (long)n : -1;
		if (c == '\n' && r->after_cr) {
			r->after_cr = false;
			continue;
		}
		r->after_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			if (echo)
				outs(r, "\r\n");
			return (long)n;
		}
		if (c == CTRL_C) {
			if (r->ctx)
				qv_interrupt(r->ctx);
			if (echo)
				outs(r, "\r\n");
			return 0;
		}
		if (c == CTRL_D && n == 0)
			return -1;
		if (c == 0x08 || c == 0x7f) {
			if (n) {
				/* a whole UTF-8 character */
				do
					n--;
				while (n && ((uint8_t)buf[n] & 0xc0) == 0x80);
				if (echo)
					outs(r, "\b \b");
			}
			continue;
		}
		if (c < 0x20 && c != '\t')
			continue;
		if (n + 1 < cap) {
			buf[n++] = (char)c;
			if (echo)
				out(r, (const char *)&buf[n - 1], 1);
		}
	}
}

/* ------------------------------------------------------------ running */
static void print_banner(struct qv_repl *r)
{
	outs(r, r->env.banner ? r->env.banner : "questv Python");
	outs(r, "\r\nType Ctrl-D for a soft reset, Ctrl-E for paste mode, Ctrl-A for raw mode.\r\n");
}

static bool make_interp(struct qv_repl *r)
{
	r->ctx = r->env.new_interp(r->env.user, r);
	if (!r->ctx)
		outs(r, "REPL: no memory for an interpreter; Ctrl-D retries\r\n");
	return r->ctx != NULL;
}

/* Frees the interpreter and makes a fresh one: nothing of the old
 * namespace survives. */
static void soft_reset(struct qv_repl *r)
{
	if (r->ctx)
		r->env.free_interp(r->env.user, r->ctx);
	r->ctx = NULL;
	outs(r, "MPY: soft reboot\r\n");
	make_interp(r);
}

static int run_code(struct qv_repl *r, const char *src, size_t len, int mode)
{
	if (!r->ctx) {
		const char *m = "RuntimeError: no interpreter (out of memory); Ctrl-D for a soft reset\n";
		qv_repl_port_write(r, QV_ERR, m, slen(m));
		return QV_EXC;
	}
	qv_cancel_interrupt(r->ctx);
	int st = qv_exec(r->ctx, src, len, "<stdin>", mode);
	/* a Ctrl-C that came as the code finished must not hit the next one */
	qv_cancel_interrupt(r->ctx);
	return st;
}

/* Runs a raw-mode program and frames its output. */
static int run_raw(struct qv_repl *r, const char *src, size_t len)
{
	r->raw_exec = true;
	r->errlen = 0;
	int st = run_code(r, src, len, QV_MODE_FILE);
	if (st != QV_EXC)
		flush_err(r); /* ordinary stderr output, not a traceback */
	out(r, "\x04", 1);
	flush_err(r);
	out(r, "\x04", 1);
	r->raw_exec = false;
	return st;
}

static void raw_error(struct qv_repl *r, const char *msg)
{
	out(r, "\x04", 1);
	outs(r, msg);
	out(r, "\x04", 1);
}

/* ------------------------------------------------------------ raw mode */
/* Raw-paste: the host streams the program; every PASTE_WINDOW bytes
 * consumed we grant it another window with 0x01. 0x04 ends the data. */
static int raw_paste(struct qv_repl *r)
{
	const uint16_t w = PASTE_WINDOW;
	char hdr[4] = {'R', 1, (char)(w & 0xff), (char)(w >> 8)};
	out(r, hdr, 4);
	r->srclen = 0;
	unsigned remain = w;
	for (;;) {
		int c = in_wait(r);
		if (c < 0)
			return -1;
		if (c == CTRL_D) {
			out(r, "\x04", 1);
			break;
		}
		if (c == CTRL_C) {
			/* abandon the paste: acknowledge, then report it */
			out(r, "\x04", 1);
			raw_error(r, "KeyboardInterrupt: paste abandoned\r\n");
			return 0;
		}
		if (r->srclen == QV_REPL_SRC_MAX) {
			/* too long: end the transfer early (0x04), wait for the
			 * host's 0x04 acknowledgement, discarding the rest */
			out(r, "\x04", 1);
			while ((c = in_wait(r)) != CTRL_D)
				if (c < 0)
					return -1;
			raw_error(r, "MemoryError: program too long for the raw REPL\r\n");
			return 0;
		}
		r->src[r->srclen++] = (char)c;
		if (--remain == 0) {
			out(r, "\x01", 1);
			remain = w;
		}
	}
	return run_raw(r, r->src, r->srclen);
}

/* Returns when the mode changes to friendly or input closes. */
static void raw_repl(struct qv_repl *r)
{
	outs(r, RAW_BANNER);
	for (;;) {
		out(r, ">", 1);
		src_clear(r);
		for (;;) {
			int c = in_wait(r);
			if (c < 0)
				return;
			if (c == CTRL_A) {
				if (r->srclen == 2 && r->src[0] == CTRL_E) {
					if (r->src[1] != 'A') {
						out(r, "R\x00", 2); /* unknown paste kind */
						r->srclen = 0;
						continue;
					}
					int st = raw_paste(r);
					if (st < 0)
						return;
					if (st == QV_EXIT)
						goto reset;
					break; /* next prompt */
				}
				outs(r, "\r\n");
				outs(r, RAW_BANNER); /* start over */
				src_clear(r);
				out(r, ">", 1);
				continue;
			}
			if (c == CTRL_B) {
				outs(r, "\r\n");
				r->mode = MODE_FRIENDLY;
				print_banner(r);
				return;
			}
			if (c == CTRL_C) {
				src_clear(r);
				continue;
			}
			if (c == CTRL_D) {
				outs(r, "OK");
				if (r->srclen == 0 && !r->src_overflow) {
					outs(r, "\r\n");
					goto reset;
				}
				if (r->src_overflow) {
					raw_error(r, "MemoryError: program too long for the raw REPL\r\n");
					break;
				}
				if (run_raw(r, r->src, r->srclen) == QV_EXIT)
					goto reset;
				break;
			}
			if (r->srclen < QV_REPL_SRC_MAX)
				r->src[r->srclen++] = (char)c;
			else
				r->src_overflow = true;
		}
		if (r->closed)
			return;
		continue;
reset:
		soft_reset(r);
		outs(r, RAW_BANNER);
	}
}

/* ------------------------------------------------------------ friendly */
/* True when the line starts a compound statement ("while x: f()" too):
 * CPython's REPL waits for a blank line after those. */
static bool compound_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {"if", "for", "while", "def", "class", "with", "try", "async"};
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '@')
		return true;
	for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++) {
		size_t m = slen(kw[k]);
		if (i + m > n)
			continue;
		bool same = true;
		for (size_t j = 0; j < m; j++)
			same &= s[i + j] == kw[k][j];
		char next = i + m < n ? s[i + m] : '\n';
		if (same && (next == ' ' || next == '\t' || next == ':' || next == '(' || next == '\n'))
			return true;
	}
	return false;
}

/* True when the gathered statement opens a block (it starts with a
 * compound keyword, or its last significant line ends with ':') or ends
 * with a backslash: CPython's REPL then waits for the blank line even if
 * the code so far compiles. */
static bool opens_block(const char *s, size_t n)
{
	if (compound_keyword(s, n))
		return true;
	size_t end = n;
	while (end && (s[end - 1] == '\n' || s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
		end--;
	if (!end)
		return false;
	if (s[end - 1] == '\\')
		return true;
	/* strip a trailing comment of the last line (not inside a string:
	 * good enough for a heuristic that only decides when to wait) */
	size_t ls = end;
	while (ls && s[ls - 1] != '\n')
		ls--;
	bool in_s = false;
	char q = 0;
	size_t last = 0;
	bool any = false;
	for (size_t i = ls; i < end; i++) {
		char c = s[i];
		if (in_s) {
			if (c == '\\')
				i++;
			else if (c == q)
				in_s = false;
		} else if (c == '\'' || c == '"') {
			in_s = true;
			q = c;
		} else if (c == '#')
			break;
		if (c != ' ' && c != '\t') {
			last = i;
			any = true;
		}
	}
	return any && s[last] == ':';
}

static void prompt(struct qv_repl *r)
{
	outs(r, r->srclen ? "... " : ">>> ");
}

static void redraw(struct qv_repl *r)
{
	outs(r, "\r");
	prompt(r);
	out(r, r->line, r->linelen);
	outs(r, "\x1b[K");
	r->cur = r->linelen;
}

/* Characters (not bytes) in s[0..n): the columns the terminal moves. */
static size_t columns(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((uint8_t)s[i] & 0xc0) != 0x80;
	return k;
}

static void cursor_left(struct qv_repl *r, size_t cols)
{
	if (!cols)
		return;
	char b[24] = "\x1b[";
	char d[20];
	int nd = 0;
	do
		d[nd++] = (char)('0' + cols % 10);
	while ((cols /= 10) && nd < 20);
	size_t k = 2;
	while (nd)
		b[k++] = d[--nd];
	b[k++] = 'D';
	out(r, b, k);
}

/* After a change at the cursor: rewrite the rest of the line, clear what
 * is left of the old one, and put the cursor back. */
static void redraw_tail(struct qv_repl *r)
{
	out(r, r->line + r->cur, r->linelen - r->cur);
	outs(r, "\x1b[K");
	cursor_left(r, columns(r->line + r->cur, r->linelen - r->cur));
}

/* Length of the character before / at byte offset i. */
static size_t char_before(const struct qv_repl *r, size_t i)
{
	size_t j = i;
	if (j)
		do
			j--;
		while (j && ((uint8_t)r->line[j] & 0xc0) == 0x80);
	return i - j;
}

static size_t char_at(const struct qv_repl *r, size_t i)
{
	size_t j = i;
	if (j < r->linelen)
		do
			j++;
		while (j < r->linelen && ((uint8_t)r->line[j] & 0xc0) == 0x80);
	return j - i;
}

static void line_insert(struct qv_repl *r, const char *s, size_t n)
{
	if (r->linelen + n > LINE_MAX - 1)
		return;
	for (size_t i = r->linelen; i > r->cur; i--)
		r->line[i - 1 + n] = r->line[i - 1];
	copy(r->line + r->cur, s, n);
	r->linelen += n;
	r->cur += n;
	out(r, s, n);
	if (r->cur < r->linelen)
		redraw_tail(r);
}

static void line_delete(struct qv_repl *r, size_t at, size_t n)
{
	for (size_t i = at; i + n < r->linelen; i++)
		r->line[i] = r->line[i + n];
	r->linelen -= n;
}

/* Backspace: the character before the cursor. */
static void line_backspace(struct qv_repl *r)
{
	size_t n = char_before(r, r->cur);
	if (!n)
		return;
	r->cur -= n;
	line_delete(r, r->cur, n);
	if (r->cur == r->linelen)
		outs(r, "\b \b");
	else {
		outs(r, "\b");
		redraw_tail(r);
	}
}

/* A byte typed into the line: UTF-8 sequences are gathered whole so the
 * terminal never sees half a character when the tail is rewritten. */
static void line_byte(struct qv_repl *r, int c)
{
	if (r->need) {
		if ((c & 0xc0) == 0x80) {
			r->pend[r->npend++] = (char)c;
			if (r->npend == r->need) {
				line_insert(r, r->pend, r->npend);
				r->need = r->npend = 0;
			}
			return;
		}
		r->need = r->npend = 0; /* broken sequence: dropped */
	}
	if (c >= 0xc0 && c < 0xf8) {
		r->need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		r->pend[0] = (char)c;
		r->npend = 1;
		return;
	}
	if (c >= 0x80)
		return; /* a stray continuation byte */
	char ch = (char)c;
	line_insert(r, &ch, 1);
}

/* ESC [ param final (or ESC O final): cursor keys and history. */
static void line_escape(struct qv_repl *r, int final, int param, int *hpos)
{
	if ((final == 'A' && *hpos + 1 < r->nhist) || (final == 'B' && *hpos >= 0)) {
		*hpos += final == 'A' ? 1 : -1;
		if (*hpos >= 0) {
			r->linelen = slen(r->hist[*hpos]);
			copy(r->line, r->hist[*hpos], r->linelen);
		} else
			r->linelen = 0;
		redraw(r);
	} else if (final == 'D' && r->cur) {
		r->cur -= char_before(r, r->cur);
		outs(r, "\b");
	} else if (final == 'C' && r->cur < r->linelen) {
		size_t n = char_at(r, r->cur);
		out(r, r->line + r->cur, n);
		r->cur += n;
	} else if (final == 'H' || (final == '~' && (param == 1 || param == 7))) {
		cursor_left(r, columns(r->line, r->cur));
		r->cur = 0;
	} else if (final == 'F' || (final == '~' && (param == 4 || param == 8))) {
		out(r, r->line + r->cur, r->linelen - r->cur);
		r->cur = r->linelen;
	} else if (final == '~' && param == 3 && r->cur < r->linelen) {
		line_delete(r, r->cur, char_at(r, r->cur));
		redraw_tail(r);
	}
}

static void add_history(struct qv_repl *r)
{
	if (!r->linelen)
		return;
	if (r->nhist && slen(r->hist[0]) == r->linelen) {
		bool same = true;
		for (size_t i = 0; i < r->linelen; i++)
			same &= r->hist[0][i] == r->line[i];
		if (same)
			return;
	}
	for (int i = HIST_N - 1; i > 0; i--)
		copy(r->hist[i], r->hist[i - 1], LINE_MAX);
	copy(r->hist[0], r->line, r->linelen);
	r->hist[0][r->linelen] = 0;
	if (r->nhist < HIST_N)
		r->nhist++;
}

static bool src_add(struct qv_repl *r, const char *s, size_t n)
{
	if (r->srclen + n > QV_REPL_SRC_MAX) {
		r->src_overflow = true;
		return false;
	}
	copy(r->src + r->srclen, s, n);
	r->srclen += n;
	return true;
}

/* Paste mode (Ctrl-E): everything up to Ctrl-D is one program, run as a
 * file; Ctrl-C cancels it. */
static void paste_mode(struct qv_repl *r)
{
	outs(r, "\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ");
	src_clear(r);
	bool cr = false;
	for (;;) {
		int c = in_wait(r);
		if (c < 0)
			return;
		if (c == CTRL_C) {
			outs(r, "\r\n");
			r->srclen = 0;
			return;
		}
		if (c == CTRL_D) {
			outs(r, "\r\n");
			break;
		}
		if (c == '\n' && cr) {
			cr = false;
			continue;
		}
		cr = c == '\r';
		if (c == '\r' || c == '\n') {
			src_add(r, "\n", 1);
			outs(r, "\r\n=== ");
			continue;
		}
		char ch = (char)c;
		src_add(r, &ch, 1);
		out(r, &ch, 1);
	}
	size_t n = r->srclen;
	r->srclen = 0;
	if (r->src_overflow) {
		outs(r, "MemoryError: paste too long\r\n");
		return;
	}
	if (run_code(r, r->src, n, QV_MODE_FILE) == QV_EXIT) {
		soft_reset(r);
		print_banner(r);
	}
}

/* Runs what has been gathered, after the line that may complete it.
 * Returns true when more lines are wanted. A statement whose first line
 * opens a block waits for a blank line (as in CPython); one left open by a
 * bracket or a string runs as soon as it compiles. force (Ctrl-D) runs
 * whatever there is. */
static bool friendly_submit(struct qv_repl *r, bool blank, bool force)
{
	if (r->src_overflow) {
		outs(r, "MemoryError: statement too long\r\n");
		src_clear(r);
		return false;
	}
	if (r->srclen == 0)
		return false;
	size_t first_end = 0;
	while (first_end < r->srclen && r->src[first_end] != '\n')
		first_end++;
	bool block = opens_block(r->src, first_end);
	if (block && !blank && !force)
		return true;
	int st = run_code(r, r->src, r->srclen, QV_MODE_SINGLE);
	if (st == QV_INCOMPLETE && !force && !(blank && block))
		return true;
	if (st == QV_INCOMPLETE)
		st = run_code(r, r->src, r->srclen, QV_MODE_FILE); /* report the error */
	r->srclen = 0;
	if (st == QV_EXIT) {
		soft_reset(r);
		print_banner(r);
	}
	return false;
}

static void new_line(struct qv_repl *r)
{
	r->linelen = r->cur = 0;
	r->need = r->npend = 0;
}

static void friendly_repl(struct qv_repl *r)
{
	int esc = 0; /* 0 none, 1 after ESC, 2 inside ESC [ or ESC O */
	int param = 0;
	int hpos = -1;
	new_line(r);
	src_clear(r);
	prompt(r);
	for (;;) {
		int c = in_wait(r);
		if (c < 0)
			return;
		if (esc == 1) {
			esc = (c == '[' || c == 'O') ? 2 : 0;
			param = 0;
			continue;
		}
		if (esc == 2) {
			if (c >= '0' && c <= '9')
				param = param < 1000 ? param * 10 + (c - '0') : param;
			else if (c >= 0x40 && c <= 0x7e) {
				esc = 0;
				line_escape(r, c, param, &hpos);
			}
			continue;
		}
		if (c == '\n' && r->after_cr) {
			r->after_cr = false;
			continue;
		}
		r->after_cr = c == '\r';
		switch (c) {
		case ESC:
			esc = 1;
			continue;
		case CTRL_A:
			outs(r, "\r\n");
			r->mode = MODE_RAW;
			return;
		case CTRL_B:
			outs(r, "\r\n");
			print_banner(r);
			new_line(r);
			r->srclen = 0;
			prompt(r);
			continue;
		case CTRL_C:
			outs(r, "\r\n");
			new_line(r);
			src_clear(r);
			hpos = -1;
			prompt(r);
			continue;
		case CTRL_D:
			if (r->linelen)
				continue;
			outs(r, "\r\n");
			if (r->srclen) {
				/* end a block without the blank line */
				friendly_submit(r, true, true);
				prompt(r);
				continue;
			}
			soft_reset(r);
			print_banner(r);
			prompt(r);
			continue;
		case CTRL_E:
			paste_mode(r);
			if (r->closed)
				return;
			new_line(r);
			prompt(r);
			continue;
		case 0x08:
		case 0x7f:
			line_backspace(r);
			continue;
		case '\t':
			/* no completion: indent by four spaces */
			line_insert(r, "    ", 4);
			continue;
		case '\r':
		case '\n': {
			/* the cursor may be mid-line: move the terminal's to the end */
			out(r, r->line + r->cur, r->linelen - r->cur);
			outs(r, "\r\n");
			add_history(r);
			hpos = -1;
			bool blank = true;
			for (size_t i = 0; i < r->linelen; i++)
				if (r->line[i] != ' ' && r->line[i] != '\t')
					blank = false;
			if (!(blank && r->srclen == 0)) {
				src_add(r, r->line, r->linelen);
				src_add(r, "\n", 1);
				new_line(r);
				if (!friendly_submit(r, blank, false))
					r->srclen = 0;
			}
			new_line(r);
			if (r->closed)
				return;
			prompt(r);
			continue;
		}
		default:
			if (c < 0x20)
				continue; /* other control bytes do nothing */
			line_byte(r, c);
			continue;
		}
	}
}

void qv_repl_run(struct qv_repl *r)
{
	make_interp(r);
	print_banner(r);
	while (!r->closed) {
		if (r->mode == MODE_RAW)
			raw_repl(r);
		else
			friendly_repl(r);
	}
	if (r->ctx)
		r->env.free_interp(r->env.user, r->ctx);
	r->ctx = NULL;
}
