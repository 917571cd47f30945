/* Polled 16550 output: enough for boot messages and the console stop-gap. */
#ifndef QUESTV_LIB_UART_H
#define QUESTV_LIB_UART_H

#include "questv/types.h"

#define UART_COM1 0x3F8

void uart_init(u16 port);
void uart_putc(u16 port, char c);
void uart_write(u16 port, const char *s, size_t n);

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/* Measures the TSC against PIT channel 2 (gate through port 0x61); only a
 * code that owns the PIT may call it: the monitor, or a kernel booted
 * without one. Returns ticks per millisecond. */
u64 pit_measure_tsc_khz(void);

#endif
