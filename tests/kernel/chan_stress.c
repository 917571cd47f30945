/*
 * Producer and consumer of one channel running at the same time, as two
 * threads or as two processes whose mappings give each end write access to
 * its own pages only (the host's stand-in for the EPT split). The consumer
 * checks every message against the one the producer must have sent at that
 * position, so a lost, duplicated, reordered or corrupted message fails.
 *
 *   chan_stress MODE SLOT_SIZE SLOT_COUNT MESSAGES SEED [CONSUMER_SEED]
 *   MODE: threads | threads-doorbell | procs | procs-bad-consumer |
 *         procs-bad-producer
 * threads-doorbell: the consumer sleeps on a semaphore with the doorbell
 * armed and the producer rings it; a sleep that is not rung within
 * LATE_NS counts as a lost wake-up ("late").
 * The bad modes make one end write into the other end's pages halfway; the
 * report then shows that end killed by SIGSEGV. A CONSUMER_SEED other than
 * SEED makes the consumer expect other messages: the check must fail.
 *
 * Prints one line per end ("tx ..." / "rx ...") and a "result ..." line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "chan.h"

#define SEND_TIMEOUT_NS 20000000000ull /* a stuck peer fails the run, never hangs it */
#define RECV_TIMEOUT_NS 20000000000ull
#define LATE_NS 5000000000ull

struct run {
	u32 slot_size, slot_count, messages;
	u64 seed;     /* of the messages this end sends or expects */
	u64 rx_seed;
	int bad; /* 0, 'c' (consumer misbehaves) or 'p' (producer misbehaves) */
	bool doorbell;
	sem_t bell;
	atomic_ulong late;
	struct qv_chan_layout lay;
	void *prod, *cons; /* this end's views */
};

static u64 now_ns(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static void relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}


static void ring(void *ctx)
{
	sem_post(&((struct run *)ctx)->bell);
}

static void sleep_until_rung(void *ctx)
{
	struct run *r = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(LATE_NS / 1000000000ull);
	while (sem_timedwait(&r->bell, &ts) != 0) {
		if (errno == ETIMEDOUT) {
			atomic_fetch_add(&r->late, 1);
			return;
		}
	}
}

static u64 mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Message i: its length favours the edges (0, tiny, full slot). */
static u32 msg_len(const struct run *r, u32 i)
{
	u64 h = mix(r->seed * 0x9e3779b97f4a7c15ull + i);
	switch (h % 5) {
	case 0: return r->slot_size;
	case 1: return (u32)((h >> 8) % 9);
	default: return (u32)((h >> 8) % (r->slot_size + 1));
	}
}

static void msg_fill(const struct run *r, u32 i, u8 *buf, u32 len)
{
	for (u32 k = 0; k < len; k += 8) {
		u64 w = mix((r->seed << 32) ^ ((u64)i << 12) ^ k);
		for (u32 b = 0; b < 8 && k + b < len; b++)
			buf[k + b] = (u8)(w >> (8 * b));
	}
}

static void print_stats(const char *who, const struct qv_chan_stats *st, u64 ns)
{
	printf("%s messages=%llu bytes=%llu waits=%llu timeouts=%llu doorbells=%llu errors=%llu "
	       "ns=%llu\n", who, (unsigned long long)st->messages, (unsigned long long)st->bytes,
	       (unsigned long long)st->waits, (unsigned long long)st->timeouts,
	       (unsigned long long)st->doorbells, (unsigned long long)st->errors,
	       (unsigned long long)ns);
	fflush(stdout);
}

