/*
 * Cost of one message, for instruction counting under
 * `valgrind --tool=callgrind`: one thread sends and receives N messages of
 * SIZE bytes through a channel of 8 slots, in batches of 4, polling. The
 * inclusive cost of qv_chan_send and qv_chan_recv divided by N is the
 * producer's and the consumer's instructions per message.
 *
 *   chan_bench SIZE N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chan.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SIZE N\n", argv[0]);
		return 2;
	}
	u32 size = (u32)strtoul(argv[1], NULL, 0), n = (u32)strtoul(argv[2], NULL, 0);
	u32 slot = (size + 7) & ~7u;
	struct qv_chan_layout lay;
	if (qv_chan_layout(slot < 8 ? 8 : slot, 8, &lay) != QV_CHAN_OK) {
		fprintf(stderr, "chan_bench: bad size %u\n", size);
		return 2;
	}
	void *prod = aligned_alloc(QV_CHAN_PAGE, (size_t)lay.producer_pages * QV_CHAN_PAGE);
	void *cons = aligned_alloc(QV_CHAN_PAGE, QV_CHAN_PAGE);
	memset(prod, 0, (size_t)lay.producer_pages * QV_CHAN_PAGE);
	memset(cons, 0, QV_CHAN_PAGE);
	struct qv_chan_tx tx;
	struct qv_chan_rx rx;
	qv_chan_tx_attach(&tx, prod, cons, lay.slot_size, lay.slot_count);
	qv_chan_rx_attach(&rx, prod, cons, lay.slot_size, lay.slot_count);
	u8 *msg = malloc(lay.slot_size), *buf = malloc(lay.slot_size);
	memset(msg, 0x5a, lay.slot_size);
	u32 len;
	for (u32 i = 0; i < n; i += 4) {
		for (u32 k = 0; k < 4; k++)
			if (qv_chan_send(&tx, msg, size, QV_CHAN_POLL, NULL) != QV_CHAN_OK)
				return 1;
		for (u32 k = 0; k < 4; k++)
			if (qv_chan_recv(&rx, buf, lay.slot_size, &len, QV_CHAN_POLL, NULL) != QV_CHAN_OK ||
			    len != size)
				return 1;
	}
	printf("messages=%llu bytes=%llu\n", (unsigned long long)rx.st.messages,
	       (unsigned long long)rx.st.bytes);
	free(msg);
	free(buf);
	free(prod);
	free(cons);
	return 0;
}
