/* Channel test workloads and attacks (kernel-test.elf only), selected like
 * the attacks by test_attacks[boot_count] (kinds in questv/manifest.h):
 *
 *   STREAM_SEND  numbered messages of varying length on one channel;
 *   GARBAGE_SEND two garbled slots published in its own ring, then the same;
 *   STREAM_RECV  checks the stream on every channel it consumes: lost,
 *                backwards (duplicated or reordered) and corrupt messages,
 *                and every error the ring code reports;
 *   READ_CHANNEL / WRITE_CHANNEL  an outsider touches a channel's real pages;
 *   WRITE_PEER_RING  a consumer writes through its read-only producer mapping;
 *   RT_CHAN_SEND / RT_CHAN_RECV  create the run-time channel "rt" with the
 *                peer (QV_HC_CHAN_CREATE), then stream over it as above, the
 *                consumer halting until the doorbell instead of polling;
 *   RT_CHAN_OUTSIDER  asks to join "rt" with the sandbox of its argument,
 *                must be refused, then touches the channel's real pages.
 *
 * The workloads poll from the heartbeat loop's idle time (chantest_idle) and
 * print only from chantest_report, which runs in the sandbox's print slot. */
#include "kernel.h"
#include "thread.h"
#include "chanlink.h"

#define STREAM_MESSAGES 10000u
#define STEP_MESSAGES   32u  /* per idle call, so the print slot is not missed */
#define ERRORS_SHOWN    8u
#define PROD_HEAD_OFF   64u  /* producer cursor in the producer region (docs/channels.md) */

struct stream {
	struct kchan *k;
	const struct qv_chan_wait *w; /* NULL: polls only */
	u64 timeout;         /* recv: how long a call may wait (TSC ticks) */
	bool sender;
	bool garbled;        /* GARBAGE_SEND: slots garbled before streaming */
	bool done_shown;
	u64 next;            /* sender: next to send; receiver: next expected */
	u64 messages, lost, back, corrupt, full;
	u32 n_errors;        /* channel errors seen */
	u32 shown_errors;
	enum qv_chan_status errors[ERRORS_SHOWN];
};

static struct stream streams[QV_CHANINFO_MAX];
static u32 n_streams;
static u8 msg[QV_CHAN_SLOT_SIZE_MAX];

static u32 msg_len(u64 seq, u32 slot_size)
{
	return 8 + (u32)(seq * 7 % (slot_size - 7));
}

static u8 msg_byte(u64 seq, u32 j)
{
	return (u8)(seq + j * 13u);
}

static u32 make_msg(u64 seq, u32 slot_size)
{
	u32 len = msg_len(seq, slot_size);

	memcpy(msg, &seq, 8);
	for (u32 j = 8; j < len; j++)
		msg[j] = msg_byte(seq, j);
	return len;
}

static bool msg_intact(u64 seq, u32 len, u32 slot_size)
{
	if (len != msg_len(seq, slot_size))
		return false;
	for (u32 j = 8; j < len; j++)
		if (msg[j] != msg_byte(seq, j))
			return false;
	return true;
}

static void name_of(const struct kchan *k, char out[QV_NAME_LEN + 1])
{
	memset(out, 0, QV_NAME_LEN + 1);
	memcpy(out, k->info.name, QV_NAME_LEN);
}

/* Publishes two slots the consumer must refuse: one all junk, one with the
 * right sequence number but a garbled length and check word. */
static void garble(struct kchan *k)
{
	struct qv_chan_tx *tx = &k->tx;
	u8 *prod = (u8 *)tx->prod;

	for (u32 n = 0; n < 2; n++) {
		u8 *slot = prod + tx->lay.slots_off +
			   (tx->head & (tx->lay.slot_count - 1)) * tx->lay.slot_stride;
		memset(slot, 0xA5, tx->lay.slot_stride);
		if (n == 1)
			memcpy(slot, &tx->head, 8);
		tx->head++;
		__atomic_store_n((u64 *)(prod + PROD_HEAD_OFF), tx->head, __ATOMIC_RELEASE);
	}
}

static struct stream *add_stream(struct kchan *k, bool sender, bool garbage)
{
	if (!k || k->attach != QV_CHAN_OK || n_streams >= QV_CHANINFO_MAX ||
	    (k->info.role == QV_CHAN_ROLE_PRODUCER) != sender)
		return NULL;
	struct stream *s = &streams[n_streams];
	s->k = k;
	s->sender = sender;
	if (garbage) {
		garble(k);
		s->garbled = true;
	}
	__atomic_store_n(&n_streams, n_streams + 1, __ATOMIC_RELEASE);
	return s;
}

