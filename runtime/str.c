/* Strings (UTF-8), bytes and bytearray, the string builder, and the
 * formatting machinery (printf-style for the runtime's own messages,
 * format specs, str % args, str.format). */
#include "rt.h"
#include "fpconv.h"

const qv_strobj qv_qstrs[] = {QSTR_TABLE_INIT};
static const uint16_t qstr_index[QSTR_INDEX_SIZE] = {QSTR_INDEX_INIT};

uint32_t str_hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h ? h : 1; /* 0 means "not computed yet" in a string */
}

int qstr_find_hashed(const char *s, size_t n, uint32_t h)
{
	if (n > QSTR_MAX_LEN)
		return -1;
	for (uint32_t i = h & (QSTR_INDEX_SIZE - 1);; i = (i + 1) & (QSTR_INDEX_SIZE - 1)) {
		uint16_t k = qstr_index[i];
		if (!k)
			return -1;
		const qv_strobj *q = &qv_qstrs[k - 1];
		if (q->hash == h && q->len == n && __builtin_memcmp(q->data, s, n) == 0)
			return k - 1;
	}
}

int qstr_find(const char *s, size_t n)
{
	if (n > QSTR_MAX_LEN)
		return -1;
	return qstr_find_hashed(s, n, str_hash_bytes(s, n));
}

size_t utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((uint8_t)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

static qv_obj mkstr(qv_ctx *c, const qv_type *t, const char *s, size_t n)
{
	if (n > 0x7fffffff)
		rt_raise(c, c->memerr);
	qv_strobj *o = gc_alloc(c, sizeof(qv_strobj) + n + 1, true);
	char *d = (char *)(o + 1);
	if (n)
		__builtin_memcpy(d, s, n);
	d[n] = 0;
	o->type = t;
	o->len = (uint32_t)n;
	o->clen = t == &qv_str_type ? (uint32_t)utf8_len(d, n) : (uint32_t)n;
	o->hash = 0; /* computed when first needed */
	o->data = d;
	return (qv_obj)o;
}

qv_obj str_new(qv_ctx *c, const char *s, size_t n)
{
	if (n == 0)
		return QS(empty);
	if (n == 1 && (uint8_t)s[0] < 0x80) {
		int k = qstr_find(s, 1);
		if (k >= 0)
			return QSI(k);
	}
	return mkstr(c, &qv_str_type, s, n);
}

qv_obj str_cstr(qv_ctx *c, const char *s)
{
	return str_new(c, s, rt_strlen(s));
}

qv_obj bytes_new(qv_ctx *c, const char *s, size_t n)
{
	return mkstr(c, &qv_bytes_type, s, n);
}

qv_obj str_intern(qv_ctx *c, const char *s, size_t n)
{
	int k = qstr_find(s, n);
	if (k >= 0)
		return QSI(k);
	if (!c->interned)
		c->interned = dict_new(c);
	qv_strobj probe = {&qv_str_type, str_hash_bytes(s, n), (uint32_t)n, (uint32_t)n, s};
	qv_obj v = dict_get_str(c->interned, (qv_obj)&probe);
	if (v)
		return v;
	v = str_new(c, s, n);
	dict_set(c, c->interned, v, v);
	return v;
}

bool str_eq(qv_obj a, qv_obj b)
{
	if (a == b)
		return true;
	if (IS_INT(a) || IS_INT(b) || (a->type != &qv_str_type) || (b->type != &qv_str_type))
		return false;
	qv_strobj *x = STR(a), *y = STR(b);
	if (x->len != y->len || (x->hash && y->hash && x->hash != y->hash))
		return false;
	return __builtin_memcmp(x->data, y->data, x->len) == 0;
}

const char *cstr(qv_ctx *c, qv_obj s)
{
	UNUSED(c);
	if (!IS_INT(s) && (s->type == &qv_str_type || s->type == &qv_bytes_type))
		return STR(s)->data;
	return "?";
}

/* ------------------------------------------------------------ builder */
void sb_init(sbuf *b, qv_ctx *c, size_t cap)
{
	b->c = c;
	b->n = 0;
	b->cap = cap < 16 ? 16 : cap;
	b->p = gc_alloc(c, b->cap, true);
}

static void sb_grow(sbuf *b, size_t need)
{
	if (b->n + need <= b->cap)
		return;
	size_t nc = b->cap * 2;
	while (nc < b->n + need)
		nc *= 2;
	if (nc > 0x7fffffff)
		rt_raise(b->c, b->c->memerr);
	b->p = gc_realloc(b->c, b->p, b->cap, nc, true);
	b->cap = nc;
}

void sb_add(sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	__builtin_memcpy(b->p + b->n, s, n);
	b->n += n;
}

void sb_addc(sbuf *b, char ch)
{
	sb_grow(b, 1);
	b->p[b->n++] = ch;
}

void sb_adds(sbuf *b, const char *s)
{
	sb_add(b, s, rt_strlen(s));
}

void sb_addobj(sbuf *b, qv_obj s)
{
	if (IS_INT(s) || (s->type != &qv_str_type && s->type != &qv_bytes_type))
		s = qv_str_of(b->c, s);
	sb_add(b, STR(s)->data, STR(s)->len);
}

void sb_utf8(sbuf *b, uint32_t cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sb_add(b, t, n);
}

qv_obj sb_str(sbuf *b)
{
	return str_new(b->c, b->p, b->n);
}

qv_obj sb_bytes(sbuf *b)
{
	return bytes_new(b->c, b->p, b->n);
}

static void sb_u64(sbuf *b, uint64_t v, unsigned base)
{
	char t[24];
	int i = 24;
	do {
		unsigned d = (unsigned)(v % base);
		t[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	sb_add(b, t + i, (size_t)(24 - i));
}

/* %s C string, %S str object's text, %R repr of an object, %d %u %ld %lu
 * %zu %x %c %% */
void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			sb_addc(b, *p);
			continue;
		}
		p++;
		bool lng = false, sz = false;
		if (*p == 'l') {
			lng = true;
			p++;
		} else if (*p == 'z') {
			sz = true;
			p++;
		}
		switch (*p) {
		case 's': sb_adds(b, va_arg(ap, const char *)); break;
		case 'S': sb_addobj(b, va_arg(ap, qv_obj)); break;
		case 'R': sb_addobj(b, qv_repr(b->c, va_arg(ap, qv_obj))); break;
		case 'c': sb_addc(b, (char)va_arg(ap, int)); break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, long) : sz ? (int64_t)va_arg(ap, size_t) : va_arg(ap, int);
			if (v < 0) {
				sb_addc(b, '-');
				sb_u64(b, (uint64_t)(-(v + 1)) + 1, 10);
			} else
				sb_u64(b, (uint64_t)v, 10);
			break;
		}
		case 'u': sb_u64(b, lng ? va_arg(ap, unsigned long) : sz ? va_arg(ap, size_t) : va_arg(ap, unsigned), 10); break;
		case 'x': sb_u64(b, va_arg(ap, unsigned long), 16); break;
		case '%': sb_addc(b, '%'); break;
		default: sb_addc(b, '?'); break;
		}
	}
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

qv_obj str_vfmt(qv_ctx *c, const char *fmt, va_list ap)
{
	sbuf b;
	sb_init(&b, c, 64);
	sb_vprintf(&b, fmt, ap);
	return sb_str(&b);
}

qv_obj str_fmt(qv_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	qv_obj r = str_vfmt(c, fmt, ap);
	va_end(ap);
	return r;
}

/* ------------------------------------------------------------ utf-8 */
static uint32_t utf8_decode(const char *s, size_t n, size_t *i)
{
	uint8_t b0 = (uint8_t)s[*i];
	if (b0 < 0x80) {
		(*i)++;
		return b0;
	}
	int k = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
	uint32_t cp = b0 & (0x3F >> k);
	(*i)++;
	for (int j = 0; j < k && *i < n; j++)
		cp = (cp << 6) | ((uint8_t)s[(*i)++] & 0x3F);
	return cp;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t b = (uint8_t)s[i];
		int k = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
		if (k < 0 || (k == 1 && b < 0xC2))
			return false;
		if (i + (size_t)k >= n + (k == 0 ? 1 : 0) && k > 0 && i + (size_t)k > n - 1 + 1)
			return false;
		for (int j = 1; j <= k; j++)
			if (i + (size_t)j >= n || ((uint8_t)s[i + j] & 0xC0) != 0x80)
				return false;
		i += (size_t)k + 1;
	}
	return true;
}

/* ------------------------------------------------------------ repr */
/* Code points repr() escapes beyond the C0/C1 controls: format characters,
 * separators other than space, surrogates, private use, noncharacters
 * (the ranges of Unicode's Cf, Zs, Zl, Zp, Cs, Co and the noncharacters
 * that matter in practice). */
