#include <stdarg.h>
#include "mon.h"
#include "../kernel/lib/uart.h"
#include "chan.h"
#include "questv/chaninfo.h"

static struct spinlock con_lock;

/* How long a monitor waits for the UART owner's kernel to finish its line
 * (a 256-byte line at 115200 baud takes about 22 ms). */
#define GUEST_LOCK_WAIT_MS 50u

/* Takes the UART lock shared with the console hub's kernel; false if the
 * kernel kept it too long (then the line is printed regardless). */
static bool guest_lock_take(volatile u32 *w)
{
	u64 give_up = rdtsc() + (mon.tsc_khz ? mon.tsc_khz : 1000000u) * GUEST_LOCK_WAIT_MS;
	u32 free_v = 0;

	while (!__atomic_compare_exchange_n(w, &free_v, QV_UART_LOCK_MONITOR, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (rdtsc() > give_up)
			return false;
		free_v = 0;
		__asm__ volatile("pause");
	}
	return true;
}

void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		while (l->held)
			__asm__ volatile("pause");
}

void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

void __init con_init(void)
{
	uart_init(UART_COM1);
}

void con_line(const char *prefix, const char *text, size_t len)
{
	volatile u32 *guest = __atomic_load_n(&chan_uart_lock, __ATOMIC_ACQUIRE);

	spin_lock(&con_lock);
	bool held = guest && guest_lock_take(guest);
	uart_write(UART_COM1, prefix, strnlen(prefix, 32));
	uart_write(UART_COM1, text, len);
	if (!len || text[len - 1] != '\n')
		uart_write(UART_COM1, "\n", 1);
	if (held)
		__atomic_store_n(guest, 0, __ATOMIC_RELEASE);
	spin_unlock(&con_lock);
}

static void mon_vline(const char *f, va_list ap)
{
	char prefix[16], line[240];
	/* Before GS is set up (very early boot) there is no per-core block. */
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000101u)); /* GS base */
	u32 core = (lo | hi) ? this_cpu()->index : 0;
	fmt_buf(prefix, sizeof(prefix), "[mon %u] ", core);
	size_t n = fmt_vbuf(line, sizeof(line), f, ap);
	con_line(prefix, line, n < sizeof(line) ? n : sizeof(line) - 1);
}

void mon_printf(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	mon_vline(f, ap);
	va_end(ap);
}

void cpu_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void mon_panic(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	mon_vline(f, ap);
	va_end(ap);
	mon_printf("halted");
	cpu_halt();
}