/* The run-time channel test: "rt", 64 B x 16, created by both ends with
 * QV_HC_CHAN_CREATE (asked again at every step while the peer has not
 * asked), then a stream as on a declared channel; the producer rings, the
 * consumer halts until rung (recv waits up to RT_RECV_WAIT_MS per call). */
#define RT_NAME "rt"
#define RT_SLOT_SIZE 64u
#define RT_SLOTS 16u
#define RT_RECV_WAIT_MS 5u
#define RT_BOGUS_INDEX (QV_CHANINFO_RT_INDEX + QV_CHAN_RT_MAX)
#define OUTSIDER_WAIT_NS 120000000000ull

static struct {
	bool armed, sender, created, shown;
	u32 peer;
	int err;              /* the refusal that ended the attempts, 0 if none */
	u64 tries, create_tsc;
	struct kchan *k;
	struct stream *s;
	s64 ring_as_consumer, ring_unknown; /* receiver: the two doorbells it may not ring */
} rtc;

static void rt_create_step(void)
{
	u64 t0 = rdtsc();
	int err = 0;
	struct kchan *k = chanlink_create(RT_NAME, rtc.peer, RT_SLOT_SIZE, RT_SLOTS, rtc.sender,
					  0, &err);
	u64 t = rdtsc() - t0;

	rtc.tries++;
	if (!k) {
		if (err != QV_HC_EBUSY) {
			rtc.err = err;
			rtc.armed = false;
		}
		return;
	}
	rtc.create_tsc = t;  /* the call that agreed (or mapped the agreed channel) */
	rtc.k = k;
	if (!rtc.sender) {
		rtc.ring_as_consumer = chanlink_ring(k);
		rtc.ring_unknown = hypercall(QV_HC_DOORBELL, RT_BOGUS_INDEX, 0, 0);
	}
	struct stream *s = add_stream(k, rtc.sender, false);
	if (s) {
		s->w = chanlink_bell_wait(k);
		s->timeout = (u64)kboot.tsc_khz * RT_RECV_WAIT_MS;
	}
	rtc.s = s;
	__atomic_store_n(&rtc.created, true, __ATOMIC_RELEASE);
}

static void rt_report(void)
{
	if (!rtc.armed && !rtc.err)
		return;
	if (rtc.err && !rtc.shown) {
		rtc.shown = true;
		kprintf("rtchan %s: refused (%d) after %lu tries", RT_NAME, rtc.err, rtc.tries);
		return;
	}
	if (!__atomic_load_n(&rtc.created, __ATOMIC_ACQUIRE))
		return;
	struct kchan *k = rtc.k;
	if (!rtc.shown) {
		rtc.shown = true;
		kprintf("rtchan %s: %s sb%u, %u B x %u, prod 0x%lx cons 0x%lx, index 0x%x, %s, "
			"tries=%lu create_tsc=%lu", RT_NAME, rtc.sender ? "to" : "from",
			k->info.peer, k->info.slot_size, k->info.slot_count, k->info.prod_gpa,
			k->info.cons_gpa, k->info.index, qv_chan_status_name(k->attach), rtc.tries,
			rtc.create_tsc);
		if (!rtc.sender)
			kprintf("rtchan %s: doorbell as consumer %ld, on unknown channel %ld", RT_NAME,
				rtc.ring_as_consumer, rtc.ring_unknown);
	}
}

/* After its stream is done: how the doorbell went. */
static void rt_bell_report(const struct stream *s)
{
	const struct kchan *k = s->k;

	if (s->sender)
		kprintf("rtchan send %s: rings=%lu refused=%lu sleeps_seen=%lu", RT_NAME, k->rings,
			k->rings_refused, k->tx.st.doorbells);
	else
		kprintf("rtchan recv %s: sleeps=%lu doorbell_wakes=%lu irqs=%lu armed=%lu", RT_NAME,
			k->sleeps, k->wakes, chanlink_doorbell_irqs(), k->rx.st.doorbells);
}

static u32 outsider_victim; /* RT_CHAN_OUTSIDER armed: its argument + 1 */

/* How many earlier boots of this sandbox ran the same attack kind. */
static u32 earlier_boots_of(u32 kind)
{
	u32 n = 0;

	for (u32 b = 0; b < kboot.boot_count && b < QV_MAX_TEST_ATTACKS; b++)
		n += (kboot.test_attacks[b] & 0xFF) == kind;
	return n;
}