static bool printable(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{0x00A0, 0x00A0}, {0x0600, 0x0605}, {0x061C, 0x061C}, {0x06DD, 0x06DD}, {0x070F, 0x070F},
		{0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200F}, {0x2028, 0x202F}, {0x205F, 0x2064},
		{0x2066, 0x206F}, {0x3000, 0x3000}, {0xD7FC, 0xF8FF}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
		{0xFFFE, 0xFFFF}, {0xE0001, 0xE007F}, {0xF0000, 0x10FFFF},
	};
	for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++)
		if (cp >= ranges[k][0] && cp <= ranges[k][1])
			return false;
	return true;
}

static void repr_into(sbuf *b, qv_strobj *s, bool bytes)
{
	bool dq = false;
	if (memchr_s(s->data, '\'', s->len) && !memchr_s(s->data, '"', s->len))
		dq = true;
	char q = dq ? '"' : '\'';
	if (bytes)
		sb_addc(b, 'b');
	sb_addc(b, q);
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	while (i < s->len) {
		uint8_t ch = (uint8_t)s->data[i];
		if (ch == (uint8_t)q || ch == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)ch);
			i++;
		} else if (ch == '\n') {
			sb_adds(b, "\\n");
			i++;
		} else if (ch == '\r') {
			sb_adds(b, "\\r");
			i++;
		} else if (ch == '\t') {
			sb_adds(b, "\\t");
			i++;
		} else if (ch < 0x20 || ch == 0x7f || (bytes && ch >= 0x80)) {
			char t[4] = {'\\', 'x', hex[ch >> 4], hex[ch & 15]};
			sb_add(b, t, 4);
			i++;
		} else if (ch < 0x80) {
			sb_addc(b, (char)ch);
			i++;
		} else {
			size_t st = i;
			uint32_t cp = utf8_decode(s->data, s->len, &i);
			if (cp < 0xA0 || cp == 0xAD) {
				char t[4] = {'\\', 'x', hex[(cp >> 4) & 15], hex[cp & 15]};
				sb_add(b, t, 4);
			} else if (!printable(cp)) {
				bool big = cp > 0xffff;
				char t[10] = {'\\', big ? 'U' : cp < 0x100 ? 'x' : 'u'};
				int nd = big ? 8 : cp < 0x100 ? 2 : 4;
				for (int d = 0; d < nd; d++)
					t[2 + d] = hex[(cp >> (4 * (nd - 1 - d))) & 15];
				sb_add(b, t, (size_t)(2 + nd));
			} else
				sb_add(b, s->data + st, i - st);
		}
	}
	sb_addc(b, q);
}

static qv_obj str_repr(qv_ctx *c, qv_obj o, bool is_str)
{
	if (is_str)
		return o;
	sbuf b;
	sb_init(&b, c, STR(o)->len + 3);
	repr_into(&b, STR(o), false);
	return sb_str(&b);
}

static qv_obj bytes_repr(qv_ctx *c, qv_obj o, bool is_str)
{
	UNUSED(is_str);
	sbuf b;
	sb_init(&b, c, STR(o)->len + 4);
	repr_into(&b, STR(o), true);
	return sb_str(&b);
}

static intptr_t str_hash_slot(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)str_hash(o);
}

/* ------------------------------------------------------------ operators */
static int cmp_bytes(qv_strobj *a, qv_strobj *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = __builtin_memcmp(a->data, b->data, n);
	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

static const char *find_bytes(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == nd[0] && __builtin_memcmp(h + i, nd, nn) == 0)
			return h + i;
	return NULL;
}

const char *memchr_s(const char *s, int ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == (char)ch)
			return s + i;
	return NULL;
}

static qv_obj str_repeat(qv_ctx *c, qv_obj s, qv_obj n)
{
	intptr_t k = get_int(c, n);
	qv_strobj *x = STR(s);
	if (k <= 0 || x->len == 0)
		return s->type == &qv_str_type ? QS(empty) : bytes_new(c, "", 0);
	if ((uint64_t)k * x->len > 0x7fffffff)
		rt_raise(c, c->memerr);
	sbuf b;
	sb_init(&b, c, x->len * (size_t)k);
	for (intptr_t i = 0; i < k; i++)
		sb_add(&b, x->data, x->len);
	return s->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
}

static bool is_bytes_like(qv_obj o)
{
	return !IS_INT(o) && (o->type == &qv_bytes_type || o->type == &qv_bytearray_type);
}

/* bytes-like view: data and length */
const char *buf_view(qv_ctx *c, qv_obj o, size_t *n)
{
	if (IS(o, qv_bytes_type)) {
		*n = STR(o)->len;
		return STR(o)->data;
	}
	if (IS(o, qv_bytearray_type)) {
		*n = ((qv_bytearray *)o)->len;
		return (const char *)((qv_bytearray *)o)->data;
	}
	if (IS(o, qv_memview_type)) {
		qv_memview *m = (qv_memview *)o;
		size_t bn;
		const char *p = buf_view(c, m->obj, &bn);
		*n = m->len;
		return p + m->off;
	}
	qv_raisef(c, EXC(TypeError), "a bytes-like object is required, not '%s'", type_name(o));
}

static qv_obj str_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	const qv_type *t = (op & OP_REFLECT) ? TYPE(b) : TYPE(a);
	if (op & OP_REFLECT) {
		if (o == OP_MUL && is_intlike(a))
			return str_repeat(c, b, a);
		if ((o == OP_IN) && (op & OP_REFLECT)) {
			if (t == &qv_str_type) {
				if (!IS_STR(a))
					qv_raisef(c, EXC(TypeError), "'in <string>' requires string as left operand, not %s", type_name(a));
				return BOOL(find_bytes(STR(b)->data, STR(b)->len, STR(a)->data, STR(a)->len) != NULL);
			}
			size_t bn;
			const char *bp = buf_view(c, b, &bn);
			if (is_intlike(a)) {
				intptr_t v = get_int(c, a);
				if (v < 0 || v > 255)
					qv_raisef(c, EXC(ValueError), "byte must be in range(0, 256)");
				return BOOL(memchr_s(bp, (int)v, bn) != NULL);
			}
			size_t an;
			const char *ap = buf_view(c, a, &an);
			return BOOL(find_bytes(bp, bn, ap, an) != NULL);
		}
		if (o >= OP_LT && o <= OP_GE)
			return NULL;
		if (o == OP_ADD && t != &qv_str_type && is_bytes_like(a) && is_bytes_like(b)) {
		} else
			return NULL;
	}
	if (o == OP_MOD && t == &qv_str_type)
		return str_modfmt(c, a, b);
	if (o == OP_MOD && t == &qv_bytes_type) {
		/* format on the text, then back to bytes; %s takes bytes as they are */
		qv_obj fs = str_new(c, STR(a)->data, STR(a)->len);
		qv_obj args = b;
		if (IS(b, qv_tuple_type)) {
			qv_tupleobj *tb = (qv_tupleobj *)b;
			args = tuple_new(c, tb->len);
			for (size_t i = 0; i < tb->len; i++) {
				qv_obj x = tb->items[i];
				((qv_tupleobj *)args)->items[i] = IS(x, qv_bytes_type) ? str_new(c, STR(x)->data, STR(x)->len) : x;
			}
		} else if (IS(b, qv_bytes_type))
			args = str_new(c, STR(b)->data, STR(b)->len);
		qv_obj r = str_modfmt(c, fs, args);
		return bytes_new(c, STR(r)->data, STR(r)->len);
	}
	if (o == OP_MUL && is_intlike(b))
		return str_repeat(c, a, b);
	if (o == OP_MUL && !(TYPE(b)->flags & TF_USER) && !IS(b, qv_float_type))
		qv_raisef(c, EXC(TypeError), "can't multiply sequence by non-int of type '%s'", type_name(b));
	if (t == &qv_str_type) {
		if (!IS_STR(b)) {
			if (o == OP_ADD)
				qv_raisef(c, EXC(TypeError), "can only concatenate str (not \"%s\") to str", type_name(b));
			return NULL;
		}
	} else if (!is_bytes_like(b)) {
		if (o == OP_ADD)
			qv_raisef(c, EXC(TypeError), "can't concat %s to %s", type_name(b), type_name(a));
		return NULL;
	}
	if (o == OP_ADD) {
		size_t an, bn;
		const char *ap = t == &qv_str_type ? STR(a)->data : buf_view(c, a, &an);
		const char *bp = t == &qv_str_type ? STR(b)->data : buf_view(c, b, &bn);
		if (t == &qv_str_type) {
			an = STR(a)->len;
			bn = STR(b)->len;
			if (an == 0)
				return b;
			if (bn == 0)
				return a;
		}
		if (t == &qv_str_type) {
			qv_strobj *o = gc_alloc(c, sizeof(qv_strobj) + an + bn + 1, true);
			char *d = (char *)(o + 1);
			__builtin_memcpy(d, ap, an);
			__builtin_memcpy(d + an, bp, bn);
			d[an + bn] = 0;
			o->type = &qv_str_type;
			o->len = (uint32_t)(an + bn);
			o->clen = STR(a)->clen + STR(b)->clen;
			o->data = d;
			if (an + bn > 0x7fffffff)
				rt_raise(c, c->memerr);
			return (qv_obj)o;
		}
		sbuf s;
		sb_init(&s, c, an + bn);
		sb_add(&s, ap, an);
		sb_add(&s, bp, bn);
		return sb_bytes(&s);
	}
	if (o >= OP_LT && o <= OP_GE) {
		int r;
		if (t == &qv_str_type)
			r = cmp_bytes(STR(a), STR(b));
		else {
			size_t an, bn;
			const char *ap = buf_view(c, a, &an), *bp = buf_view(c, b, &bn);
			qv_strobj x = {0, 0, (uint32_t)an, 0, ap}, y = {0, 0, (uint32_t)bn, 0, bp};
			r = cmp_bytes(&x, &y);
		}
		switch (o) {
		case OP_LT: return BOOL(r < 0);
		case OP_LE: return BOOL(r <= 0);
		case OP_EQ: return BOOL(r == 0);
		case OP_NE: return BOOL(r != 0);
		case OP_GT: return BOOL(r > 0);
		default: return BOOL(r >= 0);
		}
	}
	return NULL;
}

