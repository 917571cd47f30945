/*
 * One end of a channel over pages whose contents the test chose, built
 * with AddressSanitizer and UBSan. Each region lives in its own heap block
 * of exactly its size, so a read one byte past the producer region, or
 * past the receive buffer, stops the program with a report.
 *
 * stdin: records, each
 *   u32 mode (0: consumer end, 1: producer end), u32 slot_size,
 *   u32 slot_count, u32 ops, the producer region (producer_pages pages),
 *   the consumer page (4096 bytes); all little-endian.
 * mode 0 attaches a consumer and polls recv `ops` times; mode 1 attaches a
 * producer and polls send `ops` times (message k: k+1 bytes of value k,
 * capped at slot_size). For each record, one line on stdout:
 *   one token per call (status name, "OK:<hex payload>" for a receive)
 *   then cursor=<n> errors=<n> peer_same=<0|1> own_same=<0|1>
 * peer_same: the peer's pages were not written; own_same: of this end's
 * pages, nothing but its cursor (and, for a producer, the slots it filled)
 * changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chan.h"

struct rec {
	u32 mode, slot_size, slot_count, ops;
	struct qv_chan_layout lay;
	u8 *prod, *cons;
	size_t pbytes;
};

static int read_exact(void *p, size_t n)
{
	return fread(p, 1, n, stdin) == n ? 0 : -1;
}

static void hex(const u8 *p, u32 n)
{
	for (u32 i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void run_consumer(struct rec *r, const u8 *prod0, const u8 *cons0)
{
	struct qv_chan_rx rx;
	if (qv_chan_rx_attach(&rx, r->prod, r->cons, r->slot_size, r->slot_count) != QV_CHAN_OK) {
		printf("ATTACH_FAILED\n");
		return;
	}
	u8 *buf = malloc(r->slot_size);
	for (u32 k = 0; k < r->ops; k++) {
		u32 len = 0;
		enum qv_chan_status s = qv_chan_recv(&rx, buf, r->slot_size, &len, QV_CHAN_POLL, NULL);
		if (s == QV_CHAN_OK) {
			printf("OK:");
			hex(buf, len);
			printf(" ");
		} else {
			printf("%s ", qv_chan_status_name(s));
		}
	}
	free(buf);
	/* Own page: only the cursor (bytes 64..71) may differ from what the
	 * record gave, unless attach had to format the page. */
	int own_same = memcmp(r->cons, cons0, 64) == 0 &&
		       memcmp(r->cons + 72, cons0 + 72, QV_CHAN_PAGE - 72) == 0;
	printf("cursor=%llu errors=%llu peer_same=%d own_same=%d\n",
	       (unsigned long long)rx.tail, (unsigned long long)rx.st.errors,
	       memcmp(r->prod, prod0, r->pbytes) == 0, own_same);
}

static void run_producer(struct rec *r, const u8 *prod0, const u8 *cons0)
{
	struct qv_chan_tx tx;
	if (qv_chan_tx_attach(&tx, r->prod, r->cons, r->slot_size, r->slot_count) != QV_CHAN_OK) {
		printf("ATTACH_FAILED\n");
		return;
	}
	u64 head0 = tx.head;
	u8 *msg = malloc(r->slot_size);
	for (u32 k = 0; k < r->ops; k++) {
		u32 len = k + 1 < r->slot_size ? k + 1 : r->slot_size;
		memset(msg, (int)(k & 0xff), len);
		printf("%s ", qv_chan_status_name(qv_chan_send(&tx, msg, len, QV_CHAN_POLL, NULL)));
	}
	free(msg);
	/* Own pages: outside the cursor, only the slots of the messages sent. */
	int own_same = memcmp(r->prod, prod0, 64) == 0 &&
		       memcmp(r->prod + 72, prod0 + 72, QV_CHAN_SLOTS_OFF - 72) == 0;
	for (u32 i = 0; i < r->slot_count; i++) {
		u64 off = QV_CHAN_SLOTS_OFF + (u64)i * r->lay.slot_stride;
		int written = 0;
		for (u64 n = 0; n != tx.head - head0; n++) /* cursors wrap mod 2^64 */
			written |= ((head0 + n) & (r->slot_count - 1)) == i;
		if (!written && memcmp(r->prod + off, prod0 + off, r->lay.slot_stride) != 0)
			own_same = 0;
	}
	printf("cursor=%llu errors=%llu peer_same=%d own_same=%d\n",
	       (unsigned long long)tx.head, (unsigned long long)tx.st.errors,
	       memcmp(r->cons, cons0, QV_CHAN_PAGE) == 0, own_same);
}

int main(void)
{
	struct rec r;
	u32 hdr[4];
	while (read_exact(hdr, sizeof hdr) == 0) {
		r.mode = hdr[0];
		r.slot_size = hdr[1];
		r.slot_count = hdr[2];
		r.ops = hdr[3];
		if (qv_chan_layout(r.slot_size, r.slot_count, &r.lay) != QV_CHAN_OK || r.mode > 1) {
			fprintf(stderr, "chan_fuzz: bad record header\n");
			return 2;
		}
		r.pbytes = (size_t)r.lay.producer_pages * QV_CHAN_PAGE;
		r.prod = malloc(r.pbytes);
		r.cons = malloc(QV_CHAN_PAGE);
		u8 *prod0 = malloc(r.pbytes), *cons0 = malloc(QV_CHAN_PAGE);
		if (read_exact(prod0, r.pbytes) || read_exact(cons0, QV_CHAN_PAGE)) {
			fprintf(stderr, "chan_fuzz: short record\n");
			return 2;
		}
		memcpy(r.prod, prod0, r.pbytes);
		memcpy(r.cons, cons0, QV_CHAN_PAGE);
		if (r.mode == 0)
			run_consumer(&r, prod0, cons0);
		else
			run_producer(&r, prod0, cons0);
		fflush(stdout);
		free(r.prod);
		free(r.cons);
		free(prod0);
		free(cons0);
	}
	return 0;
}
