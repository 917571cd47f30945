/* The console hub: the UART-owning sandbox multiplexes every sandbox's
 * console over its one serial line (docs/console.md).
 *
 * Plain mode (at boot) is for a person on a raw terminal: each line goes
 * out as "[sbN] line", input goes to the focused sandbox, Ctrl-] then a
 * hex digit moves the focus. Framed mode (after the host tool's handshake)
 * carries every chunk in a checksummed frame (frame.h).
 *
 * The hub is pure logic over three hooks, so the same code runs on the
 * board and in the host tests: no allocation, no global state, everything
 * lives in the struct qv_hub the caller owns. Not thread-safe: the caller
 * serialises calls (the hub sandbox's console thread). */
#ifndef QUESTV_CONSOLE_HUB_H
#define QUESTV_CONSOLE_HUB_H

#include <questv/types.h>
#include "frame.h"

#ifndef QV_HUB_RING_SIZE
#define QV_HUB_RING_SIZE 2048u /* per sandbox, output kept while nobody reads it */
#endif
#define QV_HUB_LINE_MAX 160u   /* longest partial line kept for redisplay */
#ifndef QV_HUB_LOG_SIZE
#define QV_HUB_LOG_SIZE 2048u  /* per sandbox, kernel log lines not yet sent */
#endif
#define QV_HUB_VERSION 1u
#define QV_HUB_NONE 0xFFu

/* The plain-to-framed handshake: DLE STX "QVF1" DLE ETX. Nobody types
 * Ctrl-P Ctrl-B by accident, and all eight bytes survive a raw terminal. */
#define QV_HUB_HANDSHAKE { 0x10u, 0x02u, 'Q', 'V', 'F', '1', 0x10u, 0x03u }
#define QV_HUB_HANDSHAKE_LEN 8u
#define QV_HUB_ESCAPE 0x1Du /* Ctrl-] */
#define QV_HUB_CTRL_C 0x03u

enum qv_hub_mode { QV_HUB_PLAIN, QV_HUB_FRAMED };

struct qv_hub_io {
	/* Writes bytes to the UART; returns how many it took (0 = nobody
	 * listens or the FIFO is full: the hub keeps the rest for later). */
	size_t (*write)(void *ctx, const u8 *p, size_t n);
	/* Input for sandbox sb (its console's "in" channel). */
	void (*input)(void *ctx, u8 sb, const u8 *p, size_t n);
	/* Ctrl-C for sandbox sb, out of band so that a busy sandbox that does
	 * not read its input still gets KeyboardInterrupt. */
	void (*brk)(void *ctx, u8 sb);
	void *ctx;
};

struct qv_hub_console {
	u8 ring[QV_HUB_RING_SIZE];
	u32 head;  /* oldest byte */
	u32 count;
	u32 dropped_unreported;
	u32 dropped_total;
	/* Plain mode: the part of the unfinished line already on the wire,
	 * written again after another sandbox's line interrupted it. */
	bool mid_line;
	u16 shown_len;
	u8 shown[QV_HUB_LINE_MAX];
	/* The sandbox's log stream (kernel lines: heartbeat, faults), kept
	 * apart from its console bytes so a REPL's byte stream never carries
	 * them: LOG frames in framed mode, whole lines between the console's
	 * lines in plain mode. Each line ends with '\n' in the ring. */
	u32 log_head;
	u32 log_count;
	u32 log_dropped; /* bytes of whole lines lost because the ring was full */
	u8 log[QV_HUB_LOG_SIZE];
};

enum qv_hub_notice { QV_NOTE_NONE, QV_NOTE_FOCUS, QV_NOTE_NO_SB, QV_NOTE_HELP, QV_NOTE_PLAIN };

struct qv_hub {
	struct qv_hub_io io;
	u16 present; /* bit N: sandbox N has a console */
	u8 hub_sb;
	u8 mode;     /* enum qv_hub_mode */
	bool listening;
	u8 focus;
	u8 open_sb;  /* plain: whose unfinished line the cursor is on, or NONE */
	u8 next_rr;  /* round-robin start */
	u8 tx_seq;
	u8 hs_pos;   /* handshake bytes matched so far */
	bool escape; /* Ctrl-] seen */
	u8 notice;   /* enum qv_hub_notice, plain mode */
	u8 notice_arg;
	/* Control frames waiting to go out (sent in either mode). */
	bool hello_pending;
	u8 hello_nonce[4];
	u8 ack_pending; /* type acknowledged, 0 = none */
	bool stats_pending;
	u32 frames_sent;
	u32 breaks;
	u32 hub_invalid; /* good frames for a sandbox without a console */
	struct qv_frame_decoder dec;
	u16 tx_len;
	u16 tx_off;
	u8 tx[QV_FRAME_MAX_WIRE];
	struct qv_hub_console con[QV_FRAME_MAX_SB];
};

/* sandboxes: bit N set for each sandbox N (< 16) with a console; hub_sb
 * is the hub's own sandbox (reported to the host). Starts in plain mode,
 * input focused on the lowest sandbox present. */
void qv_hub_init(struct qv_hub *h, const struct qv_hub_io *io, u16 sandboxes, u8 hub_sb);

/* Sandbox sb produced output. Always taken: when the buffer is full the
 * oldest bytes are dropped and counted. Returns n, or 0 if sb has no
 * console. Nothing is written to the UART until qv_hub_pump(). */
size_t qv_hub_output(struct qv_hub *h, u8 sb, const u8 *p, size_t n);

/* One log line of sandbox sb (no newline; cut at QV_FRAME_MAX_PAYLOAD - 1
 * bytes). When the log ring is full the oldest whole lines are dropped.
 * Returns false if sb has no console. */
bool qv_hub_log(struct qv_hub *h, u8 sb, const u8 *p, size_t n);

/* Whether anybody is on the line (e.g. from the 16550's DSR/DCD bits, or
 * false from boot on a board whose serial line is usually unattended).
 * While false the hub writes nothing and output waits in the per-sandbox
 * buffers. Any byte received, a key or the handshake, sets it again.
 * qv_hub_init() starts listening: a person may watch the boot. */
void qv_hub_set_listening(struct qv_hub *h, bool on);

/* Bytes received from the UART. */
void qv_hub_rx(struct qv_hub *h, const u8 *p, size_t n);

/* Writes as much pending output as the UART takes. Returns true if output
 * remains (call again when the UART has room). */
bool qv_hub_pump(struct qv_hub *h);

enum qv_hub_mode qv_hub_mode(const struct qv_hub *h);
u8 qv_hub_focus(const struct qv_hub *h);
u32 qv_hub_dropped(const struct qv_hub *h, u8 sb);
u32 qv_hub_pending(const struct qv_hub *h, u8 sb);
u32 qv_hub_log_pending(const struct qv_hub *h, u8 sb);
/* The counters of a STATS frame, in QV_HUB_STATS order. */
void qv_hub_stats(const struct qv_hub *h, u32 out[QV_HUB_NSTATS]);

#endif