static int producer(struct run *r)
{
	struct qv_chan_tx tx;
	if (qv_chan_tx_attach(&tx, r->prod, r->cons, r->slot_size, r->slot_count) != QV_CHAN_OK) {
		printf("FAIL tx attach\n");
		return 2;
	}
	u8 *buf = malloc(r->slot_size);
	struct qv_chan_wait host_wait = { now_ns, relax, r, r->doorbell ? ring : NULL, false };
	u64 t0 = now_ns(NULL);
	for (u32 i = 0; i < r->messages; i++) {
		if (r->bad == 'p' && i == r->messages / 2)
			((volatile u8 *)r->cons)[64] = 0xff; /* the consumer's cursor */
		u32 len = msg_len(r, i);
		msg_fill(r, i, buf, len);
		enum qv_chan_status s = qv_chan_send(&tx, buf, len, SEND_TIMEOUT_NS, &host_wait);
		if (s != QV_CHAN_OK) {
			printf("FAIL tx message %u: %s\n", i, qv_chan_status_name(s));
			free(buf);
			return 3;
		}
	}
	print_stats("tx", &tx.st, now_ns(NULL) - t0);
	free(buf);
	return 0;
}

static int consumer(struct run *r)
{
	struct qv_chan_rx rx;
	if (qv_chan_rx_attach(&rx, r->prod, r->cons, r->slot_size, r->slot_count) != QV_CHAN_OK) {
		printf("FAIL rx attach\n");
		return 2;
	}
	u8 *got = malloc(r->slot_size), *want = malloc(r->slot_size);
	int rc = 0;
	struct run expect = *r; /* the producer thread may share *r */
	expect.seed = r->rx_seed;
	struct qv_chan_wait host_wait = { now_ns, r->doorbell ? sleep_until_rung : relax, r, NULL,
					  r->doorbell };
	u64 t0 = now_ns(NULL);
	/* After a wrong message, go on taking (unchecked) what the producer
	 * sends, so that it finishes rather than waits for a dead consumer. */
	for (u32 i = 0; i < r->messages; i++) {
		if (r->bad == 'c' && i == r->messages / 2)
			((volatile u8 *)r->prod)[64] = 0xff; /* the producer's cursor */
		u32 len = 0, wlen = msg_len(&expect, i);
		enum qv_chan_status s = qv_chan_recv(&rx, got, r->slot_size, &len, RECV_TIMEOUT_NS,
						     &host_wait);
		msg_fill(&expect, i, want, wlen);
		if (s != QV_CHAN_OK) {
			printf("FAIL rx message %u: %s\n", i, qv_chan_status_name(s));
			rc = 3;
			break;
		} else if (rc == 0 && (len != wlen || memcmp(got, want, len) != 0)) {
			printf("FAIL rx message %u: got %u bytes, want %u (lost, duplicated, "
			       "reordered or corrupt)\n", i, len, wlen);
			rc = 4;
		}
	}
	if (rc == 0) {
		u32 len;
		enum qv_chan_status s = qv_chan_recv(&rx, got, r->slot_size, &len, QV_CHAN_POLL, NULL);
		if (s != QV_CHAN_E_EMPTY) {
			printf("FAIL rx: after the last message: %s\n", qv_chan_status_name(s));
			rc = 5;
		}
	}
	if (rc == 0)
		print_stats("rx", &rx.st, now_ns(NULL) - t0);

	free(got);
	free(want);
	return rc;
}

static void *producer_thread(void *arg)
{
	return (void *)(long)producer(arg);
}

static int run_threads(struct run *r)
{
	size_t pbytes = (size_t)r->lay.producer_pages * QV_CHAN_PAGE;
	r->prod = aligned_alloc(QV_CHAN_PAGE, pbytes);
	r->cons = aligned_alloc(QV_CHAN_PAGE, QV_CHAN_PAGE);
	memset(r->prod, 0, pbytes);
	memset(r->cons, 0, QV_CHAN_PAGE);
	sem_init(&r->bell, 0, 0);
	pthread_t t;
	pthread_create(&t, NULL, producer_thread, r);
	int rc = consumer(r);
	void *trc;
	pthread_join(t, &trc);
	free(r->prod);
	free(r->cons);
	sem_destroy(&r->bell);
	if (r->doorbell)
		printf("doorbell late=%lu\n", (unsigned long)atomic_load(&r->late));
	printf("result producer=exit:%ld consumer=exit:%d\n", (long)trc, rc);
	return rc || trc ? 1 : 0;
}