static size_t char_off_cached(qv_ctx *c, qv_strobj *s, size_t ci);

static qv_obj str_slice(qv_ctx *c, qv_obj o, qv_obj idx)
{
	qv_strobj *s = STR(o);
	bool isstr = o->type == &qv_str_type;
	intptr_t start, stop, step, count;
	slice_indices(c, idx, isstr ? s->clen : s->len, &start, &stop, &step, &count);
	if (step == 1 && (!isstr || s->clen == s->len))
		return isstr ? str_new(c, s->data + start, (size_t)count) : bytes_new(c, s->data + start, (size_t)count);
	if (step == 1) {
		size_t b0 = char_off_cached(c, s, (size_t)start);
		size_t b1 = char_off_cached(c, s, (size_t)(start + count));
		return str_new(c, s->data + b0, b1 - b0);
	}
	sbuf b;
	sb_init(&b, c, (size_t)count + 1);
	if (!isstr || s->clen == s->len) {
		for (intptr_t i = 0, k = start; i < count; i++, k += step)
			sb_addc(&b, s->data[k]);
	} else {
		/* decode to offsets once */
		size_t *offs = gc_alloc(c, sizeof(size_t) * (s->clen + 1), true);
		size_t i = 0, k = 0;
		while (i < s->len) {
			offs[k++] = i;
			i++;
			while (i < s->len && ((uint8_t)s->data[i] & 0xC0) == 0x80)
				i++;
		}
		offs[k] = s->len;
		for (intptr_t n = 0, j = start; n < count; n++, j += step)
			sb_add(&b, s->data + offs[j], offs[j + 1] - offs[j]);
	}
	return isstr ? sb_str(&b) : sb_bytes(&b);
}

/* char_off with a one-entry cache in the context: scanning a non-ASCII
 * string by index then costs O(1) per step instead of O(position). */
static size_t char_off_cached(qv_ctx *c, qv_strobj *s, size_t ci)
{
	if (s->clen == s->len)
		return ci;
	size_t i = 0, k = 0;
	if (c->idx_str == (qv_obj)s && c->idx_char <= ci) {
		i = c->idx_byte;
		k = c->idx_char;
	}
	while (i < s->len && k < ci) {
		i++;
		while (i < s->len && ((uint8_t)s->data[i] & 0xC0) == 0x80)
			i++;
		k++;
	}
	c->idx_str = (qv_obj)s;
	c->idx_char = k;
	c->idx_byte = i;
	return i;
}

static qv_obj str_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	qv_strobj *s = STR(o);
	bool isstr = o->type == &qv_str_type;
	if (v)
		qv_raisef(c, EXC(TypeError), "'%s' object does not support item assignment", type_name(o));
	if (IS(idx, qv_slice_type))
		return str_slice(c, o, idx);
	if (!is_intlike(idx) && !(TYPE(idx)->flags & TF_USER && type_lookup(TYPE(idx), QS(__index__))))
		qv_raisef(c, EXC(TypeError), "%s indices must be integers or slices, not %s", isstr ? "string" : "byte", type_name(idx));
	intptr_t i = norm_index(c, idx, isstr ? s->clen : s->len, isstr ? "string" : "index");
	if (!isstr)
		return MKINT((uint8_t)s->data[i]);
	size_t off = char_off_cached(c, s, (size_t)i);
	size_t e = off + 1;
	while (e < s->len && ((uint8_t)s->data[e] & 0xC0) == 0x80)
		e++;
	return str_new(c, s->data + off, e - off);
}

static intptr_t str_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return o->type == &qv_str_type ? STR(o)->clen : STR(o)->len;
}

static qv_obj str_iter_next(qv_ctx *c, qv_obj it)
{
	qv_iterobj *i = (qv_iterobj *)it;
	qv_strobj *s = STR(i->obj);
	if ((size_t)i->i >= s->len)
		return NULL;
	if (s->type == &qv_bytes_type)
		return MKINT((uint8_t)s->data[i->i++]);
	size_t st = (size_t)i->i, e = st + 1;
	while (e < s->len && ((uint8_t)s->data[e] & 0xC0) == 0x80)
		e++;
	i->i = (intptr_t)e;
	return str_new(c, s->data + st, e - st);
}

static qv_obj str_iter(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = NEW(c, qv_iterobj);
	it->type = &qv_iter_type;
	it->obj = o;
	it->next = str_iter_next;
	return (qv_obj)it;
}

/* ------------------------------------------------------------ methods */
#define SELF STR(a[0])
#define M(name) static qv_obj name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)

static qv_obj same_kind(qv_ctx *c, qv_obj self, const char *s, size_t n)
{
	return self->type == &qv_str_type ? str_new(c, s, n) : bytes_new(c, s, n);
}

static void want_same(qv_ctx *c, qv_obj self, qv_obj x)
{
	if (self->type == &qv_str_type && !IS_STR(x))
		qv_raisef(c, EXC(TypeError), "must be str, not %s", type_name(x));
	if (self->type != &qv_str_type && !is_bytes_like(x))
		qv_raisef(c, EXC(TypeError), "a bytes-like object is required, not '%s'", type_name(x));
}

static const char *arg_data(qv_ctx *c, qv_obj self, qv_obj x, size_t *len)
{
	want_same(c, self, x);
	if (IS_STR(x)) {
		*len = STR(x)->len;
		return STR(x)->data;
	}
	return buf_view(c, x, len);
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f' ||
	       ch == 0x1c || ch == 0x1d || ch == 0x1e || ch == 0x1f;
}

M(s_join)
{
	UNUSED(n);
	UNUSED(kw);
	return str_join(c, a[0], a[1]);
}

qv_obj str_join(qv_ctx *c, qv_obj sep, qv_obj seq)
{
	bool isstr = sep->type == &qv_str_type;
	size_t cnt;
	qv_obj *items;
	if (IS(seq, qv_list_type) || IS(seq, qv_tuple_type))
		items = seq_array(c, seq, &cnt);
	else {
		if (!TYPE(seq)->iter && !TYPE(seq)->subscr)
			qv_raisef(c, EXC(TypeError), "can only join an iterable");
		qv_obj l = list_from_iter(c, seq);
		items = seq_array(c, l, &cnt);
	}
	sbuf b;
	sb_init(&b, c, 64);
	for (size_t i = 0; i < cnt; i++) {
		qv_obj x = items[i];
		if (isstr ? !IS_STR(x) : !is_bytes_like(x))
			qv_raisef(c, EXC(TypeError), isstr ? "sequence item %u: expected str instance, %s found" :
				  "sequence item %u: expected a bytes-like object, %s found", (unsigned)i, type_name(x));
		if (i)
			sb_add(&b, STR(sep)->data, STR(sep)->len);
		size_t xn;
		const char *xp = isstr ? STR(x)->data : buf_view(c, x, &xn);
		if (isstr)
			xn = STR(x)->len;
		sb_add(&b, xp, xn);
	}
	return isstr ? sb_str(&b) : sb_bytes(&b);
}

