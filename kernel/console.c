/* The sandbox's console. The UART owner writes its 16550 directly; every
 * other sandbox hands each line to its monitor with QV_HC_CONSOLE_WRITE.
 * That hypercall is a stop-gap until the console hub (DESIGN.md 2.2)
 * carries consoles over channels: it costs a VM exit per line. */
#include <stdarg.h>
#include "kernel.h"
#include "conlink.h"

void console_init(void)
{
	if (kboot.uart_port && !kernel_isolated())
		uart_init(kboot.uart_port);
}

static void emit(const char *s, size_t n)
{
	char prefix[12];

	if (conlink_emit(s, n))
		return;
	if (kboot.uart_port) {
		size_t p = fmt_buf(prefix, sizeof(prefix), "[sb%u] ", kboot.sandbox_id);
		uart_write(kboot.uart_port, prefix, p);
		uart_write(kboot.uart_port, s, n);
		uart_write(kboot.uart_port, "\n", 1);
	} else if (kernel_isolated()) {
		hypercall(QV_HC_CONSOLE_WRITE, (u64)(uintptr_t)s, n, 0);
	}
}

/* The line is formatted on the caller's stack: threads may be preempted
 * in the middle of a kprintf by another thread that prints. */
void kprintf(const char *f, ...)
{
	char line[QV_HC_CONSOLE_MAX];
	va_list ap;

	va_start(ap, f);
	size_t n = fmt_vbuf(line, sizeof(line), f, ap);
	va_end(ap);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	while (n && line[n - 1] == '\n')
		n--;
	emit(line, n);
}
