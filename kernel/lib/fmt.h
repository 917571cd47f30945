/* A small printf for the board: %d %u %x %s %c %p with optional '0', a
 * width and the 'l'/'ll' length modifiers (both mean 64 bits). Output goes
 * to a caller-supplied sink so the monitor and the kernel can route it. */
#ifndef QUESTV_LIB_FMT_H
#define QUESTV_LIB_FMT_H

#include <stdarg.h>
#include "questv/types.h"

typedef void (*fmt_sink)(void *ctx, char c);

void fmt_v(fmt_sink sink, void *ctx, const char *f, va_list ap);
/* Formats into buf (always NUL-terminated when size > 0), returns the
 * length the whole output would have had. */
size_t fmt_buf(char *buf, size_t size, const char *f, ...)
	__attribute__((format(printf, 3, 4)));
size_t fmt_vbuf(char *buf, size_t size, const char *f, va_list ap);

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strnlen(const char *s, size_t max);

#endif
