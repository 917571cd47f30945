/* The sandbox's console over channels (docs/console.md): the UART owner
 * runs the console hub (kernel/console/hub.c) over its 16550 and the
 * consoles of the others arrive on their "out" channels; every other
 * sandbox writes its lines into its own "out" channel and reads its input
 * from its "in" channel. Without those channels (booted without a monitor,
 * or no UART in the system) the console falls back to printing directly. */
#ifndef QUESTV_KERNEL_CONLINK_H
#define QUESTV_KERNEL_CONLINK_H

#include "questv/types.h"

/* A message in an "out" channel starts with what it carries: bytes of the
 * console stream (a REPL's output, exactly as written) or one kernel log
 * line without its newline. The hub keeps the two apart (docs/console.md). */
#define CON_MSG_BYTES 0u
#define CON_MSG_LOG   1u

/* After chanlink_init(): finds the console channels, starts the hub. */
void conlink_init(void);
/* One kernel log line (no newline); false if the caller must print it itself. */
bool conlink_emit(const char *s, size_t n);
/* Console stream bytes: how many were taken (fewer when the "out" channel
 * is full: wait and write the rest), or -1 if the caller must print them
 * itself (no hub, no channels). */
long conlink_write(const u8 *p, size_t n);
/* From now on typed bytes wait for conlink_getc() instead of being echoed
 * as "console input:" lines (a REPL reads the console). */
void conlink_stream_input(void);
/* The next typed byte (Ctrl-C included, as 0x03), or -1 if none is there. */
int conlink_getc(void);
/* Moves bytes: the hub forwards output and reads the UART; the others
 * read their input. Prints the input lines it completed. */
void conlink_poll(void);
/* This kernel runs the hub (and wants conlink_poll called often). */
bool conlink_is_hub(void);

#endif
