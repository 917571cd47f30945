/* Consoles over channels; see conlink.h. Every entry point runs with
 * interrupts off: threads of this kernel print, and the hub and the channel
 * ends are not reentrant (one core per sandbox, so that serialises them). */
#include "kernel.h"
#include "chanlink.h"
#include "conlink.h"
#include "console/hub.h"
#include "irq.h"

#define OUT_WAIT_MS   20u  /* a full "out" channel: how long a line waits for the hub */
#define INPUT_LINE    120u
#define INPUT_BUF     1024u /* hub: typed bytes waiting for room in a sandbox's "in" */

static struct qv_hub hub;
static bool hub_on;
static struct kchan *con_out[QV_FRAME_MAX_SB]; /* hub: sandbox N's output */
static struct kchan *con_in[QV_FRAME_MAX_SB];  /* hub: sandbox N's input */
static struct kchan *my_out, *my_in;           /* not the hub: our own pair */
static u8 pending_in[QV_FRAME_MAX_SB][INPUT_BUF];
static u32 pending_len[QV_FRAME_MAX_SB];
static volatile u32 *uart_lock;
static bool lock_held;
static u64 lines_dropped;
/* Received bytes, read out of the 16-byte FIFO whenever the hub touches the
 * UART (also while it waits to send), so that a long burst of output does
 * not let typed bytes or the host's handshake overrun it. */
static u8 rxq[512];
static u8 last_plain; /* the last plain-mode byte on the wire */
static u32 rxq_len;

/* Stream input (a REPL reads the console): typed bytes wait here for
 * conlink_getc(). Without a reader the console echoes whole lines. */
#define STREAM_IN 4096u
static bool stream_mode;
static u8 stream_in[STREAM_IN];
static u32 stream_head, stream_count;
static u64 stream_in_dropped;

static char input[INPUT_LINE];
static u32 input_len;
static char done_line[INPUT_LINE];
static u32 done_len;
static bool done_ready, break_seen;

static bool name_is(const struct kchan *k, const char *suffix)
{
	const char *n = k->info.name;
	u32 len = (u32)strnlen(n, QV_NAME_LEN), sl = (u32)strnlen(suffix, 8);

	return len > 3 + sl && n[0] == 'c' && n[1] == 'o' && n[2] == 'n' &&
	       !memcmp(n + len - sl, suffix, sl);
}

/* ---- input, in every sandbox: a line of typed bytes is echoed back ---- */

