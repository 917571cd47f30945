/*
 * Channel ring: see chan.h for the API and docs/channels.md for the layout.
 *
 * Memory ordering. Every access to shared memory is a C11 atomic, so the
 * code is free of data races by the language's rules whatever the peer
 * does; on x86-64 the relaxed and acquire loads and the relaxed and release
 * stores all compile to plain MOVs, and the orderings below only stop the
 * compiler from moving accesses across the cursor updates. The protocol is
 * a single-producer single-consumer ring with two release/acquire pairs:
 *   - the producer fills a slot, then stores its cursor with release; the
 *     consumer loads that cursor with acquire before reading the slot, so
 *     it sees the whole message (write-before-publish);
 *   - the consumer copies a slot out, then stores its cursor with release;
 *     the producer loads that cursor with acquire before refilling the
 *     slot, so it never overwrites a message still being read
 *     (read-before-reuse).
 * x86-TSO already keeps stores in order and loads in order, and never moves
 * a store before an earlier load, which is exactly what these two pairs
 * need; no fence instruction is emitted.
 *
 * The doorbell is the one place that needs store-to-load order, which TSO
 * does not give: the consumer stores "armed" then loads the producer's
 * cursor, the producer stores its cursor then loads "armed". Both stores
 * are then seq_cst exchanges (a locked XCHG, a full barrier) and both loads
 * seq_cst, so all four are in one total order and at least one side sees
 * the other's store: a consumer never sleeps on a message nobody will ring
 * for. Ends that do not use the doorbell keep the plain release store.
 *
 * Distrust. Each end keeps its own cursor privately and only ever writes it
 * to shared memory; it never reads it back. The peer's cursor and (for the
 * consumer) the slot headers are loaded once into locals and checked there,
 * so a peer that changes them meanwhile cannot make a checked value differ
 * from the one used (no double fetch). Slot addresses are computed from the
 * private cursor and the end's own copy of the geometry, never from
 * anything the peer wrote, so no value the peer writes can move an access
 * outside the producer region.
 */
#include <stdatomic.h>
#include "chan.h"

/* Producer region, first 128 bytes; slots follow at QV_CHAN_SLOTS_OFF. The
 * cursor sits on its own cache line so that polling it does not share a
 * line with anything else that is written. */
struct qv_chan_prod_page {
	u32 magic;
	u16 version;
	u16 hdr_size;
	u32 slot_size;
	u32 slot_count;
	u32 slot_stride;
	u32 slots_off;
	u32 producer_pages;
	u32 reserved0;
	u8 pad0[32];
	_Atomic u64 head;     /* messages published, ever */
	u8 pad1[56];
};

/* The consumer page; the rest of the 4 KiB page is reserved (zero). */
struct qv_chan_cons_page {
	u32 magic;
	u16 version;
	u16 hdr_size;
	u32 slot_size;
	u32 slot_count;
	u8 pad0[48];
	_Atomic u64 tail;     /* messages consumed, ever */
	u8 pad1[56];
	_Atomic u32 doorbell; /* 1 while the consumer sleeps until rung */
	u8 pad2[60];
};

struct qv_chan_slot {
	_Atomic u64 seq;      /* the cursor value this slot was written for */
	_Atomic u32 len;
	_Atomic u32 check;    /* slot_check(seq, len) */
	_Atomic u64 data[];   /* slot_size bytes, little-endian words */
};

_Static_assert(sizeof(_Atomic u64) == 8 && _Alignof(_Atomic u64) == 8, "u64 atomics are plain words");
_Static_assert(sizeof(_Atomic u32) == 4, "u32 atomics are plain words");
_Static_assert(sizeof(struct qv_chan_prod_page) == QV_CHAN_SLOTS_OFF, "producer header is 128 bytes");
_Static_assert(offsetof(struct qv_chan_prod_page, head) == 64, "producer cursor at byte 64");
_Static_assert(offsetof(struct qv_chan_cons_page, tail) == 64, "consumer cursor at byte 64");
_Static_assert(offsetof(struct qv_chan_cons_page, doorbell) == 128, "doorbell word at byte 128");
_Static_assert(sizeof(struct qv_chan_cons_page) == 192, "consumer header is 192 bytes");
_Static_assert(sizeof(struct qv_chan_slot) == QV_CHAN_SLOT_HDR, "slot header is 16 bytes");
_Static_assert(QV_CHAN_SLOTS_MAX * (u64)(QV_CHAN_SLOT_HDR + QV_CHAN_SLOT_SIZE_MAX) + QV_CHAN_SLOTS_OFF
	       < UINT32_MAX, "the largest producer region has a u32 size");

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release