static qv_obj do_split(qv_ctx *c, qv_obj self, qv_obj sepo, intptr_t maxsplit, bool right)
{
	qv_strobj *s = STR(self);
	qv_obj res = list_new(c, 0);
	const char *p = s->data;
	size_t len = s->len;
	if (sepo == NONE) {
		if (!right) {
			size_t i = 0;
			while (i < len) {
				while (i < len && is_space(p[i]))
					i++;
				if (i >= len)
					break;
				if (maxsplit >= 0 && (intptr_t)((qv_listobj *)res)->len >= maxsplit) {
					size_t e = len;
					while (e > i && is_space(p[e - 1]))
						e--;
					list_append(c, res, same_kind(c, self, p + i, e - i));
					break;
				}
				size_t st = i;
				while (i < len && !is_space(p[i]))
					i++;
				list_append(c, res, same_kind(c, self, p + st, i - st));
			}
			return res;
		}
		size_t i = len;
		while (i > 0) {
			while (i > 0 && is_space(p[i - 1]))
				i--;
			if (i == 0)
				break;
			if (maxsplit >= 0 && (intptr_t)((qv_listobj *)res)->len >= maxsplit) {
				size_t st = 0;
				while (st < i && is_space(p[st]))
					st++;
				list_append(c, res, same_kind(c, self, p + st, i - st));
				break;
			}
			size_t e = i;
			while (i > 0 && !is_space(p[i - 1]))
				i--;
			list_append(c, res, same_kind(c, self, p + i, e - i));
		}
		qv_listobj *l = (qv_listobj *)res;
		for (size_t k = 0; k < l->len / 2; k++) {
			qv_obj t = l->items[k];
			l->items[k] = l->items[l->len - 1 - k];
			l->items[l->len - 1 - k] = t;
		}
		return res;
	}
	size_t sn;
	const char *sp = arg_data(c, self, sepo, &sn);
	if (sn == 0)
		qv_raisef(c, EXC(ValueError), "empty separator");
	if (!right) {
		size_t i = 0;
		intptr_t k = 0;
		for (;;) {
			const char *f = (maxsplit < 0 || k < maxsplit) ? find_bytes(p + i, len - i, sp, sn) : NULL;
			if (!f) {
				list_append(c, res, same_kind(c, self, p + i, len - i));
				break;
			}
			list_append(c, res, same_kind(c, self, p + i, (size_t)(f - (p + i))));
			i = (size_t)(f - p) + sn;
			k++;
		}
		return res;
	}
	size_t e = len;
	intptr_t k = 0;
	qv_obj tmp = list_new(c, 0);
	for (;;) {
		const char *f = NULL;
		if (maxsplit < 0 || k < maxsplit)
			for (size_t j = e; j >= sn; j--)
				if (__builtin_memcmp(p + j - sn, sp, sn) == 0) {
					f = p + j - sn;
					break;
				}
		if (!f) {
			list_append(c, tmp, same_kind(c, self, p, e));
			break;
		}
		list_append(c, tmp, same_kind(c, self, f + sn, (size_t)(p + e - (f + sn))));
		e = (size_t)(f - p);
		k++;
	}
	qv_listobj *l = (qv_listobj *)tmp;
	for (size_t i = l->len; i-- > 0;)
		list_append(c, res, l->items[i]);
	return res;
}

static void split_args(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw, qv_obj *sep, intptr_t *maxs)
{
	*sep = n > 1 ? a[1] : NONE;
	*maxs = n > 2 ? get_int(c, a[2]) : -1;
	qv_obj v;
	if ((v = native_kw(c, kw, QS(sep))))
		*sep = v;
	if ((v = native_kw(c, kw, QS(maxsplit))))
		*maxs = get_int(c, v);
}

M(s_split) { qv_obj sep; intptr_t m; split_args(c, n, a, kw, &sep, &m); return do_split(c, a[0], sep, m, false); }
M(s_rsplit) { qv_obj sep; intptr_t m; split_args(c, n, a, kw, &sep, &m); return do_split(c, a[0], sep, m, true); }

static qv_obj do_strip(qv_ctx *c, size_t n, qv_obj *a, int which)
{
	qv_strobj *s = SELF;
	const char *chars = NULL;
	size_t cn = 0;
	if (n > 1 && a[1] != NONE)
		chars = arg_data(c, a[0], a[1], &cn);
	size_t st = 0, e = s->len;
	if (which & 1)
		while (st < e && (chars ? memchr_s(chars, s->data[st], cn) != NULL : is_space(s->data[st])))
			st++;
	if (which & 2)
		while (e > st && (chars ? memchr_s(chars, s->data[e - 1], cn) != NULL : is_space(s->data[e - 1])))
			e--;
	if (st == 0 && e == s->len && a[0]->type == &qv_str_type)
		return a[0];
	return same_kind(c, a[0], s->data + st, e - st);
}

M(s_strip) { UNUSED(kw); return do_strip(c, n, a, 3); }
M(s_lstrip) { UNUSED(kw); return do_strip(c, n, a, 1); }
M(s_rstrip) { UNUSED(kw); return do_strip(c, n, a, 2); }

M(s_replace)
{
	UNUSED(kw);
	qv_strobj *s = SELF;
	size_t on, nn;
	const char *op = arg_data(c, a[0], a[1], &on);
	const char *np = arg_data(c, a[0], a[2], &nn);
	intptr_t count = n > 3 ? get_int(c, a[3]) : -1;
	sbuf b;
	sb_init(&b, c, s->len + 16);
	size_t i = 0;
	intptr_t k = 0;
	if (on == 0) {
		/* insert between characters */
		size_t ci = 0;
		while (count < 0 || k < count) {
			sb_add(&b, np, nn);
			k++;
			if (ci >= s->len)
				break;
			size_t e = ci + 1;
			while (e < s->len && ((uint8_t)s->data[e] & 0xC0) == 0x80)
				e++;
			sb_add(&b, s->data + ci, e - ci);
			ci = e;
		}
		sb_add(&b, s->data + ci, s->len - ci);
		return a[0]->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
	}
	while (i <= s->len) {
		const char *f = (count < 0 || k < count) ? find_bytes(s->data + i, s->len - i, op, on) : NULL;
		if (!f) {
			sb_add(&b, s->data + i, s->len - i);
			break;
		}
		sb_add(&b, s->data + i, (size_t)(f - (s->data + i)));
		sb_add(&b, np, nn);
		i = (size_t)(f - s->data) + on;
		k++;
	}
	return a[0]->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
}

/* start/end arguments in characters -> byte range */
static void range_args(qv_ctx *c, qv_strobj *s, size_t n, qv_obj *a, size_t first, size_t *bs, size_t *be)
{
	intptr_t len = s->type == &qv_str_type ? s->clen : s->len;
	intptr_t st = 0, e = len;
	if (n > first && a[first] != NONE) {
		st = get_int(c, a[first]);
		if (st < 0)
			st += len;
		if (st < 0)
			st = 0;
	}
	if (n > first + 1 && a[first + 1] != NONE) {
		e = get_int(c, a[first + 1]);
		if (e < 0)
			e += len;
		if (e < 0)
			e = 0;
	}
	if (e > len)
		e = len;
	if (st > len) {
		*bs = s->len + 1;
		*be = s->len;
		return;
	}
	if (e < st)
		e = st;
	if (s->type == &qv_str_type) {
		if (n <= first || (a[first] == NONE && (n <= first + 1 || a[first + 1] == NONE))) {
			*bs = 0;
			*be = s->len;
		} else {
			*bs = char_off_cached(c, s, (size_t)st);
			*be = char_off_cached(c, s, (size_t)e);
		}
	} else {
		*bs = (size_t)st;
		*be = (size_t)e;
	}
}

static intptr_t byte_to_char(qv_strobj *s, size_t off)
{
	if (s->type != &qv_str_type || s->clen == s->len)
		return (intptr_t)off;
	return (intptr_t)utf8_len(s->data, off);
}

static intptr_t byte_to_char_c(qv_ctx *c, qv_strobj *s, size_t off)
{
	if (s->type != &qv_str_type || s->clen == s->len)
		return (intptr_t)off;
	/* continue from the cached position when it is before off */
	if (c->idx_str == (qv_obj)s && c->idx_byte <= off)
		return (intptr_t)(c->idx_char + utf8_len(s->data + c->idx_byte, off - c->idx_byte));
	return (intptr_t)utf8_len(s->data, off);
}

static intptr_t do_find(qv_ctx *c, size_t n, qv_obj *a, bool right)
{
	qv_strobj *s = SELF;
	size_t nn;
	const char *np;
	char one;
	if (s->type != &qv_str_type && is_intlike(a[1])) {
		one = (char)get_int(c, a[1]);
		np = &one;
		nn = 1;
	} else
		np = arg_data(c, a[0], a[1], &nn);
	size_t bs, be;
	range_args(c, s, n, a, 2, &bs, &be);
	if (bs > s->len || be - bs < nn)
		return -1;
	if (!right) {
		const char *f = find_bytes(s->data + bs, be - bs, np, nn);
		return f ? byte_to_char_c(c, s, (size_t)(f - s->data)) : -1;
	}
	for (size_t j = be; j >= bs + nn; j--)
		if (__builtin_memcmp(s->data + j - nn, np, nn) == 0)
			return byte_to_char(s, j - nn);
	return -1;
}

