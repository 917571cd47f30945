#include "fmt.h"

struct spec {
	bool zero;
	bool wide;
	unsigned width;
};

static void put_num(fmt_sink sink, void *ctx, u64 v, unsigned base, bool neg,
		    const struct spec *sp)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	unsigned len = n + (neg ? 1 : 0);
	if (neg && sp->zero)
		sink(ctx, '-');
	for (; len < sp->width; len++)
		sink(ctx, sp->zero ? '0' : ' ');
	if (neg && !sp->zero)
		sink(ctx, '-');
	while (n)
		sink(ctx, tmp[--n]);
}

static u64 arg_unsigned(va_list *ap, bool wide)
{
	return wide ? va_arg(*ap, u64) : va_arg(*ap, unsigned);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	sp->zero = *f == '0';
	sp->width = 0;
	sp->wide = false;
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	while (*f == 'l' || *f == 'z') {
		sp->wide = true;
		f++;
	}
	return f;
}

static void put_str(fmt_sink sink, void *ctx, const char *s, const struct spec *sp)
{
	unsigned n = 0;

	if (!s)
		s = "(null)";
	while (s[n])
		n++;
	for (unsigned pad = n; pad < sp->width; pad++)
		sink(ctx, ' ');
	while (*s)
		sink(ctx, *s++);
}

static void put_one(fmt_sink sink, void *ctx, char conv, const struct spec *sp, va_list *ap)
{
	switch (conv) {
	case 'd': {
		s64 v = sp->wide ? va_arg(*ap, s64) : va_arg(*ap, int);
		put_num(sink, ctx, v < 0 ? (u64)0 - (u64)v : (u64)v, 10, v < 0, sp);
		break;
	}
	case 'u':
		put_num(sink, ctx, arg_unsigned(ap, sp->wide), 10, false, sp);
		break;
	case 'x':
		put_num(sink, ctx, arg_unsigned(ap, sp->wide), 16, false, sp);
		break;
	case 'p':
		sink(ctx, '0');
		sink(ctx, 'x');
		put_num(sink, ctx, (u64)(uintptr_t)va_arg(*ap, void *), 16, false, sp);
		break;
	case 's':
		put_str(sink, ctx, va_arg(*ap, const char *), sp);
		break;
	case 'c':
		sink(ctx, (char)va_arg(*ap, int));
		break;
	default:
		sink(ctx, '%');
		sink(ctx, conv);
	}
}

void fmt_v(fmt_sink sink, void *ctx, const char *f, va_list ap)
{
	va_list aq;
	struct spec sp;

	va_copy(aq, ap);
	for (; *f; f++) {
		if (*f != '%') {
			sink(ctx, *f);
			continue;
		}
		if (*++f == '%') {
			sink(ctx, '%');
			continue;
		}
		f = parse_spec(f, &sp);
		if (!*f)
			break;
		put_one(sink, ctx, *f, &sp, &aq);
	}
	va_end(aq);
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t len;
};

static void buf_sink(void *ctx, char c)
{
	struct buf_ctx *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

size_t fmt_vbuf(char *buf, size_t size, const char *f, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };

	fmt_v(buf_sink, &b, f, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return b.len;
}

size_t fmt_buf(char *buf, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	size_t n = fmt_vbuf(buf, size, f, ap);
	va_end(ap);
	return n;
}
