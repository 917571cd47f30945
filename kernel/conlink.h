/* The sandbox's console over channels (docs/console.md): the UART owner
 * runs the console hub (kernel/console/hub.c) over its 16550 and the
 * consoles of the others arrive on their "out" channels; every other
 * sandbox writes its lines into its own "out" channel and reads its input
 * from its "in" channel. Without those channels (booted without a monitor,
 * or no UART in the system) the console falls back to printing directly. */
#ifndef QUESTV_KERNEL_CONLINK_H
#define QUESTV_KERNEL_CONLINK_H

#include "questv/types.h"

/* After chanlink_init(): finds the console channels, starts the hub. */
void conlink_init(void);
/* One console line (no newline); false if the caller must print it itself. */
bool conlink_emit(const char *s, size_t n);
/* Moves bytes: the hub forwards output and reads the UART; the others
 * read their input. Prints the input lines it completed. */
void conlink_poll(void);
/* This kernel runs the hub (and wants conlink_poll called often). */
bool conlink_is_hub(void);

#endif