M(s_find) { UNUSED(kw); return MKINT(do_find(c, n, a, false)); }
M(s_rfind) { UNUSED(kw); return MKINT(do_find(c, n, a, true)); }
M(s_index)
{
	UNUSED(kw);
	intptr_t r = do_find(c, n, a, false);
	if (r < 0)
		qv_raisef(c, EXC(ValueError), a[0]->type == &qv_str_type ? "substring not found" : "subsection not found");
	return MKINT(r);
}
M(s_rindex)
{
	UNUSED(kw);
	intptr_t r = do_find(c, n, a, true);
	if (r < 0)
		qv_raisef(c, EXC(ValueError), a[0]->type == &qv_str_type ? "substring not found" : "subsection not found");
	return MKINT(r);
}

M(s_count)
{
	UNUSED(kw);
	qv_strobj *s = SELF;
	size_t nn;
	const char *np;
	char one;
	if (s->type != &qv_str_type && is_intlike(a[1])) {
		one = (char)get_int(c, a[1]);
		np = &one;
		nn = 1;
	} else
		np = arg_data(c, a[0], a[1], &nn);
	size_t bs, be;
	range_args(c, s, n, a, 2, &bs, &be);
	if (bs > s->len)
		return MKINT(0);
	if (nn == 0)
		return MKINT(byte_to_char(s, be) - byte_to_char(s, bs) + 1);
	intptr_t k = 0;
	size_t i = bs;
	while (i + nn <= be) {
		const char *f = find_bytes(s->data + i, be - i, np, nn);
		if (!f)
			break;
		k++;
		i = (size_t)(f - s->data) + nn;
	}
	return MKINT(k);
}

static qv_obj starts_ends(qv_ctx *c, size_t n, qv_obj *a, bool ends)
{
	qv_strobj *s = SELF;
	size_t bs, be;
	range_args(c, s, n, a, 2, &bs, &be);
	qv_obj pre = a[1];
	size_t cnt = 1;
	qv_obj *items = &pre;
	if (IS(pre, qv_tuple_type))
		items = seq_array(c, pre, &cnt);
	else if (a[0]->type == &qv_str_type && !IS_STR(pre))
		qv_raisef(c, EXC(TypeError), "%s first arg must be str or a tuple of str, not %s", ends ? "endswith" : "startswith", type_name(pre));
	if (bs > s->len)
		return FALSE_;
	for (size_t i = 0; i < cnt; i++) {
		size_t pn;
		const char *pp = arg_data(c, a[0], items[i], &pn);
		if (pn > be - bs)
			continue;
		if (__builtin_memcmp(ends ? s->data + be - pn : s->data + bs, pp, pn) == 0)
			return TRUE_;
	}
	return FALSE_;
}

M(s_startswith) { UNUSED(kw); return starts_ends(c, n, a, false); }
M(s_endswith) { UNUSED(kw); return starts_ends(c, n, a, true); }

/* The four Latin digraphs come in threes: upper, title, lower (DŽ Dž dž). */
static uint32_t digraph_base(uint32_t cp)
{
	if (cp >= 0x1C4 && cp <= 0x1CC)
		return cp - (cp - 0x1C4) % 3;
	return cp >= 0x1F1 && cp <= 0x1F3 ? 0x1F1 : 0;
}

/* Simple case pairs outside ASCII. */
static uint32_t to_upper_cp(uint32_t cp)
{
	uint32_t dg = digraph_base(cp);
	if (dg)
		return dg;
	if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) || (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) ||
	    (cp >= 0x430 && cp <= 0x44F))
		return cp - 32;
	if (cp == 0xFF) return 0x178;
	if (cp == 0x3C2) return 0x3A3;
	if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x131 && cp != 0x138 && cp != 0x149 && cp != 0x17F) {
		bool odd_lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
		if (odd_lower ? (cp & 1) == 0 : (cp & 1) == 1)
			return cp - 1;
	}
	return cp;
}

static uint32_t to_lower_cp(uint32_t cp)
{
	uint32_t dg = digraph_base(cp);
	if (dg)
		return dg + 2;
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) ||
	    (cp >= 0x410 && cp <= 0x42F))
		return cp + 32;
	if (cp == 0x178) return 0xFF;
	if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149) {
		bool odd_lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
		if (odd_lower ? (cp & 1) == 1 : (cp & 1) == 0)
			return cp + 1;
	}
	return cp;
}

static bool is_upper_cp(uint32_t cp) { return to_lower_cp(cp) != cp && (!digraph_base(cp) || digraph_base(cp) == cp); }
static bool is_lower_cp(uint32_t cp) { return (to_upper_cp(cp) != cp && (!digraph_base(cp) || digraph_base(cp) + 2 == cp)) || cp == 0xDF; }

static qv_obj map_chars(qv_ctx *c, qv_obj self, int mode)
{
	qv_strobj *s = STR(self);
	if (self->type == &qv_str_type && s->clen != s->len) {
		/* the same rules, per code point */
		sbuf b;
		sb_init(&b, c, s->len + 8);
		bool start = true;
		size_t i = 0, k = 0;
		while (i < s->len) {
			uint32_t cp = utf8_decode(s->data, s->len, &i);
			bool up = (cp >= 'A' && cp <= 'Z') || (cp >= 0x80 && is_upper_cp(cp));
			bool lo = (cp >= 'a' && cp <= 'z') || (cp >= 0x80 && is_lower_cp(cp));
			uint32_t u = cp < 0x80 ? (lo ? cp - 32 : cp) : to_upper_cp(cp);
			uint32_t l = cp < 0x80 ? (up ? cp + 32 : cp) : to_lower_cp(cp);
			bool upper_out;
			switch (mode) {
			case 0: upper_out = true; break;
			case 1: upper_out = false; break;
			case 2: upper_out = lo; break;
			case 3: upper_out = start; break;
			default: upper_out = k == 0; break;
			}
			uint32_t dg = digraph_base(cp);
			if (mode == 3)
				start = !(up || lo || dg);
			if (dg && upper_out && mode >= 3)
				sb_utf8(&b, dg + 1); /* the titlecase form */
			else if (upper_out && cp == 0xDF)
				sb_adds(&b, mode == 0 || mode == 2 ? "SS" : "Ss");
			else if (mode == 2 && !up && !lo)
				sb_utf8(&b, cp);
			else
				sb_utf8(&b, upper_out ? u : l);
			k++;
		}
		return sb_str(&b);
	}
	sbuf b;
	sb_init(&b, c, s->len + 1);
	bool start = true;
	for (size_t i = 0; i < s->len; i++) {
		char ch = s->data[i];
		bool up = ch >= 'A' && ch <= 'Z', lo = ch >= 'a' && ch <= 'z';
		switch (mode) {
		case 0: if (lo) ch = (char)(ch - 32); break;            /* upper */
		case 1: if (up) ch = (char)(ch + 32); break;            /* lower */
		case 2: if (up) ch = (char)(ch + 32); else if (lo) ch = (char)(ch - 32); break;
		case 3: /* title */
			if (start && lo) ch = (char)(ch - 32);
			else if (!start && up) ch = (char)(ch + 32);
			start = !(up || lo || ((uint8_t)ch >= 0x80));
			break;
		case 4: /* capitalize */
			if (i == 0 && lo) ch = (char)(ch - 32);
			else if (i > 0 && up) ch = (char)(ch + 32);
			break;
		}
		sb_addc(&b, ch);
	}
	return self->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
}

M(s_upper) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 0); }
M(s_lower) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 1); }
M(s_swapcase) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 2); }
M(s_title) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 3); }
M(s_capitalize) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 4); }

#include "unidata.h"