/* ---- geometry ---------------------------------------------------------- */

static bool is_pow2(u32 x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

enum qv_chan_status qv_chan_layout(u32 slot_size, u32 slot_count, struct qv_chan_layout *out)
{
	if (!out || slot_size < QV_CHAN_SLOT_SIZE_MIN || slot_size > QV_CHAN_SLOT_SIZE_MAX ||
	    slot_size % 8 != 0 || slot_count < QV_CHAN_SLOTS_MIN || slot_count > QV_CHAN_SLOTS_MAX ||
	    !is_pow2(slot_count))
		return QV_CHAN_E_PARAM;
	u32 stride = QV_CHAN_SLOT_HDR + slot_size;
	u32 bytes = QV_CHAN_SLOTS_OFF + slot_count * stride;
	out->slot_size = slot_size;
	out->slot_count = slot_count;
	out->slot_stride = stride;
	out->slots_off = QV_CHAN_SLOTS_OFF;
	out->producer_pages = (bytes + QV_CHAN_PAGE - 1) / QV_CHAN_PAGE;
	out->consumer_pages = 1;
	out->total_pages = out->producer_pages + out->consumer_pages;
	out->reserved = 0;
	return QV_CHAN_OK;
}

/* The only place a slot address is made: from a private cursor and the
 * end's own geometry, so it always lies inside the producer region. */
static struct qv_chan_slot *slot_at(const struct qv_chan_layout *lay, const void *prod, u64 pos)
{
	u64 index = pos & (lay->slot_count - 1);
	return (struct qv_chan_slot *)((uintptr_t)prod + lay->slots_off + index * lay->slot_stride);
}

/* Binds seq and len together, so that a header torn between two messages
 * or filled with garbage fails; it is not a defence against a deliberate
 * forger, who can only spoil its own messages anyway. */
static u32 slot_check(u64 seq, u32 len)
{
	u64 mixed = (seq ^ ((u64)len << 32)) * 0x9e3779b97f4a7c15ull;
	return (u32)(mixed >> 32) ^ (u32)mixed ^ QV_CHAN_SLOT_MAGIC;
}

/* ---- copying ----------------------------------------------------------- */

/* Whole words through atomics, so the peer's concurrent writes are not a
 * data race and the compiler cannot turn the loop into a memcpy that reads
 * shared memory twice. A constant-size __builtin_memcpy is one unaligned
 * MOV (never a call); the last partial word goes byte by byte. */
static u64 load_le64(const u8 *p, u32 n)
{
	u64 w = 0;
	if (n == 8) {
		__builtin_memcpy(&w, p, 8);
		return w;
	}
	for (u32 i = 0; i < n; i++)
		w |= (u64)p[i] << (8 * i);
	return w;
}

static void store_le64(u8 *p, u64 w, u32 n)
{
	if (n == 8) {
		__builtin_memcpy(p, &w, 8);
		return;
	}
	for (u32 i = 0; i < n; i++)
		p[i] = (u8)(w >> (8 * i));
}

static void copy_to_slot(_Atomic u64 *dst, const u8 *src, u32 len)
{
	u32 words = len / 8, rest = len % 8;
	for (u32 w = 0; w < words; w++)
		atomic_store_explicit(&dst[w], load_le64(src + 8 * w, 8), RELAXED);
	if (rest)
		atomic_store_explicit(&dst[words], load_le64(src + 8 * words, rest), RELAXED);
}

static void copy_from_slot(u8 *dst, const _Atomic u64 *src, u32 len)
{
	u32 words = len / 8, rest = len % 8;
	for (u32 w = 0; w < words; w++)
		store_le64(dst + 8 * w, atomic_load_explicit(&src[w], RELAXED), 8);
	if (rest)
		store_le64(dst + 8 * words, atomic_load_explicit(&src[words], RELAXED), rest);
}

/* ---- waiting ----------------------------------------------------------- */

/* One wait in progress: the deadline is taken when the first poll fails, so
 * a call that never waits never reads the clock. */
struct waiter {
	const struct qv_chan_wait *w;
	u64 timeout;
	u64 deadline;
	bool started;
};

static enum qv_chan_status note(struct qv_chan_stats *st, enum qv_chan_status s)
{
	st->by_status[s]++;
	return s;
}

static enum qv_chan_status peer_error(struct qv_chan_stats *st, enum qv_chan_status s)
{
	st->errors++;
	return note(st, s);
}

/* After a poll found nothing to do: QV_CHAN_OK to wait (relax) and poll
 * again, or the status that ends the call. */
static enum qv_chan_status waiter_next(struct waiter *wt, struct qv_chan_stats *st,
				       enum qv_chan_status idle)
{
	if (wt->timeout == QV_CHAN_POLL)
		return note(st, idle);
	bool bounded = wt->timeout != QV_CHAN_FOREVER;
	if (!wt->started) {
		wt->started = true;
		st->waits++;
		if (bounded) {
			u64 now = wt->w->now(wt->w->ctx);
			wt->deadline = now + wt->timeout < now ? QV_CHAN_FOREVER : now + wt->timeout;
		}
	} else if (bounded && wt->w->now(wt->w->ctx) >= wt->deadline) {
		st->timeouts++;
		return note(st, QV_CHAN_E_TIMEOUT);
	}
	return QV_CHAN_OK;
}

static void relax(const struct qv_chan_wait *w)
{
	if (w->relax)
		w->relax(w->ctx);
}

static bool wait_ok(const struct qv_chan_wait *w, u64 timeout)
{
	if (timeout == QV_CHAN_POLL)
		return true;
	return w && (timeout == QV_CHAN_FOREVER || w->now);
}

/* ---- the producer end --------------------------------------------------- */

static bool prod_matches(const struct qv_chan_prod_page *p, const struct qv_chan_layout *lay)
{
	return p->magic == QV_CHAN_PROD_MAGIC && p->version == QV_CHAN_VERSION &&
	       p->hdr_size == sizeof *p && p->slot_size == lay->slot_size &&
	       p->slot_count == lay->slot_count && p->slot_stride == lay->slot_stride &&
	       p->slots_off == lay->slots_off && p->producer_pages == lay->producer_pages;
}

static void prod_format(struct qv_chan_prod_page *p, const struct qv_chan_layout *lay, u64 head)
{
	p->version = QV_CHAN_VERSION;
	p->hdr_size = sizeof *p;
	p->slot_size = lay->slot_size;
	p->slot_count = lay->slot_count;
	p->slot_stride = lay->slot_stride;
	p->slots_off = lay->slots_off;
	p->producer_pages = lay->producer_pages;
	p->reserved0 = 0;
	atomic_store_explicit(&p->head, head, RELEASE);
	p->magic = QV_CHAN_PROD_MAGIC;
}

static void zero_stats(struct qv_chan_stats *st)
{
	st->messages = st->bytes = st->waits = st->timeouts = st->doorbells = st->errors = 0;
	for (u32 i = 0; i < QV_CHAN_NSTATUS; i++)
		st->by_status[i] = 0;
}

static bool aligned8(const void *p)
{
	return p && ((uintptr_t)p & 7) == 0;
}

enum qv_chan_status qv_chan_tx_attach(struct qv_chan_tx *tx, void *prod, const void *cons,
				      u32 slot_size, u32 slot_count)
{
	struct qv_chan_layout lay;
	if (!tx || !aligned8(prod) || !aligned8(cons) ||
	    qv_chan_layout(slot_size, slot_count, &lay) != QV_CHAN_OK)
		return QV_CHAN_E_PARAM;
	tx->prod = prod;
	tx->cons = cons;
	tx->lay = lay;
	zero_stats(&tx->st);
	if (prod_matches(tx->prod, &lay)) {
		tx->head = atomic_load_explicit(&tx->prod->head, RELAXED);
	} else {
		tx->head = atomic_load_explicit(&tx->cons->tail, ACQUIRE);
		prod_format(tx->prod, &lay, tx->head);
	}
	return QV_CHAN_OK;
}

/* Cursors are compared by their distance modulo 2^64, so a channel keeps
 * working across the (theoretical) wrap of the counters: a distance that is
 * negative as an s64 is a cursor that ran backwards, one beyond slot_count
 * a cursor that jumped ahead. */
static bool distance_negative(u64 d)
{
	return d > (UINT64_MAX >> 1);
}

/* Free slots by the consumer's cursor, or a cursor error. */
static enum qv_chan_status tx_room(const struct qv_chan_tx *tx, u64 tail, u32 *room)
{
	u64 used = tx->head - tail;
	if (distance_negative(used))
		return QV_CHAN_E_CURSOR_AHEAD;
	if (used > tx->lay.slot_count)
		return QV_CHAN_E_CURSOR_BACK;
	*room = tx->lay.slot_count - (u32)used;
	return QV_CHAN_OK;
}

/* Publishes the producer's cursor; then, for a producer with a doorbell,
 * wakes a consumer that sleeps until rung. */
static void tx_publish(struct qv_chan_tx *tx, const struct qv_chan_wait *w)
{
	if (!w || !w->ring) {
		atomic_store_explicit(&tx->prod->head, tx->head, RELEASE);
		return;
	}
	atomic_exchange_explicit(&tx->prod->head, tx->head, memory_order_seq_cst);
	if (atomic_load_explicit(&tx->cons->doorbell, memory_order_seq_cst)) {
		tx->st.doorbells++;
		w->ring(w->ctx);
	}
}

static enum qv_chan_status tx_try(struct qv_chan_tx *tx, const u8 *msg, u32 len,
				  const struct qv_chan_wait *w)
{
	u32 room;
	u64 tail = atomic_load_explicit(&tx->cons->tail, ACQUIRE);
	enum qv_chan_status s = tx_room(tx, tail, &room);
	if (s != QV_CHAN_OK)
		return peer_error(&tx->st, s);
	if (room == 0)
		return QV_CHAN_E_FULL;
	struct qv_chan_slot *slot = slot_at(&tx->lay, tx->prod, tx->head);
	copy_to_slot(slot->data, msg, len);
	atomic_store_explicit(&slot->seq, tx->head, RELAXED);
	atomic_store_explicit(&slot->len, len, RELAXED);
	atomic_store_explicit(&slot->check, slot_check(tx->head, len), RELAXED);
	tx->head++;
	tx_publish(tx, w);
	tx->st.messages++;
	tx->st.bytes += len;
	return note(&tx->st, QV_CHAN_OK);
}

enum qv_chan_status qv_chan_send(struct qv_chan_tx *tx, const void *msg, u32 len,
				 u64 timeout, const struct qv_chan_wait *w)
{
	if (!tx || (!msg && len) || !wait_ok(w, timeout))
		return QV_CHAN_E_PARAM;
	if (len > tx->lay.slot_size)
		return note(&tx->st, QV_CHAN_E_TOO_BIG);
	struct waiter wt = { .w = w, .timeout = timeout };
	for (;;) {
		enum qv_chan_status s = tx_try(tx, msg, len, w);
		if (s != QV_CHAN_E_FULL)
			return s;
		s = waiter_next(&wt, &tx->st, QV_CHAN_E_FULL);
		if (s != QV_CHAN_OK)
			return s;
		relax(w);
	}
}

u32 qv_chan_tx_pending(const struct qv_chan_tx *tx)
{
	u32 room;
	u64 tail = atomic_load_explicit(&tx->cons->tail, ACQUIRE);
	if (tx_room(tx, tail, &room) != QV_CHAN_OK)
		return 0;
	return tx->lay.slot_count - room;
}

/* ---- the consumer end --------------------------------------------------- */

static bool cons_matches(const struct qv_chan_cons_page *c, const struct qv_chan_layout *lay)
{
	return c->magic == QV_CHAN_CONS_MAGIC && c->version == QV_CHAN_VERSION &&
	       c->hdr_size == sizeof *c && c->slot_size == lay->slot_size &&
	       c->slot_count == lay->slot_count;
}

static void cons_format(struct qv_chan_cons_page *c, const struct qv_chan_layout *lay, u64 tail)
{
	c->version = QV_CHAN_VERSION;
	c->hdr_size = sizeof *c;
	c->slot_size = lay->slot_size;
	c->slot_count = lay->slot_count;
	atomic_store_explicit(&c->doorbell, 0, RELAXED);
	atomic_store_explicit(&c->tail, tail, RELEASE);
	c->magic = QV_CHAN_CONS_MAGIC;
}

enum qv_chan_status qv_chan_rx_attach(struct qv_chan_rx *rx, const void *prod, void *cons,
				      u32 slot_size, u32 slot_count)
{
	struct qv_chan_layout lay;
	if (!rx || !aligned8(prod) || !aligned8(cons) ||
	    qv_chan_layout(slot_size, slot_count, &lay) != QV_CHAN_OK)
		return QV_CHAN_E_PARAM;
	rx->prod = prod;
	rx->cons = cons;
	rx->lay = lay;
	zero_stats(&rx->st);
	if (cons_matches(rx->cons, &lay)) {
		rx->tail = atomic_load_explicit(&rx->cons->tail, RELAXED);
	} else {
		/* Whatever the ring still holds is at most slot_count messages
		 * behind the producer: start there rather than lose them. */
		u64 head = atomic_load_explicit(&rx->prod->head, ACQUIRE);
		rx->tail = head > slot_count ? head - slot_count : 0;
		cons_format(rx->cons, &lay, rx->tail);
	}
	return QV_CHAN_OK;
}

/* Messages published and not consumed, or a cursor error. */
static enum qv_chan_status rx_avail(const struct qv_chan_rx *rx, u64 head, u32 *avail)
{
	u64 ready = head - rx->tail;
	if (distance_negative(ready))
		return QV_CHAN_E_CURSOR_BACK;
	if (ready > rx->lay.slot_count)
		return QV_CHAN_E_CURSOR_AHEAD;
	*avail = (u32)ready;
	return QV_CHAN_OK;
}

static void rx_advance(struct qv_chan_rx *rx)
{
	rx->tail++;
	atomic_store_explicit(&rx->cons->tail, rx->tail, RELEASE);
}

/* The header as loaded once, judged against what the consumer expects. */
static enum qv_chan_status slot_verdict(const struct qv_chan_rx *rx, u64 seq, u32 len, u32 check)
{
	if (check != slot_check(seq, len))
		return QV_CHAN_E_SLOT_CHECK;
	if (seq != rx->tail)
		return QV_CHAN_E_SLOT_SEQ;
	if (len > rx->lay.slot_size)
		return QV_CHAN_E_SLOT_LEN;
	return QV_CHAN_OK;
}

/* Sleeps in relax() with the doorbell armed, unless a message arrived
 * meanwhile; pairs with tx_publish. */
static void rx_sleep(struct qv_chan_rx *rx, const struct qv_chan_wait *w)
{
	atomic_exchange_explicit(&rx->cons->doorbell, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&rx->prod->head, memory_order_seq_cst) == rx->tail) {
		rx->st.doorbells++;
		relax(w);
	}
	atomic_store_explicit(&rx->cons->doorbell, 0, RELAXED);
}