/* Maps this end's view: own pages writable, the peer's read-only. */
static int map_end(struct run *r, int fd, int is_producer)
{
	size_t pbytes = (size_t)r->lay.producer_pages * QV_CHAN_PAGE;
	int pprot = is_producer ? PROT_READ | PROT_WRITE : PROT_READ;
	int cprot = is_producer ? PROT_READ : PROT_READ | PROT_WRITE;
	r->prod = mmap(NULL, pbytes, pprot, MAP_SHARED, fd, 0);
	r->cons = mmap(NULL, QV_CHAN_PAGE, cprot, MAP_SHARED, fd, (off_t)pbytes);
	return r->prod == MAP_FAILED || r->cons == MAP_FAILED ? -1 : 0;
}

static void describe(const char *who, int status, char *out, size_t n)
{
	if (WIFEXITED(status))
		snprintf(out, n, "%s=exit:%d", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, n, "%s=signal:%d", who, WTERMSIG(status));
	else
		snprintf(out, n, "%s=?", who);
}

static int run_procs(struct run *r)
{
	int fd = memfd_create("qvchan", 0);
	if (fd < 0 || ftruncate(fd, (off_t)r->lay.total_pages * QV_CHAN_PAGE) != 0) {
		printf("FAIL memfd\n");
		return 1;
	}
	fflush(stdout);
	pid_t pid[2];
	for (int role = 0; role < 2; role++) {
		pid[role] = fork();
		if (pid[role] == 0) {
			if (map_end(r, fd, role == 0) != 0)
				_exit(2);
			int rc = role == 0 ? producer(r) : consumer(r);
			fflush(stdout);
			_exit(rc);
		}
	}
	int st[2] = { 0, 0 };
	pid_t first = wait(&st[0]);
	int done = first == pid[0] ? 0 : 1;
	st[done] = st[0];
	/* A killed end never comes back; its peer would only time out. */
	if (!(WIFEXITED(st[done]) && WEXITSTATUS(st[done]) == 0))
		kill(pid[1 - done], SIGKILL);
	waitpid(pid[1 - done], &st[1 - done], 0);
	char a[64], b[64];
	describe("producer", st[0], a, sizeof a);
	describe("consumer", st[1], b, sizeof b);
	printf("result %s %s\n", a, b);
	close(fd);
	for (int i = 0; i < 2; i++)
		if (!WIFEXITED(st[i]) || WEXITSTATUS(st[i]) != 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: %s threads|threads-doorbell|procs|procs-bad-consumer|"
			"procs-bad-producer "
			"SLOT_SIZE SLOT_COUNT MESSAGES SEED [CONSUMER_SEED]\n", argv[0]);
		return 2;
	}
	struct run r = { .slot_size = (u32)strtoul(argv[2], NULL, 0),
			 .slot_count = (u32)strtoul(argv[3], NULL, 0),
			 .messages = (u32)strtoul(argv[4], NULL, 0),
			 .seed = strtoull(argv[5], NULL, 0) };
	r.rx_seed = argc == 7 ? strtoull(argv[6], NULL, 0) : r.seed;
	if (qv_chan_layout(r.slot_size, r.slot_count, &r.lay) != QV_CHAN_OK) {
		fprintf(stderr, "chan_stress: bad geometry %u x %u\n", r.slot_size, r.slot_count);
		return 2;
	}
	const char *mode = argv[1];
	if (!strcmp(mode, "threads"))
		return run_threads(&r);
	if (!strcmp(mode, "threads-doorbell")) {
		r.doorbell = true;
		return run_threads(&r);
	}
	if (!strcmp(mode, "procs-bad-consumer"))
		r.bad = 'c';
	else if (!strcmp(mode, "procs-bad-producer"))
		r.bad = 'p';
	else if (strcmp(mode, "procs") != 0) {
		fprintf(stderr, "chan_stress: unknown mode %s\n", mode);
		return 2;
	}
	return run_procs(&r);
}