/* Whether cp is in one of the generated runs (first << 8 | length - 1). */
static bool in_runs(const uint32_t *t, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((t[mid] >> 8) <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && cp - (t[lo - 1] >> 8) <= (t[lo - 1] & 0xff);
}

/* isdecimal (kind 0), isdigit (1), isnumeric (2) */
static qv_obj numeric_class(qv_obj self, int kind)
{
	qv_strobj *s = STR(self);
	if (s->len == 0)
		return FALSE_;
	size_t i = 0;
	while (i < s->len) {
		uint8_t ch = (uint8_t)s->data[i];
		if (ch < 0x80 || self->type != &qv_str_type) {
			if (ch < '0' || ch > '9')
				return FALSE_;
			i++;
			continue;
		}
		uint32_t cp = utf8_decode(s->data, s->len, &i);
		bool ok = kind == 0 ? in_runs(uni_decimal, sizeof uni_decimal / 4, cp)
			: kind == 1 ? in_runs(uni_digit, sizeof uni_digit / 4, cp)
			: in_runs(uni_numeric, sizeof uni_numeric / 4, cp);
		if (!ok)
			return FALSE_;
	}
	return TRUE_;
}

static qv_obj classify(qv_obj self, int kind)
{
	qv_strobj *s = STR(self);
	if (s->len == 0)
		return FALSE_;
	bool cased = false, any_up = false, any_lo = false;
	for (size_t i = 0; i < s->len; i++) {
		uint8_t ch = (uint8_t)s->data[i];
		bool d = ch >= '0' && ch <= '9', up = ch >= 'A' && ch <= 'Z', lo = ch >= 'a' && ch <= 'z';
		bool al = up || lo || (ch >= 0x80 && self->type == &qv_str_type);
		if (up) any_up = true;
		if (lo) any_lo = true;
		if (up || lo) cased = true;
		switch (kind) {
		case 0: if (!d) return FALSE_; break;
		case 1: if (!al) return FALSE_; break;
		case 2: if (!al && !d) return FALSE_; break;
		case 3: if (!is_space((char)ch)) return FALSE_; break;
		default: break;
		}
	}
	if (kind == 4) return BOOL(cased && !any_lo);
	if (kind == 5) return BOOL(cased && !any_up);
	return TRUE_;
}

/* The case of a code point as far as the case tables above know it:
 * 1 upper, 2 lower, 3 titlecase (the digraphs' middle form), 0 uncased. */
static int cp_case(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? 1 : cp >= 'a' && cp <= 'z' ? 2 : 0;
	uint32_t dg = digraph_base(cp);
	if (dg)
		return cp == dg ? 1 : cp == dg + 2 ? 2 : 3;
	return is_upper_cp(cp) ? 1 : is_lower_cp(cp) ? 2 : 0;
}

/* isupper (kind 4) and islower (5) of a str with non-ASCII text (ASCII
 * takes classify's byte loop); istitle (6) of any str */
static qv_obj case_class(qv_obj self, int kind)
{
	qv_strobj *s = STR(self);
	bool cased = false, prev_cased = false;
	size_t i = 0;
	while (i < s->len) {
		int k = cp_case(utf8_decode(s->data, s->len, &i));
		if (kind == 6) {
			if (k == 1 || k == 3) {
				if (prev_cased)
					return FALSE_;
				prev_cased = cased = true;
			} else if (k == 2) {
				if (!prev_cased)
					return FALSE_;
			} else
				prev_cased = false;
			continue;
		}
		if (k == 3 || k == (kind == 4 ? 2 : 1))
			return FALSE_;
		cased |= k != 0;
	}
	return BOOL(cased);
}

M(s_isdigit) { UNUSED(c); UNUSED(n); UNUSED(kw); return numeric_class(a[0], 1); }
M(s_isdecimal) { UNUSED(c); UNUSED(n); UNUSED(kw); return numeric_class(a[0], 0); }
M(s_isnumeric) { UNUSED(c); UNUSED(n); UNUSED(kw); return numeric_class(a[0], 2); }
M(s_isalpha) { UNUSED(c); UNUSED(n); UNUSED(kw); return classify(a[0], 1); }
M(s_isalnum) { UNUSED(c); UNUSED(n); UNUSED(kw); return classify(a[0], 2); }
M(s_isspace) { UNUSED(c); UNUSED(n); UNUSED(kw); return classify(a[0], 3); }
#define NON_ASCII_STR(o) ((o)->type == &qv_str_type && STR(o)->clen != STR(o)->len)
M(s_isupper) { UNUSED(c); UNUSED(n); UNUSED(kw); return NON_ASCII_STR(a[0]) ? case_class(a[0], 4) : classify(a[0], 4); }
M(s_islower) { UNUSED(c); UNUSED(n); UNUSED(kw); return NON_ASCII_STR(a[0]) ? case_class(a[0], 5) : classify(a[0], 5); }
M(s_isascii)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_strobj *s = SELF;
	for (size_t i = 0; i < s->len; i++)
		if ((uint8_t)s->data[i] >= 0x80)
			return FALSE_;
	return TRUE_;
}
M(s_isidentifier)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_strobj *s = SELF;
	if (!s->len)
		return FALSE_;
	for (size_t i = 0; i < s->len; i++) {
		uint8_t ch = (uint8_t)s->data[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80 ||
			  (i > 0 && ch >= '0' && ch <= '9');
		if (!ok)
			return FALSE_;
	}
	return TRUE_;
}
M(s_istitle)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	/* one walk for ASCII and the rest: cp_case takes ASCII without tables */
	return case_class(a[0], 6);
}

static qv_obj pad(qv_ctx *c, size_t n, qv_obj *a, int where)
{
	qv_strobj *s = SELF;
	intptr_t w = get_int(c, a[1]);
	const char *fill = " ";
	size_t fn = 1;
	if (n > 2) {
		if (!IS_STR(a[2]) && a[0]->type == &qv_str_type)
			qv_raisef(c, EXC(TypeError), "The fill character must be a unicode character, not %s", type_name(a[2]));
		fill = STR(a[2])->data;
		fn = STR(a[2])->len;
		if (STR(a[2])->clen != 1)
			qv_raisef(c, EXC(TypeError), "The fill character must be exactly one character long");
	}
	intptr_t len = a[0]->type == &qv_str_type ? s->clen : s->len;
	if (w <= len)
		return a[0];
	intptr_t total = w - len, left = 0;
	if (where == 0) left = 0;
	else if (where == 1) left = total;
	else left = total / 2 + (total & w & 1);
	sbuf b;
	sb_init(&b, c, s->len + (size_t)total * fn);
	for (intptr_t i = 0; i < left; i++)
		sb_add(&b, fill, fn);
	sb_add(&b, s->data, s->len);
	for (intptr_t i = left; i < total; i++)
		sb_add(&b, fill, fn);
	return a[0]->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
}

M(s_ljust) { UNUSED(kw); return pad(c, n, a, 0); }
M(s_rjust) { UNUSED(kw); return pad(c, n, a, 1); }
M(s_center) { UNUSED(kw); return pad(c, n, a, 2); }
M(s_zfill)
{
	UNUSED(kw);
	UNUSED(n);
	qv_strobj *s = SELF;
	intptr_t w = get_int(c, a[1]);
	intptr_t len = a[0]->type == &qv_str_type ? s->clen : s->len;
	if (w <= len)
		return a[0];
	sbuf b;
	sb_init(&b, c, (size_t)w);
	size_t i = 0;
	if (s->len && (s->data[0] == '-' || s->data[0] == '+')) {
		sb_addc(&b, s->data[0]);
		i = 1;
	}
	for (intptr_t k = 0; k < w - len; k++)
		sb_addc(&b, '0');
	sb_add(&b, s->data + i, s->len - i);
	return a[0]->type == &qv_str_type ? sb_str(&b) : sb_bytes(&b);
}

M(s_splitlines)
{
	qv_strobj *s = SELF;
	bool keep = n > 1 ? rt_truth(c, a[1]) : false;
	qv_obj k = native_kw(c, kw, QS(keepends));
	if (k)
		keep = rt_truth(c, k);
	qv_obj res = list_new(c, 0);
	size_t i = 0;
	while (i < s->len) {
		size_t st = i;
		while (i < s->len && s->data[i] != '\n' && s->data[i] != '\r')
			i++;
		size_t e = i;
		if (i < s->len) {
			if (s->data[i] == '\r' && i + 1 < s->len && s->data[i + 1] == '\n')
				i += 2;
			else
				i++;
		}
		list_append(c, res, same_kind(c, a[0], s->data + st, (keep ? i : e) - st));
	}
	return res;
}

static qv_obj partition(qv_ctx *c, qv_obj *a, bool right)
{
	qv_strobj *s = SELF;
	size_t nn;
	const char *np = arg_data(c, a[0], a[1], &nn);
	if (nn == 0)
		qv_raisef(c, EXC(ValueError), "empty separator");
	const char *f = NULL;
	if (!right)
		f = find_bytes(s->data, s->len, np, nn);
	else
		for (size_t j = s->len; j >= nn; j--)
			if (__builtin_memcmp(s->data + j - nn, np, nn) == 0) {
				f = s->data + j - nn;
				break;
			}
	qv_obj empty = same_kind(c, a[0], "", 0);
	if (!f)
		return right ? tuple_pack(c, 3, empty, empty, a[0]) : tuple_pack(c, 3, a[0], empty, empty);
	size_t off = (size_t)(f - s->data);
	return tuple_pack(c, 3, same_kind(c, a[0], s->data, off), a[1],
			  same_kind(c, a[0], s->data + off + nn, s->len - off - nn));
}

M(s_partition) { UNUSED(n); UNUSED(kw); return partition(c, a, false); }
M(s_rpartition) { UNUSED(n); UNUSED(kw); return partition(c, a, true); }

