/*
 * Channels: one-direction shared-memory mailboxes between two sandboxes.
 *
 * A channel is two pieces of memory that the monitors map into the peers:
 *   - the producer region (header, producer cursor, slots): writable by the
 *     producer, read-only to the consumer;
 *   - the consumer page (consumer cursor): writable by the consumer,
 *     read-only to the producer.
 * Each end keeps its private state (struct qv_chan_tx / qv_chan_rx) in its
 * own memory and treats everything the peer writes as untrusted. The byte
 * layout is in docs/channels.md; qv_chan_layout() sizes the regions.
 *
 * No hardware, no allocation, no global state: waiting goes through the
 * caller's qv_chan_wait hooks, so the same file builds for the board
 * (freestanding) and for the host tests.
 */
#ifndef QUESTV_CHAN_H
#define QUESTV_CHAN_H

#include <questv/types.h>

#define QV_CHAN_PAGE            4096u
#define QV_CHAN_VERSION         1u
#define QV_CHAN_PROD_MAGIC      0x50435651u /* "QVCP" little-endian */
#define QV_CHAN_CONS_MAGIC      0x43435651u /* "QVCC" little-endian */
#define QV_CHAN_SLOT_MAGIC      0x534c4f54u /* folded into each slot's check word */
#define QV_CHAN_SLOT_SIZE_MIN   8u
#define QV_CHAN_SLOT_SIZE_MAX   65536u
#define QV_CHAN_SLOTS_MIN       2u
#define QV_CHAN_SLOTS_MAX       4096u
#define QV_CHAN_SLOT_HDR        16u  /* seq (u64), len (u32), check (u32) */
#define QV_CHAN_SLOTS_OFF       128u /* first slot, from the producer region's start */

/* Timeouts for send and recv: 0 polls once, QV_CHAN_FOREVER blocks. */
#define QV_CHAN_POLL            0ull
#define QV_CHAN_FOREVER         UINT64_MAX

/* Every result of the API. Names and one-line meanings are in qv_chan_strerror. */
#define QV_CHAN_STATUS_LIST(X) \
	X(OK,           "ok") \
	X(E_PARAM,      "bad parameter (geometry, size or pointer)") \
	X(E_FULL,       "channel full (send polled)") \
	X(E_EMPTY,      "channel empty (recv polled)") \
	X(E_TIMEOUT,    "timed out") \
	X(E_TOO_BIG,    "message longer than the slot size") \
	X(E_BUF_SMALL,  "receive buffer shorter than the message") \
	X(E_SLOT_SEQ,   "slot header names another message (stale or garbled)") \
	X(E_SLOT_CHECK, "slot header check word wrong (garbled or torn)") \
	X(E_SLOT_LEN,   "slot length beyond the slot size") \
	X(E_CURSOR_BACK, "peer cursor ran backwards") \
	X(E_CURSOR_AHEAD, "peer cursor jumped ahead of what is possible")

#define QV_CHAN_ENUM_(name, text) QV_CHAN_##name,
enum qv_chan_status { QV_CHAN_STATUS_LIST(QV_CHAN_ENUM_) QV_CHAN_NSTATUS };
#undef QV_CHAN_ENUM_

/* Sizes of a channel of the given geometry. Both ends and the monitor
 * compute it from (slot_size, slot_count) alone. */
struct qv_chan_layout {
	u32 slot_size;       /* payload bytes per slot, multiple of 8 */
	u32 slot_count;      /* power of two */
	u32 slot_stride;     /* QV_CHAN_SLOT_HDR + slot_size */
	u32 slots_off;       /* QV_CHAN_SLOTS_OFF */
	u32 producer_pages;  /* 4 KiB pages of the producer region */
	u32 consumer_pages;  /* always 1 */
	u32 total_pages;     /* producer_pages + consumer_pages */
	u32 reserved;
};

/* QV_CHAN_OK and *out filled if slot_size is a multiple of 8 in
 * [QV_CHAN_SLOT_SIZE_MIN, QV_CHAN_SLOT_SIZE_MAX] and slot_count a power of
 * two in [QV_CHAN_SLOTS_MIN, QV_CHAN_SLOTS_MAX]; else QV_CHAN_E_PARAM. */
enum qv_chan_status qv_chan_layout(u32 slot_size, u32 slot_count, struct qv_chan_layout *out);

/* How the caller waits. now() is monotonic in any unit the caller picks
 * (timeouts use the same unit); relax() is called between polls (pause,
 * yield to another thread, or halt until a doorbell). Both are required
 * only for waits with a non-zero timeout; ctx is passed back to all hooks.
 *
 * The doorbell (optional; polling needs none of it). A consumer whose
 * relax() sleeps until woken sets `sleeps`: recv then arms the doorbell
 * word in the consumer page before each relax() and disarms it after. A
 * producer that passes `ring` has it called after each send that found the
 * doorbell armed (the kernel asks its monitor to interrupt the consumer's
 * core). The fences that make this safe cost only the ends that use it. */