/* The outsider: asks to join "rt" with `victim` (as its consumer), which
 * the monitor must refuse once the real pair agreed; then, at the host
 * addresses its own monitor refreshed during that call, reads the
 * channel's producer region (first boot with this attack) or writes its
 * consumer page (later boots). Both must end in an EPT violation. */
static void rt_outsider(u32 victim)
{
	int err = 0;
	struct kchan *k = chanlink_create(RT_NAME, victim, RT_SLOT_SIZE, RT_SLOTS, false,
					  OUTSIDER_WAIT_NS, &err);

	kprintf("attack %u: join run-time channel %s of sb%u: %s (%d)", kboot.boot_count, RT_NAME,
		victim, k ? "JOINED" : "refused", err);
	if (k) {
		kprintf("attack %u NOT contained: joined %s", kboot.boot_count, RT_NAME);
		return;
	}
	const struct qv_chaninfo *live = (const void *)(uintptr_t)QV_CHANINFO_GPA;
	u32 n = 0;
	while (n < QV_CHAN_RT_MAX && !live->test_rt_host_prod[n])
		n++;
	if (n == QV_CHAN_RT_MAX) {
		kprintf("attack %u: no run-time channel to aim at", kboot.boot_count);
		return;
	}
	if (earlier_boots_of(QV_ATTACK_RT_CHAN_OUTSIDER) == 0) {
		u64 addr = live->test_rt_host_prod[n];
		kprintf("attack %u: read producer pages of run-time channel %u at 0x%lx",
			kboot.boot_count, n, addr);
		u64 v = *(volatile u64 *)(uintptr_t)addr;
		kprintf("attack %u NOT contained: read 0x%lx", kboot.boot_count, v);
	} else {
		u64 addr = live->test_rt_host_cons[n];
		kprintf("attack %u: write consumer page of run-time channel %u at 0x%lx",
			kboot.boot_count, n, addr);
		*(volatile u64 *)(uintptr_t)addr = 0xBADC0FFEE0DDF00Dull;
		kprintf("attack %u NOT contained: wrote the consumer page", kboot.boot_count);
	}
}

/* The benchmark: for each size, a stream of BENCH_STREAM messages timed at
 * the echo (TSC per message once the pipeline is full), an acknowledgement,
 * then BENCH_ROUNDS round trips timed at the sender (one way = half). With
 * Bochs' sync=none the TSC counts instructions per core. Both ends ask
 * their monitor for an exit report before and after, so the exits of the
 * run can be read off the serial line. */
#define BENCH_STREAM 256u
#define BENCH_ROUNDS 64u

static const u32 bench_sizes[] = { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };
#define BENCH_N (sizeof(bench_sizes) / sizeof(bench_sizes[0]))

static struct {
	struct kchan *out, *in;
	bool sender, armed, done, shown;
	u32 failed;          /* status of the first failing call, 0 if none */
	u64 tsc[BENCH_N];    /* sender: round trip total; echo: stream total */
} bench;

static bool bsend(u32 len)
{
	enum qv_chan_status st = qv_chan_send(&bench.out->tx, msg, len, QV_CHAN_FOREVER,
					      &chanlink_wait);

	if (st != QV_CHAN_OK && !bench.failed)
		bench.failed = st;
	return st == QV_CHAN_OK;
}

static bool brecv(void)
{
	u32 len = 0;
	enum qv_chan_status st = qv_chan_recv(&bench.in->rx, msg, sizeof(msg), &len,
					      QV_CHAN_FOREVER, &chanlink_wait);

	if (st != QV_CHAN_OK && !bench.failed)
		bench.failed = st;
	return st == QV_CHAN_OK;
}

static void bench_size_sender(u32 i, u32 size)
{
	for (u32 n = 0; n < BENCH_STREAM; n++)
		if (!bsend(size))
			return;
	if (!brecv())                        /* the echo has taken the whole stream */
		return;
	u64 t0 = rdtsc();
	for (u32 n = 0; n < BENCH_ROUNDS; n++)
		if (!bsend(size) || !brecv())
			return;
	bench.tsc[i] = rdtsc() - t0;
}

