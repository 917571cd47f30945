/* The sandbox's console: two streams (docs/console.md).
 *
 * - The log: kprintf, one kernel line per call (heartbeat, faults, boot).
 * - The console byte stream: console_write/console_getc, exact bytes both
 *   ways, what a REPL (and mpremote through it) reads and writes.
 *
 * With the console hub (conlink.c) the two travel apart: framed mode gives
 * the host tool log lines in LOG frames and the stream in DATA frames, so a
 * program on a sandbox's pty never sees a heartbeat inside its bytes; plain
 * mode puts log lines between the stream's lines. Without the hub (booted
 * directly, or no UART in the system) the UART owner writes its 16550 with
 * a "[sbN] " prefix at line starts, and an isolated sandbox without console
 * channels hands each log line to its monitor (QV_HC_CONSOLE_WRITE). */
#include <stdarg.h>
#include "kernel.h"
#include "conlink.h"
#include "thread.h"
#include "irq.h"

#define STREAM_WAIT_MS 2000u /* a full "out" channel: how long bytes wait */

static bool direct_mid_line; /* direct UART: the stream's line is unfinished */
static u8 direct_last;       /* direct UART: the stream's last byte */

void console_init(void)
{
	if (kboot.uart_port && !kernel_isolated())
		uart_init(kboot.uart_port);
}

static void direct_prefix(void)
{
	char prefix[12];
	size_t p = fmt_buf(prefix, sizeof(prefix), "[sb%u] ", kboot.sandbox_id);

	uart_write(kboot.uart_port, prefix, p);
}

static void emit(const char *s, size_t n)
{
	if (conlink_emit(s, n))
		return;
	if (kboot.uart_port) {
		u64 f = irq_off();
		/* A log line never lands inside the stream's unfinished line. */
		if (direct_mid_line) {
			uart_write(kboot.uart_port, "\n", 1); /* uart_write sends CR LF */
			direct_mid_line = false;
		}
		direct_prefix();
		uart_write(kboot.uart_port, s, n);
		uart_write(kboot.uart_port, "\n", 1);
		irq_restore(f);
	} else if (kernel_isolated()) {
		hypercall(QV_HC_CONSOLE_WRITE, (u64)(uintptr_t)s, n, 0);
	}
}

void console_log(const char *s, size_t n)
{
	if (n > QV_HC_CONSOLE_MAX - 1)
		n = QV_HC_CONSOLE_MAX - 1;
	emit(s, n);
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

static void direct_write(const u8 *p, size_t n)
{
	u64 f = irq_off();

	for (size_t i = 0; i < n; i++) {
		if (!direct_mid_line)
			direct_prefix();
		direct_mid_line = p[i] != '\n';
		/* Exact bytes, with a CR before a LF that has none (a terminal). */
		if (p[i] == '\n' && direct_last != '\r')
			uart_putc(kboot.uart_port, '\r');
		uart_putc(kboot.uart_port, (char)p[i]);
		direct_last = p[i];
	}
	irq_restore(f);
}

/* Sleeps a little if a thread is running (the scheduler is up), else spins. */
static void pause_ms(u32 ms)
{
	if (kthread_running())
		kthread_block_until(clock_ns() + (u64)ms * 1000000u);
	else
		for (u32 i = 0; i < 1000u * ms; i++)
			__asm__ volatile("pause");
}

void console_write(const void *buf, size_t n)
{
	const u8 *p = buf;
	u64 waited = 0;

	while (n) {
		long took = conlink_write(p, n);
		if (took < 0) {
			if (kboot.uart_port)
				direct_write(p, n);
			else if (kernel_isolated())
				/* No channels, no UART: by hypercall, a VM exit per chunk. */
				for (size_t o = 0; o < n; o += QV_HC_CONSOLE_MAX)
					hypercall(QV_HC_CONSOLE_WRITE, (u64)(uintptr_t)(p + o),
						  n - o < QV_HC_CONSOLE_MAX ? n - o : QV_HC_CONSOLE_MAX,
						  0);
			return;
		}
		p += took;
		n -= (size_t)took;
		if (!n)
			return;
		if (took)
			waited = 0;
		else if (++waited > STREAM_WAIT_MS)
			return; /* the hub is gone: better lose output than hang */
		pause_ms(1);
	}
}

void console_stream_input(void)
{
	conlink_stream_input();
}

int console_getc(u64 timeout_ns)
{
	u64 deadline = timeout_ns == QVS_NEVER ? QVS_NEVER : clock_ns() + timeout_ns;

	for (;;) {
		int c = conlink_getc();
		if (c < 0 && kboot.uart_port && !kernel_isolated() &&
		    (inb(kboot.uart_port + 5) & 1))
			c = inb(kboot.uart_port);
		if (c >= 0)
			return c;
		u64 now = clock_ns();
		if (now >= deadline)
			return -1;
		/* Input arrives by polling (the "in" channel, the UART): 2 ms
		 * keeps typing and raw-REPL traffic prompt at little cost. */
		u64 until = now + CONSOLE_POLL_NS;
		kthread_block_until(until < deadline ? until : deadline);
	}
}