M(s_encode)
{
	qv_obj enc = n > 1 ? a[1] : native_kw(c, kw, QS(encoding));
	qv_obj errs = n > 2 ? a[2] : native_kw(c, kw, QS(errors));
	qv_strobj *s = SELF;
	int limit = 0;
	if (enc && IS_STR(enc)) {
		if (str_eq(enc, QS(ascii)))
			limit = 0x80;
		else if (str_eq(enc, QS(latin1)) || str_eq(enc, QS(latin_1)) || (STR(enc)->len == 7 && __builtin_memcmp(STR(enc)->data, "latin-1", 7) == 0))
			limit = 0x100;
	}
	if (!limit || s->clen == s->len)
		return bytes_new(c, s->data, s->len);
	bool repl = errs && IS_STR(errs) && str_eq(errs, QS(replace));
	bool ign = errs && IS_STR(errs) && str_eq(errs, QS(ignore));
	sbuf b;
	sb_init(&b, c, s->len);
	size_t i = 0, pos = 0;
	while (i < s->len) {
		size_t st = i;
		uint32_t cp = utf8_decode(s->data, s->len, &i);
		if (cp < (uint32_t)limit)
			sb_addc(&b, (char)cp);
		else if (repl)
			sb_addc(&b, '?');
		else if (!ign)
			qv_raisef(c, EXC(UnicodeEncodeError), "'%s' codec can't encode character %R in position %u: ordinal not in range(%d)",
				  limit == 0x80 ? "ascii" : "latin-1", str_new(c, s->data + st, i - st), (unsigned)pos, limit);
		pos++;
	}
	return sb_bytes(&b);
}

M(b_decode)
{
	UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	qv_obj enc = n > 1 ? a[1] : NULL;
	if (enc && IS_STR(enc) && (str_eq(enc, QS(ascii))) ) {
		for (size_t i = 0; i < len; i++)
			if ((uint8_t)p[i] >= 0x80)
				qv_raisef(c, EXC(UnicodeDecodeError), "'ascii' codec can't decode byte 0x%x in position %u: ordinal not in range(128)", (unsigned long)(uint8_t)p[i], (unsigned)i);
	}
	if (enc && IS_STR(enc) && (str_eq(enc, QS(latin1)) || str_eq(enc, QS(latin_1)))) {
		sbuf b;
		sb_init(&b, c, len * 2);
		for (size_t i = 0; i < len; i++)
			sb_utf8(&b, (uint8_t)p[i]);
		return sb_str(&b);
	}
	qv_obj errs = n > 2 ? a[2] : native_kw(c, kw, QS(errors));
	if (utf8_valid(p, len))
		return str_new(c, p, len);
	bool repl = errs && IS_STR(errs) && str_eq(errs, QS(replace));
	bool ign = errs && IS_STR(errs) && str_eq(errs, QS(ignore));
	sbuf b;
	sb_init(&b, c, len + 8);
	size_t i = 0;
	while (i < len) {
		uint8_t b0 = (uint8_t)p[i];
		int k = b0 < 0x80 ? 0 : (b0 & 0xE0) == 0xC0 && b0 >= 0xC2 ? 1 : (b0 & 0xF0) == 0xE0 ? 2 : (b0 & 0xF8) == 0xF0 && b0 <= 0xF4 ? 3 : -1;
		bool ok = k >= 0 && i + (size_t)k < len + (k == 0);
		for (int j = 1; ok && j <= k; j++)
			if (i + (size_t)j >= len || ((uint8_t)p[i + j] & 0xC0) != 0x80)
				ok = false;
		if (ok) {
			sb_add(&b, p + i, (size_t)k + 1);
			i += (size_t)k + 1;
			continue;
		}
		if (repl)
			sb_utf8(&b, 0xFFFD);
		else if (!ign)
			qv_raisef(c, EXC(UnicodeDecodeError), "'utf-8' codec can't decode byte 0x%x in position %u: %s",
				  (unsigned long)b0, (unsigned)i, k < 0 ? "invalid start byte" : "invalid continuation byte");
		i++;
	}
	return sb_str(&b);
}

M(b_hex)
{
	UNUSED(n);
	UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	static const char hx[] = "0123456789abcdef";
	sbuf b;
	sb_init(&b, c, len * 2 + 1);
	for (size_t i = 0; i < len; i++) {
		sb_addc(&b, hx[(uint8_t)p[i] >> 4]);
		sb_addc(&b, hx[(uint8_t)p[i] & 15]);
	}
	return sb_str(&b);
}

static int hexdig(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : (ch | 32) >= 'a' && (ch | 32) <= 'f' ? (ch | 32) - 'a' + 10 : -1;
}

M(b_fromhex)
{
	UNUSED(kw);
	UNUSED(n);
	if (!IS_STR(a[1]))
		qv_raisef(c, EXC(TypeError), "fromhex() argument must be str, not %s", type_name(a[1]));
	qv_strobj *s = STR(a[1]);
	sbuf b;
	sb_init(&b, c, s->len / 2 + 1);
	size_t i = 0;
	while (i < s->len) {
		if (s->data[i] == ' ') {
			i++;
			continue;
		}
		int h = hexdig(s->data[i]), l = i + 1 < s->len ? hexdig(s->data[i + 1]) : -1;
		if (h < 0 || l < 0)
			qv_raisef(c, EXC(ValueError), "non-hexadecimal number found in fromhex() arg at position %u", (unsigned)(h < 0 ? i : i + 1));
		sb_addc(&b, (char)(h * 16 + l));
		i += 2;
	}
	qv_obj r = sb_bytes(&b);
	if (a[0] == (qv_obj)&qv_bytearray_type)
		return qv_call1(c, a[0], r);
	return r;
}

qv_obj s_format(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw);
M(s_expandtabs)
{
	UNUSED(kw);
	qv_strobj *s = SELF;
	intptr_t ts = n > 1 ? get_int(c, a[1]) : 8;
	sbuf b;
	sb_init(&b, c, s->len + 8);
	intptr_t col = 0;
	for (size_t i = 0; i < s->len; i++) {
		char ch = s->data[i];
		if (ch == '\t') {
			if (ts > 0) {
				intptr_t k = ts - col % ts;
				for (intptr_t j = 0; j < k; j++)
					sb_addc(&b, ' ');
				col += k;
			}
		} else {
			sb_addc(&b, ch);
			col = (ch == '\n' || ch == '\r') ? 0 : col + (((uint8_t)ch & 0xC0) != 0x80);
		}
	}
	return sb_str(&b);
}

M(s_removeprefix)
{
	UNUSED(kw);
	UNUSED(n);
	size_t pn;
	const char *pp = arg_data(c, a[0], a[1], &pn);
	qv_strobj *s = SELF;
	if (pn <= s->len && __builtin_memcmp(s->data, pp, pn) == 0)
		return same_kind(c, a[0], s->data + pn, s->len - pn);
	return a[0];
}

M(s_removesuffix)
{
	UNUSED(kw);
	UNUSED(n);
	size_t pn;
	const char *pp = arg_data(c, a[0], a[1], &pn);
	qv_strobj *s = SELF;
	if (pn && pn <= s->len && __builtin_memcmp(s->data + s->len - pn, pp, pn) == 0)
		return same_kind(c, a[0], s->data, s->len - pn);
	return a[0];
}

M(s_maketrans)
{
	UNUSED(kw);
	qv_obj d = dict_new(c);
	if (n == 1) {
		qv_dictobj *src = (qv_dictobj *)a[0];
		for (size_t i = 0; i < src->n; i++) {
			qv_obj k = src->entries[i].key;
			if (!k)
				continue;
			if (IS_STR(k)) {
				size_t j = 0;
				k = MKINT(utf8_decode(STR(k)->data, STR(k)->len, &j));
			}
			dict_set(c, d, k, src->entries[i].value);
		}
		return d;
	}
	qv_strobj *x = STR(a[0]), *y = STR(a[1]);
	if (x->clen != y->clen)
		qv_raisef(c, EXC(ValueError), "the first two maketrans arguments must have equal length");
	size_t i = 0, j = 0;
	while (i < x->len) {
		uint32_t k = utf8_decode(x->data, x->len, &i);
		uint32_t v = utf8_decode(y->data, y->len, &j);
		dict_set(c, d, MKINT(k), MKINT(v));
	}
	if (n > 2) {
		qv_strobj *z = STR(a[2]);
		i = 0;
		while (i < z->len)
			dict_set(c, d, MKINT(utf8_decode(z->data, z->len, &i)), NONE);
	}
	return d;
}