static void bench_size_echo(u32 i, u32 size)
{
	if (!brecv())
		return;
	u64 t0 = rdtsc();                    /* from the first message on */
	for (u32 n = 1; n < BENCH_STREAM; n++)
		if (!brecv())
			return;
	bench.tsc[i] = rdtsc() - t0;
	if (!bsend(8))
		return;
	for (u32 n = 0; n < BENCH_ROUNDS; n++)
		if (!brecv() || !bsend(size))
			return;
}

/* Then the run-time channel and the doorbell: both ends create "brt"
 * (8 B x 16, sender to echo), each timing its own successful
 * QV_HC_CHAN_CREATE; then BENCH_BELL_ROUNDS round trips of 8 B, out on
 * "brt" with the doorbell (the echo sleeps until rung), back on the declared
 * channel polled. The sender idles BENCH_BELL_GAP ticks before each send so
 * that the echo is asleep, then times send-to-reply, and times each ring's
 * hypercall on its own. */
#define BENCH_BELL_ROUNDS 64u
#define BENCH_BELL_GAP    200000u

static struct {
	struct kchan *k;
	u64 tries, create_tsc, round_tsc, ring_tsc, rings, sleeps, wakes;
} brt;

static void bench_rt_ring(void *ctx)
{
	u64 t0 = rdtsc();

	chanlink_ring(ctx);
	brt.ring_tsc += rdtsc() - t0;
}

static bool bench_rt_create(void)
{
	int err = QV_HC_EBUSY;

	while (!brt.k && err == QV_HC_EBUSY) {
		u64 t0 = rdtsc();
		brt.k = chanlink_create("brt", bench.out->info.peer, 8, 16, bench.sender, 0, &err);
		brt.create_tsc = rdtsc() - t0;
		brt.tries++;
		if (!brt.k)
			kthread_yield();
	}
	if (!brt.k && !bench.failed)
		bench.failed = QV_CHAN_E_PARAM;
	return brt.k != NULL;
}

static void bench_rt_run(void)
{
	if (!bench_rt_create())
		return;
	struct qv_chan_wait w = *chanlink_bell_wait(brt.k);
	u32 len = 0;

	hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
	if (bench.sender)
		w.ring = bench_rt_ring;
	for (u32 n = 0; n < BENCH_BELL_ROUNDS; n++) {
		enum qv_chan_status st;
		if (bench.sender) {
			u64 idle = rdtsc() + BENCH_BELL_GAP;
			while (rdtsc() < idle)
				__asm__ volatile("pause");
			u64 t0 = rdtsc();
			st = qv_chan_send(&brt.k->tx, msg, 8, QV_CHAN_FOREVER, &w);
			if (st == QV_CHAN_OK && !brecv())
				return;
			brt.round_tsc += rdtsc() - t0;
		} else {
			st = qv_chan_recv(&brt.k->rx, msg, sizeof(msg), &len, QV_CHAN_FOREVER, &w);
			if (st == QV_CHAN_OK && !bsend(8))
				return;
		}
		if (st != QV_CHAN_OK) {
			if (!bench.failed)
				bench.failed = st;
			return;
		}
	}
	hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
	brt.rings = brt.k->rings;
	brt.sleeps = brt.k->sleeps;
	brt.wakes = brt.k->wakes;
}

static void bench_run(void)
{
	bench.armed = false;
	hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
	for (u32 i = 0; i < BENCH_N && !bench.failed; i++) {
		if (bench_sizes[i] > bench.out->info.slot_size ||
		    bench_sizes[i] > bench.in->info.slot_size)
			break;
		if (bench.sender)
			bench_size_sender(i, bench_sizes[i]);
		else
			bench_size_echo(i, bench_sizes[i]);
	}
	hypercall(QV_HC_REPORT_EXITS, 0, 0, 0);
	if (!bench.failed)
		bench_rt_run();
	bench.done = true;
}

/* The channel the other way between the same two sandboxes. */
static struct kchan *reverse_of(const struct kchan *k)
{
	for (u32 i = 0; i < chanlink_count(); i++) {
		struct kchan *r = chanlink_at(i);
		if (r->info.peer == k->info.peer && r->info.role != k->info.role &&
		    r->attach == QV_CHAN_OK)
			return r;
	}
	return NULL;
}

static bool bench_arm(struct kchan *k, bool sender)
{
	struct kchan *r = k ? reverse_of(k) : NULL;

	if (!r || k->attach != QV_CHAN_OK ||
	    k->info.role != (sender ? QV_CHAN_ROLE_PRODUCER : QV_CHAN_ROLE_CONSUMER))
		return false;
	bench.out = sender ? k : r;
	bench.in = sender ? r : k;
	bench.sender = sender;
	bench.armed = true;
	return true;
}