static enum qv_chan_status rx_try(struct qv_chan_rx *rx, u8 *buf, u32 cap, u32 *len)
{
	u32 avail;
	u64 head = atomic_load_explicit(&rx->prod->head, ACQUIRE);
	enum qv_chan_status s = rx_avail(rx, head, &avail);
	if (s != QV_CHAN_OK)
		return peer_error(&rx->st, s);
	if (avail == 0)
		return QV_CHAN_E_EMPTY;
	const struct qv_chan_slot *slot = slot_at(&rx->lay, rx->prod, rx->tail);
	u64 seq = atomic_load_explicit(&slot->seq, RELAXED);
	u32 n = atomic_load_explicit(&slot->len, RELAXED);
	u32 check = atomic_load_explicit(&slot->check, RELAXED);
	s = slot_verdict(rx, seq, n, check);
	if (s != QV_CHAN_OK) {
		rx_advance(rx);
		return peer_error(&rx->st, s);
	}
	*len = n;
	if (n > cap)
		return note(&rx->st, QV_CHAN_E_BUF_SMALL);
	copy_from_slot(buf, slot->data, n);
	rx_advance(rx);
	rx->st.messages++;
	rx->st.bytes += n;
	return note(&rx->st, QV_CHAN_OK);
}

enum qv_chan_status qv_chan_recv(struct qv_chan_rx *rx, void *buf, u32 cap, u32 *len,
				 u64 timeout, const struct qv_chan_wait *w)
{
	if (!rx || !len || (!buf && cap) || !wait_ok(w, timeout))
		return QV_CHAN_E_PARAM;
	struct waiter wt = { .w = w, .timeout = timeout };
	for (;;) {
		enum qv_chan_status s = rx_try(rx, buf, cap, len);
		if (s != QV_CHAN_E_EMPTY)
			return s;
		s = waiter_next(&wt, &rx->st, QV_CHAN_E_EMPTY);
		if (s != QV_CHAN_OK)
			return s;
		if (w->sleeps)
			rx_sleep(rx, w);
		else
			relax(w);
	}
}

u32 qv_chan_rx_pending(const struct qv_chan_rx *rx)
{
	u32 avail;
	u64 head = atomic_load_explicit(&rx->prod->head, ACQUIRE);
	return rx_avail(rx, head, &avail) == QV_CHAN_OK ? avail : 0;
}

/* ---- names -------------------------------------------------------------- */

#define QV_CHAN_NAME_(name, text) #name,
#define QV_CHAN_TEXT_(name, text) text,
static const char *const status_names[] = { QV_CHAN_STATUS_LIST(QV_CHAN_NAME_) };
static const char *const status_texts[] = { QV_CHAN_STATUS_LIST(QV_CHAN_TEXT_) };

const char *qv_chan_status_name(enum qv_chan_status s)
{
	return (u32)s < QV_CHAN_NSTATUS ? status_names[s] : "E_UNKNOWN";
}

const char *qv_chan_strerror(enum qv_chan_status s)
{
	return (u32)s < QV_CHAN_NSTATUS ? status_texts[s] : "unknown status";
}