M(s_translate)
{
	UNUSED(kw);
	UNUSED(n);
	qv_strobj *s = SELF;
	sbuf b;
	sb_init(&b, c, s->len + 1);
	size_t i = 0;
	while (i < s->len) {
		size_t st = i;
		uint32_t cp = utf8_decode(s->data, s->len, &i);
		qv_obj v = NULL;
		qv_jmp j;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			if (!isinstance(c->exc, EXC(LookupError)))
				rt_raise(c, c->exc);
			v = NULL;
		} else {
			v = qv_getitem(c, a[1], MKINT(cp));
			qv_untry(c, &j);
		}
		if (!v)
			sb_add(&b, s->data + st, i - st);
		else if (v == NONE)
			;
		else if (IS_INT(v))
			sb_utf8(&b, (uint32_t)INT_VAL(v));
		else
			sb_addobj(&b, v);
	}
	return sb_str(&b);
}

M(s_casefold) { UNUSED(n); UNUSED(kw); return map_chars(c, a[0], 1); }
qv_obj s_format_map(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw);

M(s_getnewargs) { UNUSED(n); UNUSED(kw); return tuple_pack(c, 1, a[0]); }

static const qv_method str_methods[] = {
	METH(join, 2, 2, s_join), METH(split, 1, 3, s_split), METH(rsplit, 1, 3, s_rsplit),
	METH(strip, 1, 2, s_strip), METH(lstrip, 1, 2, s_lstrip), METH(rstrip, 1, 2, s_rstrip),
	METH(replace, 3, 4, s_replace), METH(find, 2, 4, s_find), METH(rfind, 2, 4, s_rfind),
	METH(index, 2, 4, s_index), METH(rindex, 2, 4, s_rindex), METH(count, 2, 4, s_count),
	METH(startswith, 2, 4, s_startswith), METH(endswith, 2, 4, s_endswith),
	METH(upper, 1, 1, s_upper), METH(lower, 1, 1, s_lower), METH(swapcase, 1, 1, s_swapcase),
	METH(title, 1, 1, s_title), METH(capitalize, 1, 1, s_capitalize), METH(casefold, 1, 1, s_casefold),
	METH(isdigit, 1, 1, s_isdigit), METH(isdecimal, 1, 1, s_isdecimal), METH(isnumeric, 1, 1, s_isnumeric),
	METH(isalpha, 1, 1, s_isalpha), METH(isalnum, 1, 1, s_isalnum), METH(isspace, 1, 1, s_isspace),
	METH(isupper, 1, 1, s_isupper), METH(islower, 1, 1, s_islower), METH(isascii, 1, 1, s_isascii),
	METH(isidentifier, 1, 1, s_isidentifier), METH(istitle, 1, 1, s_istitle),
	METH(ljust, 2, 3, s_ljust), METH(rjust, 2, 3, s_rjust), METH(center, 2, 3, s_center),
	METH(zfill, 2, 2, s_zfill), METH(splitlines, 1, 2, s_splitlines),
	METH(partition, 2, 2, s_partition), METH(rpartition, 2, 2, s_rpartition),
	METH(encode, 1, 3, s_encode), METH(format, 1, ARGS_MAX, s_format),
	METH(format_map, 2, 2, s_format_map), METH(expandtabs, 1, 2, s_expandtabs),
	METH(removeprefix, 2, 2, s_removeprefix), METH(removesuffix, 2, 2, s_removesuffix),
	SMETH(maketrans, 1, 3, s_maketrans), METH(translate, 2, 2, s_translate),
	METH(__getnewargs__, 1, 1, s_getnewargs), METH_END,
};

M(b_maketrans)
{
	UNUSED(n); UNUSED(kw);
	size_t fn, tn;
	const char *f = buf_view(c, a[0], &fn), *t = buf_view(c, a[1], &tn);
	if (fn != tn)
		qv_raisef(c, EXC(ValueError), "maketrans arguments must have same length");
	char tab[256];
	for (int i = 0; i < 256; i++)
		tab[i] = (char)i;
	for (size_t i = 0; i < fn; i++)
		tab[(uint8_t)f[i]] = t[i];
	return bytes_new(c, tab, 256);
}

M(b_translate)
{
	UNUSED(kw);
	size_t len, tn = 0, dn = 0;
	const char *p = buf_view(c, a[0], &len);
	const char *tab = a[1] == NONE ? NULL : buf_view(c, a[1], &tn);
	const char *del = n > 2 ? buf_view(c, a[2], &dn) : NULL;
	if (tab && tn != 256)
		qv_raisef(c, EXC(ValueError), "translation table must be 256 characters long");
	sbuf b;
	sb_init(&b, c, len + 1);
	for (size_t i = 0; i < len; i++) {
		if (del && memchr_s(del, p[i], dn))
			continue;
		sb_addc(&b, tab ? tab[(uint8_t)p[i]] : p[i]);
	}
	return sb_bytes(&b);
}

static const qv_method bytes_methods[] = {
	SMETH(maketrans, 2, 2, b_maketrans), METH(translate, 2, 3, b_translate),
	METH(decode, 1, 3, b_decode), METH(hex, 1, 1, b_hex), CMETH(fromhex, 2, 2, b_fromhex),
	METH(join, 2, 2, s_join), METH(split, 1, 3, s_split), METH(rsplit, 1, 3, s_rsplit),
	METH(strip, 1, 2, s_strip), METH(lstrip, 1, 2, s_lstrip), METH(rstrip, 1, 2, s_rstrip),
	METH(replace, 3, 4, s_replace), METH(find, 2, 4, s_find), METH(rfind, 2, 4, s_rfind),
	METH(index, 2, 4, s_index), METH(rindex, 2, 4, s_rindex), METH(count, 2, 4, s_count),
	METH(startswith, 2, 4, s_startswith), METH(endswith, 2, 4, s_endswith),
	METH(upper, 1, 1, s_upper), METH(lower, 1, 1, s_lower), METH(isdigit, 1, 1, s_isdigit),
	METH(isalpha, 1, 1, s_isalpha), METH(isspace, 1, 1, s_isspace), METH(isalnum, 1, 1, s_isalnum),
	METH(ljust, 2, 3, s_ljust), METH(rjust, 2, 3, s_rjust), METH(center, 2, 3, s_center),
	METH(zfill, 2, 2, s_zfill), METH(partition, 2, 2, s_partition), METH(rpartition, 2, 2, s_rpartition),
	METH(splitlines, 1, 2, s_splitlines), METH(swapcase, 1, 1, s_swapcase), METH(title, 1, 1, s_title),
	METH(capitalize, 1, 1, s_capitalize), METH(isupper, 1, 1, s_isupper), METH(islower, 1, 1, s_islower),
	METH(istitle, 1, 1, s_istitle), METH(isascii, 1, 1, s_isascii), METH(removeprefix, 2, 2, s_removeprefix),
	METH(removesuffix, 2, 2, s_removesuffix), METH(expandtabs, 1, 2, s_expandtabs), METH_END,
};

static qv_obj str_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	if (nkw)
		qv_raisef(c, EXC(TypeError), "str() takes no keyword arguments");
	if (npos == 0)
		return QS(empty);
	if (npos >= 2) {
		qv_obj a[3] = {args[0], args[1], npos > 2 ? args[2] : NONE};
		return b_decode(c, npos, a, NULL);
	}
	return qv_str_of(c, args[0]);
}

static qv_obj bytes_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	if (npos == 0)
		return bytes_new(c, "", 0);
	qv_obj x = args[0];
	if (IS_STR(x)) {
		if (npos < 2)
			qv_raisef(c, EXC(TypeError), "string argument without an encoding");
		return bytes_new(c, STR(x)->data, STR(x)->len);
	}
	if (is_intlike(x)) {
		intptr_t k = get_int(c, x);
		if (k < 0)
			qv_raisef(c, EXC(ValueError), "negative count");
		char *z = gc_alloc(c, (size_t)k + 1, true);
		return bytes_new(c, z, (size_t)k);
	}
	if (is_bytes_like(x) || IS(x, qv_memview_type)) {
		size_t len;
		const char *p = buf_view(c, x, &len);
		return bytes_new(c, p, len);
	}
	qv_obj it = qv_iter(c, x), v;
	sbuf b;
	sb_init(&b, c, 16);
	while ((v = qv_next(c, it))) {
		intptr_t k = get_int(c, v);
		if (k < 0 || k > 255)
			qv_raisef(c, EXC(ValueError), "bytes must be in range(0, 256)");
		sb_addc(&b, (char)k);
	}
	return sb_bytes(&b);
}

const qv_type qv_str_type = {
	.type = &qv_type_type, .name = QS_str, .flags = TF_BASETYPE, .repr = str_repr, .hash = str_hash_slot,
	.binop = str_binop, .subscr = str_subscr, .len = str_len, .iter = str_iter, .methods = str_methods,
	.make = str_make, .getattr = builtin_getattr,
};

const qv_type qv_bytes_type = {
	.type = &qv_type_type, .name = QS_bytes, .repr = bytes_repr, .hash = str_hash_slot, .binop = str_binop,
	.subscr = str_subscr, .len = str_len, .iter = str_iter, .methods = bytes_methods, .make = bytes_make,
	.getattr = builtin_getattr,
};