static void bench_report(void)
{
	if (!bench.done || bench.shown)
		return;
	bench.shown = true;
	for (u32 i = 0; i < BENCH_N; i++) {
		if (!bench.tsc[i])
			continue;
		if (bench.sender)
			kprintf("chanbench size=%u oneway_tsc=%lu", bench_sizes[i],
				bench.tsc[i] / (2 * BENCH_ROUNDS));
		else
			kprintf("chanbench size=%u stream_tsc=%lu", bench_sizes[i],
				bench.tsc[i] / (BENCH_STREAM - 1));
	}
	if (brt.k && bench.sender)
		kprintf("chanbench runtime create_tsc=%lu tries=%lu doorbell rounds=%u "
			"roundtrip_tsc=%lu rings=%lu ring_tsc=%lu", brt.create_tsc, brt.tries,
			BENCH_BELL_ROUNDS, brt.round_tsc / BENCH_BELL_ROUNDS, brt.rings,
			brt.rings ? brt.ring_tsc / brt.rings : 0);
	else if (brt.k)
		kprintf("chanbench runtime create_tsc=%lu tries=%lu doorbell sleeps=%lu wakes=%lu "
			"irqs=%lu", brt.create_tsc, brt.tries, brt.sleeps, brt.wakes,
			chanlink_doorbell_irqs());
	kprintf("chanbench %s done: %s", bench.sender ? "sender" : "echo",
		bench.failed ? qv_chan_status_name(bench.failed) : "ok");
}

static bool is_console(const struct kchan *k)
{
	for (u32 j = 0; j < QV_NAME_LEN && k->info.name[j]; j++)
		if (k->info.name[j] == '.')
			return true;
	return false;
}

static void attack_line(const char *what, u32 ch, u64 addr)
{
	kprintf("attack %u: %s of channel %u at 0x%lx", kboot.boot_count, what, ch, addr);
}

static void read_channel(u32 ch)
{
	u64 addr = ch < QV_MAX_CHANNELS ? chanlink_info()->test_host_prod[ch] : 0;

	attack_line("read producer pages", ch, addr);
	u64 v = *(volatile u64 *)(uintptr_t)addr;
	kprintf("attack %u NOT contained: read 0x%lx", kboot.boot_count, v);
}

static void write_channel(u32 ch)
{
	u64 addr = ch < QV_MAX_CHANNELS ? chanlink_info()->test_host_cons[ch] : 0;

	attack_line("write consumer page", ch, addr);
	*(volatile u64 *)(uintptr_t)addr = 0xBADC0FFEE0DDF00Dull;
	kprintf("attack %u NOT contained: wrote the consumer page", kboot.boot_count);
}

static void write_peer_ring(u32 ch)
{
	struct kchan *k = chanlink_find(ch);

	if (!k || k->info.role != QV_CHAN_ROLE_CONSUMER) {
		kprintf("attack %u: not the consumer of channel %u", kboot.boot_count, ch);
		return;
	}
	u64 addr = k->info.prod_gpa + PROD_HEAD_OFF;
	attack_line("write producer cursor through own mapping", ch, addr);
	*(volatile u64 *)(uintptr_t)addr = ~0ull;
	kprintf("attack %u NOT contained: wrote the producer's cursor", kboot.boot_count);
}

bool chantest_start(void)
{
	if (!(kboot.flags & QV_BI_F_TEST_BUILD) || kboot.boot_count >= QV_MAX_TEST_ATTACKS)
		return false;
	u16 a = kboot.test_attacks[kboot.boot_count];
	u32 kind = a & 0xFF, arg = a >> 8;

	switch (kind) {
	case QV_ATTACK_READ_CHANNEL:
		read_channel(arg);
		break;
	case QV_ATTACK_WRITE_CHANNEL:
		write_channel(arg);
		break;
	case QV_ATTACK_WRITE_PEER_RING:
		write_peer_ring(arg);
		break;
	case QV_TEST_STREAM_SEND:
	case QV_TEST_GARBAGE_SEND:
		add_stream(chanlink_find(arg), true, kind == QV_TEST_GARBAGE_SEND);
		break;
	case QV_TEST_STREAM_RECV:
		/* declared channels only: the console's (conN.in) have a dot */
		for (u32 i = 0; i < chanlink_count(); i++)
			if (!is_console(chanlink_at(i)))
				add_stream(chanlink_at(i), false, false);
		break;
	case QV_TEST_BENCH_SEND:
	case QV_TEST_BENCH_ECHO:
		return bench_arm(chanlink_find(arg), kind == QV_TEST_BENCH_SEND);
	case QV_TEST_RT_CHAN_SEND:
	case QV_TEST_RT_CHAN_RECV:
		rtc.armed = true;
		rtc.sender = kind == QV_TEST_RT_CHAN_SEND;
		rtc.peer = arg;
		return true;
	case QV_ATTACK_RT_CHAN_OUTSIDER:
		/* from the workload thread: waiting for the pair to agree must
		 * not stop this sandbox's heartbeat */
		outsider_victim = arg + 1;
		return true;
	default:
		break;
	}
	return n_streams > 0;
}