static void input_bytes(const u8 *p, size_t n)
{
	if (stream_mode) {
		for (size_t i = 0; i < n; i++) {
			if (stream_count == STREAM_IN) {
				stream_in_dropped++;
				continue;
			}
			stream_in[(stream_head + stream_count++) % STREAM_IN] = p[i];
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		u8 c = p[i];
		if (c == QV_HUB_CTRL_C) {
			break_seen = true;
		} else if (c == '\r' || c == '\n') {
			if (!input_len || done_ready)
				continue;
			memcpy(done_line, input, input_len);
			done_len = input_len;
			done_ready = true;
			input_len = 0;
		} else if (input_len < INPUT_LINE - 1 && c >= 0x20 && c < 0x7F) {
			input[input_len++] = (char)c;
		}
	}
}

/* Called with interrupts on (kprintf takes them off itself); the line is
 * taken with them off, so that two threads that poll never both print it. */
static void input_report(void)
{
	char line[INPUT_LINE];
	u64 f = irq_off();
	bool brk = break_seen, have = done_ready;

	break_seen = done_ready = false;
	if (have) {
		memcpy(line, done_line, done_len);
		line[done_len] = 0;
	}
	irq_restore(f);
	if (brk)
		kprintf("console break");
	if (have)
		kprintf("console input: %s", line);
}

/* ---- the hub ------------------------------------------------------------ */

static void lock_take(void)
{
	u32 free_v = 0;

	if (!uart_lock || lock_held)
		return;
	while (!__atomic_compare_exchange_n(uart_lock, &free_v, QV_UART_LOCK_GUEST, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free_v = 0;
		__asm__ volatile("pause");
	}
	lock_held = true;
}

static void lock_drop(void)
{
	if (lock_held) {
		__atomic_store_n(uart_lock, 0, __ATOMIC_RELEASE);
		lock_held = false;
	}
}

static void rx_drain(void)
{
	while (rxq_len < sizeof(rxq) && (inb(kboot.uart_port + 5) & 1))
		rxq[rxq_len++] = inb(kboot.uart_port);
}

static void uart_byte(u8 b)
{
	while (!(inb(kboot.uart_port + 5) & 0x20)) {
		rx_drain();
		__asm__ volatile("pause");
	}
	outb(kboot.uart_port, b);
}

/* Plain mode hands the UART one line per lock, framed mode one frame (the
 * hub writes a frame per call), so the monitors' lines fall between them. */
static size_t hub_write(void *ctx, const u8 *p, size_t n)
{
	size_t take = n;
	/* A frame (also a control frame answered in plain mode, like the ACK of
	 * a BYE) is staged whole in hub.tx, flag to flag, and always taken whole
	 * here; anything else is plain text. */
	bool plain = !(p == hub.tx && n >= 2 && p[0] == QV_FRAME_FLAG && p[n - 1] == QV_FRAME_FLAG);

	(void)ctx;
	if (!n)
		return 0;
	if (plain)
		for (size_t i = 0; i < n; i++)
			if (p[i] == '\n') {
				take = i + 1;
				break;
			}
	lock_take();
	for (size_t i = 0; i < take; i++) {
		/* A terminal wants CR LF (a REPL writes it already); frames go out
		 * as they are. */
		if (plain && p[i] == '\n' && last_plain != '\r')
			uart_byte('\r');
		uart_byte(p[i]);
		if (plain)
			last_plain = p[i];
	}
	if (!plain || p[take - 1] == '\n')
		lock_drop();
	return take;
}

static void hub_input(void *ctx, u8 sb, const u8 *p, size_t n)
{
	(void)ctx;
	if (sb == kboot.sandbox_id)
		input_bytes(p, n);
	else if (sb < QV_FRAME_MAX_SB && con_in[sb])
		/* The hub hands plain-mode keys over one by one: gather them so a
		 * line takes one message, not one slot per key. */
		for (size_t i = 0; i < n && pending_len[sb] < INPUT_BUF; i++)
			pending_in[sb][pending_len[sb]++] = p[i];
}

/* Typed bytes into the "in" channels, as much as they take; the rest waits
 * (a sandbox that never reads loses what does not fit, as with a UART). */
static void flush_input(void)
{
	for (u32 sb = 0; sb < QV_FRAME_MAX_SB; sb++) {
		u32 off = 0;
		while (con_in[sb] && off < pending_len[sb]) {
			u32 len = pending_len[sb] - off;
			if (len > con_in[sb]->info.slot_size)
				len = con_in[sb]->info.slot_size;
			if (qv_chan_send(&con_in[sb]->tx, pending_in[sb] + off, len, QV_CHAN_POLL,
					 NULL) != QV_CHAN_OK)
				break;
			off += len;
		}
		if (off) {
			memmove(pending_in[sb], pending_in[sb] + off, pending_len[sb] - off);
			pending_len[sb] -= off;
		}
	}
}

static void hub_break(void *ctx, u8 sb)
{
	const u8 c = QV_HUB_CTRL_C;

	hub_input(ctx, sb, &c, 1);
}

static void hub_poll_locked(void)
{
	u8 rx[sizeof(rxq)], buf[QV_FRAME_MAX_PAYLOAD];

	rx_drain();
	u32 n = rxq_len;
	memcpy(rx, rxq, n);
	rxq_len = 0;
	if (n)
		qv_hub_rx(&hub, rx, n);
	flush_input();
	for (u32 sb = 0; sb < QV_FRAME_MAX_SB; sb++) {
		/* Console bytes stay in the channel until the hub's ring has room
		 * for a whole message: the sender waits, nothing is dropped. */
		for (u32 k = 0; con_out[sb] && k < 16; k++) {
			if (qv_hub_pending(&hub, (u8)sb) > QV_HUB_RING_SIZE - sizeof(buf))
				break;
			u32 len = 0;
			enum qv_chan_status st = qv_chan_recv(&con_out[sb]->rx, buf, sizeof(buf), &len,
							      QV_CHAN_POLL, NULL);
			if (st == QV_CHAN_E_EMPTY || st == QV_CHAN_E_CURSOR_BACK ||
			    st == QV_CHAN_E_CURSOR_AHEAD)
				break;
			if (st != QV_CHAN_OK || !len)
				continue;
			/* First byte: what the rest is (conlink.h). */
			if (buf[0] == CON_MSG_LOG)
				qv_hub_log(&hub, (u8)sb, buf + 1, len - 1);
			else if (buf[0] == CON_MSG_BYTES)
				qv_hub_output(&hub, (u8)sb, buf + 1, len - 1);
		}
	}
	while (qv_hub_pump(&hub))
		;
	lock_drop();
}

static void hub_init(void)
{
	const struct qv_chaninfo *ci = chanlink_info();
	u16 present = (u16)(1u << kboot.sandbox_id);
	struct qv_hub_io io = { hub_write, hub_input, hub_break, NULL };

	for (u32 i = 0; i < chanlink_count(); i++) {
		struct kchan *k = chanlink_at(i);
		if (k->attach != QV_CHAN_OK || k->info.peer >= QV_FRAME_MAX_SB)
			continue;
		if (k->info.role == QV_CHAN_ROLE_CONSUMER && name_is(k, ".out")) {
			con_out[k->info.peer] = k;
			present |= (u16)(1u << k->info.peer);
		} else if (k->info.role == QV_CHAN_ROLE_PRODUCER && name_is(k, ".in")) {
			con_in[k->info.peer] = k;
		}
	}
	uart_lock = ci->uart_lock_gpa ? (volatile u32 *)(uintptr_t)ci->uart_lock_gpa : NULL;
	qv_hub_init(&hub, &io, present, (u8)kboot.sandbox_id);
	hub_on = true;
}

/* ---- entry points ------------------------------------------------------- */

void conlink_init(void)
{
	if (!kernel_isolated() || kboot.sandbox_id >= QV_FRAME_MAX_SB)
		return;
	if (kboot.uart_port) {
		hub_init();
		return;
	}
	for (u32 i = 0; i < chanlink_count(); i++) {
		struct kchan *k = chanlink_at(i);
		if (k->attach != QV_CHAN_OK)
			continue;
		if (k->info.role == QV_CHAN_ROLE_PRODUCER && name_is(k, ".out"))
			my_out = k;
		else if (k->info.role == QV_CHAN_ROLE_CONSUMER && name_is(k, ".in"))
			my_in = k;
	}
}

bool conlink_is_hub(void)
{
	return hub_on;
}

static u32 out_cap(void)
{
	return my_out->info.slot_size < QV_FRAME_MAX_PAYLOAD ? my_out->info.slot_size :
							       QV_FRAME_MAX_PAYLOAD;
}

/* Interrupts off. */
static bool try_send_log(const char *s, size_t n)
{
	u8 buf[QV_FRAME_MAX_PAYLOAD];
	u32 len = (u32)(n < out_cap() - 1 ? n : out_cap() - 1);

	buf[0] = CON_MSG_LOG;
	memcpy(buf + 1, s, len);
	return qv_chan_send(&my_out->tx, buf, len + 1, QV_CHAN_POLL, NULL) == QV_CHAN_OK;
}

bool conlink_emit(const char *s, size_t n)
{
	if (!hub_on && !my_out)
		return false;
	u64 f = irq_off();
	if (hub_on) {
		qv_hub_log(&hub, (u8)kboot.sandbox_id, (const u8 *)s, n);
		hub_poll_locked();
		irq_restore(f);
		return true;
	}
	/* A full "out" channel: wait for the hub at most OUT_WAIT_MS, with
	 * interrupts as the caller had them, so the timer (and every other
	 * thread of this sandbox) is not held up while this line waits. */
	u64 deadline = rdtsc() + kboot.tsc_khz * OUT_WAIT_MS;
	while (!try_send_log(s, n)) {
		if (rdtsc() >= deadline) {
			lines_dropped++;
			break;
		}
		irq_restore(f);
		for (u32 i = 0; i < 64; i++)
			__asm__ volatile("pause");
		irq_off();
	}
	irq_restore(f);
	return true;
}

long conlink_write(const u8 *p, size_t n)
{
	if (!hub_on && !my_out)
		return -1;
	u64 f = irq_off();
	long took = 0;

	if (hub_on) {
		/* The hub's own console: into its ring a message's worth at a
		 * time, each pumped to the UART before the next. */
		while ((size_t)took < n) {
			size_t len = n - (size_t)took;
			if (len > QV_FRAME_MAX_PAYLOAD)
				len = QV_FRAME_MAX_PAYLOAD;
			qv_hub_output(&hub, (u8)kboot.sandbox_id, p + took, len);
			took += (long)len;
			hub_poll_locked();
		}
	} else {
		u8 buf[QV_FRAME_MAX_PAYLOAD];
		while ((size_t)took < n) {
			size_t len = n - (size_t)took;
			if (len > out_cap() - 1)
				len = out_cap() - 1;
			buf[0] = CON_MSG_BYTES;
			memcpy(buf + 1, p + took, len);
			if (qv_chan_send(&my_out->tx, buf, (u32)len + 1, QV_CHAN_POLL, NULL) !=
			    QV_CHAN_OK)
				break; /* full: the caller waits and comes back */
			took += (long)len;
		}
	}
	irq_restore(f);
	return took;
}

/* Interrupts off: input waiting in our "in" channel into the input. */
static void pull_input(void)
{
	u8 buf[QV_FRAME_MAX_PAYLOAD];
	u32 len = 0;

	for (u32 k = 0; k < 8; k++) {
		if (stream_mode && stream_count + sizeof(buf) > STREAM_IN)
			break; /* the rest waits in the channel */
		if (qv_chan_recv(&my_in->rx, buf, sizeof(buf), &len, QV_CHAN_POLL, NULL))
			break;
		input_bytes(buf, len);
	}
}

void conlink_stream_input(void)
{
	u64 f = irq_off();

	stream_mode = true;
	irq_restore(f);
}

int conlink_getc(void)
{
	u64 f = irq_off();
	int c = -1;

	if (!stream_count) {
		if (hub_on)
			hub_poll_locked();
		else if (my_in)
			pull_input();
	}
	if (stream_count) {
		c = stream_in[stream_head];
		stream_head = (stream_head + 1) % STREAM_IN;
		stream_count--;
	}
	irq_restore(f);
	return c;
}

void conlink_poll(void)
{
	u64 f = irq_off();

	if (hub_on)
		hub_poll_locked();
	else if (my_in)
		pull_input();
	irq_restore(f);
	input_report();
}