struct qv_chan_wait {
	u64 (*now)(void *ctx);
	void (*relax)(void *ctx);
	void *ctx;
	void (*ring)(void *ctx);
	bool sleeps;
};

/* Per end; `waits` counts calls that found the channel full (tx) or empty
 * (rx) and had to wait, `doorbells` the rings (tx) or the sleeps with the
 * doorbell armed (rx), `errors` every error of the peer the end detected,
 * by kind in by_status. Caller mistakes (E_PARAM, E_TOO_BIG, E_BUF_SMALL)
 * and ordinary outcomes (E_FULL, E_EMPTY, E_TIMEOUT) are in by_status but
 * not in `errors`. */
struct qv_chan_stats {
	u64 messages;
	u64 bytes;
	u64 waits;
	u64 timeouts;
	u64 doorbells;
	u64 errors;
	u64 by_status[QV_CHAN_NSTATUS];
};

/* The shared pages, as seen by either end. Opaque here; docs/channels.md. */
struct qv_chan_prod_page;
struct qv_chan_cons_page;

/* The producer end: private state in the producer's memory. */
struct qv_chan_tx {
	struct qv_chan_prod_page *prod;       /* own pages, written */
	const struct qv_chan_cons_page *cons; /* peer's page, only read */
	struct qv_chan_layout lay;
	u64 head;                             /* authoritative; never read back */
	struct qv_chan_stats st;
};

/* The consumer end: private state in the consumer's memory. */
struct qv_chan_rx {
	const struct qv_chan_prod_page *prod; /* peer's pages, only read */
	struct qv_chan_cons_page *cons;       /* own page, written */
	struct qv_chan_layout lay;
	u64 tail;                             /* authoritative; never read back */
	struct qv_chan_stats st;
};

/*
 * Attach the producer end. prod points at the producer region
 * (producer_pages pages, writable), cons at the consumer page (readable).
 * The channel memory must be zero when the channel is created; after that
 * either end may attach (and re-attach after a restart) in any order: a
 * producer region whose header matches the geometry is resumed with its
 * cursor, anything else is formatted afresh with the cursor set to the
 * consumer's, so the ring starts empty.
 */
enum qv_chan_status qv_chan_tx_attach(struct qv_chan_tx *tx, void *prod, const void *cons,
				      u32 slot_size, u32 slot_count);

/* Attach the consumer end; as above with the roles exchanged. A consumer
 * page formatted afresh starts at most slot_count messages behind the
 * producer, so nothing a fresh channel already carries is lost. */
enum qv_chan_status qv_chan_rx_attach(struct qv_chan_rx *rx, const void *prod, void *cons,
				      u32 slot_size, u32 slot_count);

/*
 * Send len bytes (0 <= len <= slot_size). On a full channel: timeout 0
 * fails with E_FULL, QV_CHAN_FOREVER waits, anything else waits until
 * now() has advanced by timeout and then fails with E_TIMEOUT. Never
 * overwrites an unconsumed message. A consumer cursor that is impossible
 * (ahead of the producer, or more than slot_count behind) fails at once
 * with E_CURSOR_AHEAD / E_CURSOR_BACK and nothing is written.
 */
enum qv_chan_status qv_chan_send(struct qv_chan_tx *tx, const void *msg, u32 len,
				 u64 timeout, const struct qv_chan_wait *w);

/*
 * Receive the next message into buf (cap bytes); *len gets its length.
 * Waiting as for send, with E_EMPTY for a poll. Errors of the producer:
 *   E_CURSOR_BACK / E_CURSOR_AHEAD: the producer's cursor is impossible;
 *     nothing is consumed, a later call succeeds once it is sane again.
 *   E_SLOT_SEQ / E_SLOT_CHECK / E_SLOT_LEN: the next slot is garbage; it is
 *     consumed (skipped) so the channel goes on with the next one.
 * E_BUF_SMALL leaves the message in the channel and sets *len to its length.
 * Nothing is ever read outside the producer region.
 */
enum qv_chan_status qv_chan_recv(struct qv_chan_rx *rx, void *buf, u32 cap, u32 *len,
				 u64 timeout, const struct qv_chan_wait *w);

/* Messages the consumer has not taken yet, as each end can see it; 0 if the
 * peer's cursor is impossible. */
u32 qv_chan_tx_pending(const struct qv_chan_tx *tx);
u32 qv_chan_rx_pending(const struct qv_chan_rx *rx);

/* Short name ("E_FULL") and one-line meaning of a status. */
const char *qv_chan_status_name(enum qv_chan_status s);
const char *qv_chan_strerror(enum qv_chan_status s);

#endif
