#include "uart.h"

/* Register offsets and bits of the 16550 (facts from its data sheet). */
enum { THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, DLL = 0, DLM = 1 };
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB      0x80
#define LCR_8N1       0x03

void uart_init(u16 port)
{
	outb(port + IER, 0);
	outb(port + LCR, LCR_DLAB);
	outb(port + DLL, 1); /* 115200 baud */
	outb(port + DLM, 0);
	outb(port + LCR, LCR_8N1);
	outb(port + FCR, 0x07); /* enable and clear the FIFOs */
	outb(port + MCR, 0x03); /* DTR, RTS */
}

void uart_putc(u16 port, char c)
{
	while (!(inb(port + LSR) & LSR_THR_EMPTY))
		__asm__ volatile("pause");
	outb(port + THR, (u8)c);
}

void uart_write(u16 port, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc(port, '\r');
		uart_putc(port, s[i]);
	}
}

/* PIT channel 2 counts down from a known value at 1193182 Hz while we read
 * the TSC; the speaker gate (port 0x61 bit 0) starts it and bit 5 reports
 * when it reached zero. */
#define PIT_HZ        1193182u
#define PIT_CAL_MS    10u
#define PIT_CAL_COUNT (PIT_HZ * PIT_CAL_MS / 1000u)

u64 pit_measure_tsc_khz(void)
{
	u8 gate = inb(0x61);

	outb(0x61, (u8)((gate & ~0x02) | 0x01));
	outb(0x43, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(0x42, PIT_CAL_COUNT & 0xFF);
	outb(0x42, (PIT_CAL_COUNT >> 8) & 0xFF);
	u64 start = rdtsc();
	while (!(inb(0x61) & 0x20))
		__asm__ volatile("pause");
	u64 ticks = rdtsc() - start;
	outb(0x61, gate);
	return ticks / PIT_CAL_MS;
}