static void send_step(struct stream *s)
{
	for (u32 n = 0; n < STEP_MESSAGES && s->next < STREAM_MESSAGES; n++) {
		u32 len = make_msg(s->next, s->k->info.slot_size);
		enum qv_chan_status st = qv_chan_send(&s->k->tx, msg, len, QV_CHAN_POLL, s->w);
		if (st == QV_CHAN_E_FULL) {
			s->full++;
			return;
		}
		if (st != QV_CHAN_OK) {
			if (s->n_errors < ERRORS_SHOWN)
				s->errors[s->n_errors] = st;
			s->n_errors++;
			return;
		}
		s->next++;
		s->messages++;
	}
}

static void check_msg(struct stream *s, u32 len)
{
	u64 seq;

	memcpy(&seq, msg, 8);
	if (len < 8 || !msg_intact(seq, len, s->k->info.slot_size)) {
		s->corrupt++;
		return;
	}
	s->messages++;
	if (seq < s->next) {
		s->back++;
		return;
	}
	s->lost += seq - s->next;
	s->next = seq + 1;
}

static void recv_step(struct stream *s)
{
	for (u32 n = 0; n < STEP_MESSAGES; n++) {
		u32 len = 0;
		enum qv_chan_status st = qv_chan_recv(&s->k->rx, msg, sizeof(msg), &len,
						      s->w ? s->timeout : QV_CHAN_POLL, s->w);
		if (st == QV_CHAN_E_EMPTY || st == QV_CHAN_E_TIMEOUT)
			return;
		if (st == QV_CHAN_OK) {
			check_msg(s, len);
			continue;
		}
		if (s->n_errors < ERRORS_SHOWN)
			s->errors[s->n_errors] = st;
		s->n_errors++;
		if (st == QV_CHAN_E_CURSOR_BACK || st == QV_CHAN_E_CURSOR_AHEAD)
			return;
	}
}

void chantest_idle(void)
{
	if (bench.armed)
		bench_run();
	if (rtc.armed && !rtc.created)
		rt_create_step();
	if (outsider_victim) {
		u32 victim = outsider_victim - 1;
		outsider_victim = 0;
		rt_outsider(victim);
	}
	for (u32 i = 0; i < n_streams; i++) {
		if (streams[i].sender)
			send_step(&streams[i]);
		else
			recv_step(&streams[i]);
	}
}

static void report_stream(struct stream *s)
{
	char name[QV_NAME_LEN + 1];
	const char *dir = s->sender ? "send" : "recv";

	name_of(s->k, name);
	for (; s->shown_errors < s->n_errors && s->shown_errors < ERRORS_SHOWN; s->shown_errors++) {
		enum qv_chan_status st = s->errors[s->shown_errors];
		kprintf("chantest %s %s: error %s (%s)", dir, name, qv_chan_status_name(st),
			qv_chan_strerror(st));
	}
	bool done = s->next >= STREAM_MESSAGES;
	if (!done || s->done_shown)
		return;
	s->done_shown = true;
	if (s->sender)
		kprintf("chantest send %s: done messages=%lu full=%lu garbled=%u errors=%u", name,
			s->messages, s->full, s->garbled ? 2u : 0u, s->n_errors);
	else
		kprintf("chantest recv %s: done messages=%lu lost=%lu back=%lu corrupt=%lu errors=%u",
			name, s->messages, s->lost, s->back, s->corrupt, s->n_errors);
	if (s->w)
		rt_bell_report(s);
}

void chantest_report(void)
{
	bench_report();
	rt_report();
	u32 n = __atomic_load_n(&n_streams, __ATOMIC_ACQUIRE);
	for (u32 i = 0; i < n; i++)
		report_stream(&streams[i]);
}
