/* Built-in modules of data formats: struct, binascii, and the C half of
 * random (a xoshiro128** generator). */
#include "rt.h"

#define M(name) static qv_obj name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)

/* ------------------------------------------------------------ struct */
static qv_obj struct_error(qv_ctx *c)
{
	qv_obj m = dict_get_str(c->modules, QS(struct));
	qv_obj e = m ? qv_getattr_opt(c, m, QS(error)) : NULL;
	return e ? e : (qv_obj)EXC(ValueError);
}

static _Noreturn void serr(qv_ctx *c, const char *msg)
{
	rt_raise(c, qv_call1(c, struct_error(c), str_cstr(c, msg)));
}

typedef struct {
	const char *p, *e;
	bool little, native;
} sfmt;

static void sfmt_init(qv_ctx *c, sfmt *f, qv_obj fmt)
{
	if (IS(fmt, qv_bytes_type))
		fmt = str_new(c, STR(fmt)->data, STR(fmt)->len);
	if (!IS_STR(fmt))
		qv_raisef(c, EXC(TypeError), "Struct() argument 1 must be a str or bytes object, not %s", type_name(fmt));
	f->p = STR(fmt)->data;
	f->e = f->p + STR(fmt)->len;
	f->little = true;
	f->native = true;
	while (f->p < f->e && *f->p == ' ')
		f->p++;
	if (f->p < f->e) {
		switch (*f->p) {
		case '@': f->p++; break;
		case '=': f->native = false; f->p++; break;
		case '<': f->native = false; f->p++; break;
		case '>': case '!': f->little = false; f->native = false; f->p++; break;
		}
	}
}

static int item_size(char ch)
{
	switch (ch) {
	case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p': return 1;
	case 'h': case 'H': case 'e': return 2;
	case 'i': case 'I': case 'l': case 'L': case 'f': return 4;
	case 'q': case 'Q': case 'd': case 'n': case 'N': case 'P': return 8;
	default: return -1;
	}
}

/* next item: count and code; false at the end */
static bool sfmt_next(qv_ctx *c, sfmt *f, size_t *count, char *code)
{
	while (f->p < f->e && *f->p == ' ')
		f->p++;
	if (f->p >= f->e)
		return false;
	size_t k = 1;
	if (*f->p >= '0' && *f->p <= '9') {
		k = 0;
		while (f->p < f->e && *f->p >= '0' && *f->p <= '9') {
			k = k * 10 + (size_t)(*f->p - '0');
			if (k > 100000000)
				serr(c, "total struct size too long");
			f->p++;
		}
		if (f->p >= f->e)
			serr(c, "repeat count given without format specifier");
	}
	*code = *f->p++;
	if (item_size(*code) < 0 || ((*code == 'n' || *code == 'N' || *code == 'P') && !f->native))
		serr(c, "bad char in struct format");
	*count = k;
	return true;
}

static size_t align_to(size_t off, int sz, bool native)
{
	if (!native || sz <= 1)
		return off;
	return (off + (size_t)sz - 1) & ~((size_t)sz - 1);
}

static size_t calcsize(qv_ctx *c, qv_obj fmt, size_t *nitems)
{
	sfmt f;
	sfmt_init(c, &f, fmt);
	size_t off = 0, cnt = 0;
	char code;
	size_t k;
	while (sfmt_next(c, &f, &k, &code)) {
		int sz = item_size(code);
		off = align_to(off, sz, f.native);
		off += (size_t)sz * k;
		if (code == 's' || code == 'p')
			cnt++;
		else if (code != 'x')
			cnt += k;
	}
	if (nitems)
		*nitems = cnt;
	return off;
}

static void put_uint(uint8_t *p, uint64_t v, int sz, bool little)
{
	for (int i = 0; i < sz; i++) {
		int k = little ? i : sz - 1 - i;
		p[k] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_uint(const uint8_t *p, int sz, bool little)
{
	uint64_t v = 0;
	for (int i = 0; i < sz; i++) {
		int k = little ? i : sz - 1 - i;
		v |= (uint64_t)p[k] << (8 * i);
	}
	return v;
}

static uint16_t half_from_double(double d)
{
	union { float f; uint32_t u; } u = {(float)d};
	uint32_t x = u.u;
	uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
	int e = (int)((x >> 23) & 0xff) - 127 + 15;
	uint32_t m = x & 0x7fffff;
	if (((x >> 23) & 0xff) == 0xff)
		return sign | 0x7c00 | (m ? 0x200 : 0);
	if (e >= 31)
		return sign | 0x7c00;
	if (e <= 0) {
		if (e < -10)
			return sign;
		m |= 0x800000;
		uint32_t shift = (uint32_t)(14 - e);
		uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
		if (rem > half || (rem == half && (r & 1)))
			r++;
		return sign | (uint16_t)r;
	}
	uint32_t r = m >> 13, rem = m & 0x1fff;
	if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) {
		r++;
		if (r == 0x400) {
			r = 0;
			e++;
			if (e >= 31)
				return sign | 0x7c00;
		}
	}
	return sign | (uint16_t)(e << 10) | (uint16_t)r;
}

static double half_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f;
	uint32_t m = h & 0x3ff;
	double v;
	if (e == 0)
		v = (double)m / 1024.0 / 16384.0;
	else if (e == 31)
		v = m ? __builtin_nan("") : __builtin_inf();
	else {
		v = 1.0 + (double)m / 1024.0;
		for (int i = 15; i < e; i++)
			v *= 2;
		for (int i = e; i < 15; i++)
			v /= 2;
	}
	return (h & 0x8000) ? -v : v;
}

static void pack_into_buf(qv_ctx *c, qv_obj fmt, uint8_t *buf, size_t n, qv_obj *a)
{
	sfmt f;
	sfmt_init(c, &f, fmt);
	size_t off = 0, ai = 0;
	char code;
	size_t k;
	while (sfmt_next(c, &f, &k, &code)) {
		int sz = item_size(code);
		off = align_to(off, sz, f.native);
		if (code == 'x') {
			off += k;
			continue;
		}
		if (code == 's' || code == 'p') {
			qv_obj v = a[ai++];
			if (!IS(v, qv_bytes_type) && !IS(v, qv_bytearray_type))
				serr(c, code == 's' ? "argument for 's' must be a bytes object" : "argument for 'p' must be a bytes object");
			size_t len;
			const char *p = buf_view(c, v, &len);
			size_t w = code == 'p' ? (k ? k - 1 : 0) : k;
			size_t cp = len < w ? len : w;
			uint8_t *dst = buf + off + (code == 'p' ? 1 : 0);
			__builtin_memcpy(dst, p, cp);
			if (code == 'p' && k)
				buf[off] = (uint8_t)(cp > 255 ? 255 : cp);
			off += k;
			continue;
		}
		for (size_t j = 0; j < k; j++, off += (size_t)sz) {
			qv_obj v = a[ai++];
			switch (code) {
			case 'c':
				if (!IS(v, qv_bytes_type) || STR(v)->len != 1)
					serr(c, "char format requires a bytes object of length 1");
				buf[off] = (uint8_t)STR(v)->data[0];
				break;
			case '?':
				buf[off] = rt_truth(c, v);
				break;
			case 'f': case 'd': case 'e': {
				if (!IS(v, qv_float_type) && !is_intlike(v))
					serr(c, "required argument is not a float");
				double d = get_float(c, v);
				if (code == 'd') {
					union { double d; uint64_t u; } u = {d};
					put_uint(buf + off, u.u, 8, f.little);
				} else if (code == 'f') {
					union { float f; uint32_t u; } u = {(float)d};
					if (d == d && (u.f - u.f != 0) && (d - d == 0))
						qv_raisef(c, EXC(OverflowError), "float too large to pack with f format");
					put_uint(buf + off, u.u, 4, f.little);
				} else
					put_uint(buf + off, half_from_double(d), 2, f.little);
				break;
			}
			default: {
				if (!is_intlike(v))
					serr(c, "required argument is not an integer");
				bool sgn = code == 'b' || code == 'h' || code == 'i' || code == 'l' || code == 'q' || code == 'n';
				int64_t x;
				bool fits = int_to_i64(v, &x);
				int bits = sz * 8;
				if (sgn) {
					int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
					int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
					if (!fits || x < lo || x > hi) {
						if (code == 'b')
							serr(c, "byte format requires -128 <= number <= 127");
						if (code == 'h')
							serr(c, "short format requires -32768 <= number <= 32767");
						qv_obj m = str_fmt(c, "'%c' format requires %R <= number <= %R", code, int_from_i64(c, lo), int_from_i64(c, hi));
						rt_raise(c, qv_call1(c, struct_error(c), m));
					}
					put_uint(buf + off, (uint64_t)x, sz, f.little);
				} else {
					uint64_t u;
					if (fits && x >= 0)
						u = (uint64_t)x;
					else if (!fits && int_sign(v) > 0 && bits == 64) {
						qv_obj b = qv_call_method(c, v, QS(to_bytes), 2, (qv_obj[]){MKINT(8), QS(little)});
						u = get_uint((const uint8_t *)STR(b)->data, 8, true);
						fits = true;
						x = 0;
					} else
						u = 0, fits = false;
					if (!fits || (bits < 64 && u >= ((uint64_t)1 << bits))) {
						if (code == 'B')
							serr(c, "ubyte format requires 0 <= number <= 255");
						if (code == 'H')
							serr(c, "ushort format requires 0 <= number <= 65535");
						qv_obj m = str_fmt(c, "'%c' format requires 0 <= number <= %R", code,
								   bits == 64 ? qv_binop(c, OP_SUB, qv_binop(c, OP_LSHIFT, MKINT(1), MKINT(64)), MKINT(1)) : int_from_u64(c, ((uint64_t)1 << bits) - 1));
						rt_raise(c, qv_call1(c, struct_error(c), m));
					}
					put_uint(buf + off, u, sz, f.little);
				}
			}
			}
		}
	}
	UNUSED(n);
}

M(st_pack)
{
	UNUSED(kw);
	size_t nitems;
	size_t size = calcsize(c, a[0], &nitems);
	if (n - 1 != nitems) {
		qv_obj m = str_fmt(c, "pack expected %u items for packing (got %u)", (unsigned)nitems, (unsigned)(n - 1));
		rt_raise(c, qv_call1(c, struct_error(c), m));
	}
	uint8_t *buf = gc_alloc(c, size + 1, true);
	pack_into_buf(c, a[0], buf, size, a + 1);
	return bytes_new(c, (const char *)buf, size);
}

M(st_pack_into)
{
	UNUSED(kw);
	size_t nitems;
	size_t size = calcsize(c, a[0], &nitems);
	if (n - 3 != nitems) {
		qv_obj m = str_fmt(c, "pack_into expected %u items for packing (got %u)", (unsigned)nitems, (unsigned)(n - 3));
		rt_raise(c, qv_call1(c, struct_error(c), m));
	}
	if (!IS(a[1], qv_bytearray_type))
		qv_raisef(c, EXC(TypeError), "argument must be read-write bytes-like object, not %s", type_name(a[1]));
	qv_bytearray *ba = (qv_bytearray *)a[1];
	intptr_t off = get_int(c, a[2]);
	if (off < 0)
		off += (intptr_t)ba->len;
	if (off < 0 || (size_t)off + size > ba->len) {
		qv_obj m = str_fmt(c, "pack_into requires a buffer of at least %u bytes for packing %u bytes at offset %d (actual buffer size is %u)",
				   (unsigned)(size + (size_t)off), (unsigned)size, (int)off, (unsigned)ba->len);
		rt_raise(c, qv_call1(c, struct_error(c), m));
	}
	pack_into_buf(c, a[0], ba->data + off, size, a + 3);
	return NONE;
}

static qv_obj unpack_buf(qv_ctx *c, qv_obj fmt, const uint8_t *buf)
{
	sfmt f;
	sfmt_init(c, &f, fmt);
	size_t off = 0;
	qv_obj out = list_new(c, 0);
	char code;
	size_t k;
	while (sfmt_next(c, &f, &k, &code)) {
		int sz = item_size(code);
		off = align_to(off, sz, f.native);
		if (code == 'x') {
			off += k;
			continue;
		}
		if (code == 's') {
			list_append(c, out, bytes_new(c, (const char *)buf + off, k));
			off += k;
			continue;
		}
		if (code == 'p') {
			size_t len = k ? buf[off] : 0;
			if (k && len > k - 1)
				len = k - 1;
			list_append(c, out, bytes_new(c, (const char *)buf + off + 1, len));
			off += k;
			continue;
		}
		for (size_t j = 0; j < k; j++, off += (size_t)sz) {
			uint64_t u = get_uint(buf + off, sz, f.little);
			qv_obj v;
			switch (code) {
			case 'c': v = bytes_new(c, (const char *)buf + off, 1); break;
			case '?': v = BOOL(u != 0); break;
			case 'd': { union { uint64_t u; double d; } x = {u}; v = float_new(c, x.d); break; }
			case 'f': { union { uint32_t u; float f; } x = {(uint32_t)u}; v = float_new(c, x.f); break; }
			case 'e': v = float_new(c, half_to_double((uint16_t)u)); break;
			case 'b': case 'h': case 'i': case 'l': case 'q': case 'n': {
				int bits = sz * 8;
				int64_t s = bits == 64 ? (int64_t)u : (int64_t)(u << (64 - bits)) >> (64 - bits);
				v = int_from_i64(c, s);
				break;
			}
			default: v = int_from_u64(c, u); break;
			}
			list_append(c, out, v);
		}
	}
	return to_tuple(c, out);
}

M(st_unpack)
{
	UNUSED(kw);
	UNUSED(n);
	size_t size = calcsize(c, a[0], NULL), len;
	const char *p = buf_view(c, a[1], &len);
	if (len != size) {
		qv_obj m = str_fmt(c, "unpack requires a buffer of %u bytes", (unsigned)size);
		rt_raise(c, qv_call1(c, struct_error(c), m));
	}
	return unpack_buf(c, a[0], (const uint8_t *)p);
}

M(st_unpack_from)
{
	size_t size = calcsize(c, a[0], NULL), len;
	const char *p = buf_view(c, a[1], &len);
	intptr_t off = n > 2 ? get_int(c, a[2]) : 0;
	qv_obj o = native_kw(c, kw, QS(offset));
	if (o)
		off = get_int(c, o);
	if (off < 0)
		off += (intptr_t)len;
	if (off < 0 || (size_t)off + size > len) {
		qv_obj m = str_fmt(c, "unpack_from requires a buffer of at least %u bytes for unpacking %u bytes at offset %d (actual buffer size is %u)",
				   (unsigned)(size + (size_t)(off < 0 ? 0 : off)), (unsigned)size, (int)off, (unsigned)len);
		rt_raise(c, qv_call1(c, struct_error(c), m));
	}
	return unpack_buf(c, a[0], (const uint8_t *)p + off);
}

M(st_iter_unpack)
{
	UNUSED(n); UNUSED(kw);
	size_t size = calcsize(c, a[0], NULL), len;
	const char *p = buf_view(c, a[1], &len);
	if (size == 0 || len % size)
		serr(c, "iterative unpacking requires a buffer of a multiple of the struct size");
	qv_obj l = list_new(c, 0);
	for (size_t i = 0; i < len; i += size)
		list_append(c, l, unpack_buf(c, a[0], (const uint8_t *)p + i));
	return qv_iter(c, l);
}

M(st_calcsize)
{
	UNUSED(n); UNUSED(kw);
	return MKINT(calcsize(c, a[0], NULL));
}

static const qv_native st_fns[] = {
	{&qv_native_type, QS_pack, 1, ARGS_MAX, M_METHOD, st_pack},
	{&qv_native_type, QS_pack_into, 3, ARGS_MAX, M_METHOD, st_pack_into},
	{&qv_native_type, QS_unpack, 2, 2, M_METHOD, st_unpack},
	{&qv_native_type, QS_unpack_from, 2, 3, M_METHOD, st_unpack_from},
	{&qv_native_type, QS_iter_unpack, 2, 2, M_METHOD, st_iter_unpack},
	{&qv_native_type, QS_calcsize, 1, 1, M_METHOD, st_calcsize},
};

static qv_obj make_exc_class(qv_ctx *c, qv_obj name, qv_obj mod, const qv_type *base)
{
	qv_obj d = dict_new(c);
	dict_set(c, d, QS(__module__), mod);
	return type_new_user(c, name, tuple_pack(c, 1, (qv_obj)base), d);
}

void init_struct(qv_ctx *c, qv_obj d)
{
	for (size_t i = 0; i < sizeof st_fns / sizeof *st_fns; i++)
		dict_set(c, d, QSI(st_fns[i].name), (qv_obj)&st_fns[i]);
	dict_set(c, d, QS(error), make_exc_class(c, QS(error), QS(struct), EXC(Exception)));
}

/* ------------------------------------------------------------ binascii */
static qv_obj binascii_error(qv_ctx *c)
{
	qv_obj m = dict_get_str(c->modules, QS(binascii));
	qv_obj e = m ? qv_getattr_opt(c, m, QS(Error)) : NULL;
	return e ? e : (qv_obj)EXC(ValueError);
}

M(ba_hexlify)
{
	UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	static const char hx[] = "0123456789abcdef";
	sbuf b;
	sb_init(&b, c, len * 3 + 1);
	const char *sep = NULL;
	if (n > 1) {
		if (IS_STR(a[1]) || IS(a[1], qv_bytes_type))
			sep = STR(a[1])->data;
	}
	for (size_t i = 0; i < len; i++) {
		if (sep && i)
			sb_addc(&b, sep[0]);
		sb_addc(&b, hx[(uint8_t)p[i] >> 4]);
		sb_addc(&b, hx[(uint8_t)p[i] & 15]);
	}
	return sb_bytes(&b);
}

static int hexv(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : (ch | 32) >= 'a' && (ch | 32) <= 'f' ? (ch | 32) - 'a' + 10 : -1;
}

M(ba_unhexlify)
{
	UNUSED(kw); UNUSED(n);
	size_t len;
	const char *p = IS_STR(a[0]) ? STR(a[0])->data : buf_view(c, a[0], &len);
	if (IS_STR(a[0]))
		len = STR(a[0])->len;
	if (len & 1)
		rt_raise(c, qv_call1(c, binascii_error(c), str_cstr(c, "Odd-length string")));
	sbuf b;
	sb_init(&b, c, len / 2 + 1);
	for (size_t i = 0; i < len; i += 2) {
		int h = hexv(p[i]), l = hexv(p[i + 1]);
		if (h < 0 || l < 0)
			rt_raise(c, qv_call1(c, binascii_error(c), str_cstr(c, "Non-hexadecimal digit found")));
		sb_addc(&b, (char)(h * 16 + l));
	}
	return sb_bytes(&b);
}

M(ba_crc32)
{
	UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[0], &len);
	uint32_t crc = n > 1 ? (uint32_t)get_int(c, qv_binop(c, OP_AND, a[1], int_from_u64(c, 0xffffffffu))) : 0;
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint8_t)p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return int_from_u64(c, ~crc);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

M(ba_b2a_base64)
{
	UNUSED(n);
	size_t len;
	const uint8_t *p = (const uint8_t *)buf_view(c, a[0], &len);
	qv_obj nl = native_kw(c, kw, QS(newline));
	sbuf b;
	sb_init(&b, c, len * 4 / 3 + 4);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
		sb_addc(&b, b64[(v >> 18) & 63]);
		sb_addc(&b, b64[(v >> 12) & 63]);
		sb_addc(&b, i + 1 < len ? b64[(v >> 6) & 63] : '=');
		sb_addc(&b, i + 2 < len ? b64[v & 63] : '=');
	}
	if (!nl || rt_truth(c, nl))
		sb_addc(&b, '\n');
	return sb_bytes(&b);
}

M(ba_a2b_base64)
{
	UNUSED(n); UNUSED(kw);
	size_t len;
	const char *p = IS_STR(a[0]) ? STR(a[0])->data : buf_view(c, a[0], &len);
	if (IS_STR(a[0]))
		len = STR(a[0])->len;
	sbuf b;
	sb_init(&b, c, len);
	uint32_t acc = 0;
	int bits = 0, pads = 0, nvalid = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];
		if (ch == '=') {
			pads++;
			continue;
		}
		const char *q = memchr_s(b64, ch, 64);
		if (!q)
			continue;
		if (pads)
			rt_raise(c, qv_call1(c, binascii_error(c), str_cstr(c, "Discontinuous padding not allowed")));
		nvalid++;
		acc = (acc << 6) | (uint32_t)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_addc(&b, (char)((acc >> bits) & 0xff));
		}
	}
	if (nvalid % 4 == 1)
		rt_raise(c, qv_call1(c, binascii_error(c), str_fmt(c, "Invalid base64-encoded string: number of data characters (%d) cannot be 1 more than a multiple of 4", nvalid)));
	if (bits && (nvalid + pads) % 4)
		rt_raise(c, qv_call1(c, binascii_error(c), str_cstr(c, "Incorrect padding")));
	return sb_bytes(&b);
}

static const qv_native ba_fns[] = {
	{&qv_native_type, QS_hexlify, 1, 3, M_METHOD, ba_hexlify},
	{&qv_native_type, QS_b2a_hex, 1, 3, M_METHOD, ba_hexlify},
	{&qv_native_type, QS_unhexlify, 1, 1, M_METHOD, ba_unhexlify},
	{&qv_native_type, QS_a2b_hex, 1, 1, M_METHOD, ba_unhexlify},
	{&qv_native_type, QS_crc32, 1, 2, M_METHOD, ba_crc32},
	{&qv_native_type, QS_b2a_base64, 1, 1, M_METHOD, ba_b2a_base64},
	{&qv_native_type, QS_a2b_base64, 1, 1, M_METHOD, ba_a2b_base64},
};

void init_binascii(qv_ctx *c, qv_obj d)
{
	for (size_t i = 0; i < sizeof ba_fns / sizeof *ba_fns; i++)
		dict_set(c, d, QSI(ba_fns[i].name), (qv_obj)&ba_fns[i]);
	dict_set(c, d, QS(Error), make_exc_class(c, QS(Error), QS(binascii), EXC(ValueError)));
	dict_set(c, d, QS(Incomplete), make_exc_class(c, QS(Incomplete), QS(binascii), EXC(Exception)));
}

/* ------------------------------------------------------------ _random */
typedef struct { const qv_type *type; uint32_t s[4]; } qv_rng;
extern const qv_type qv_rng_type;

static uint32_t rotl(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

static uint32_t rng_next(qv_rng *r)
{
	uint32_t *s = r->s;
	uint32_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 11);
	return res;
}

static void rng_seed(qv_rng *r, uint64_t x)
{
	for (int i = 0; i < 4; i++) {
		/* splitmix64 to spread the seed */
		x += 0x9E3779B97F4A7C15ull;
		uint64_t z = x;
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		r->s[i] = (uint32_t)(z ^ (z >> 31));
	}
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

M(rng_seed_m)
{
	UNUSED(kw);
	qv_rng *r = (qv_rng *)a[0];
	uint64_t x;
	if (n < 2 || a[1] == NONE)
		x = c->port->ticks_us ? c->port->ticks_us(c->user) : 12345;
	else if (is_intlike(a[1]))
		x = (uint64_t)int_hash(a[1]);
	else
		x = (uint64_t)qv_hash(c, a[1]);
	rng_seed(r, x);
	return NONE;
}

M(rng_random)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_rng *r = (qv_rng *)a[0];
	uint64_t hi = rng_next(r) >> 5, lo = rng_next(r) >> 6;
	return float_new(c, ((double)hi * 67108864.0 + (double)lo) * (1.0 / 9007199254740992.0));
}

M(rng_bits32)
{
	UNUSED(n); UNUSED(kw);
	return int_from_u64(c, rng_next((qv_rng *)a[0]));
}

static const qv_method rng_methods[] = {
	METH(seed, 1, 2, rng_seed_m), METH(random, 1, 1, rng_random), METH(getrandbits32, 1, 1, rng_bits32), METH_END,
};

static qv_obj rng_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t); UNUSED(nkw);
	qv_rng *r = gc_alloc(c, sizeof(qv_rng), true);
	r->type = &qv_rng_type;
	qv_obj a2[2] = {(qv_obj)r, npos ? args[0] : NONE};
	rng_seed_m(c, 2, a2, NULL);
	return (qv_obj)r;
}

const qv_type qv_rng_type = {
	.type = &qv_type_type, .name = QS_Random, .make = rng_make, .methods = rng_methods, .getattr = builtin_getattr,
};

void init_random_c(qv_ctx *c, qv_obj d)
{
	dict_set(c, d, QS(Random), (qv_obj)&qv_rng_type);
}

/* ------------------------------------------------------------ _json */
/* The common cases of json.dumps and json.loads in C; json.py falls back to
 * its Python code for indent, default=, hooks and the like. */
typedef struct {
	qv_ctx *c;
	sbuf b;
	bool ascii, allow_nan, sort, skip;
	qv_obj isep, ksep;
	int depth;
} jenc;

static void j_str(jenc *e, qv_obj s)
{
	static const char hx[] = "0123456789abcdef";
	qv_strobj *x = STR(s);
	sb_addc(&e->b, '"');
	size_t i = 0;
	while (i < x->len) {
		uint8_t ch = (uint8_t)x->data[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\' && ch < 0x7f) {
			size_t st = i;
			while (i < x->len && (uint8_t)x->data[i] >= 0x20 && x->data[i] != '"' && x->data[i] != '\\' && (uint8_t)x->data[i] < 0x7f)
				i++;
			sb_add(&e->b, x->data + st, i - st);
			continue;
		}
		const char *esc = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" :
				  ch == '\t' ? "\\t" : ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : NULL;
		if (esc) {
			sb_adds(&e->b, esc);
			i++;
			continue;
		}
		uint32_t cp = ch;
		size_t st = i;
		if (ch >= 0x80) {
			int k = ch >= 0xF0 ? 3 : ch >= 0xE0 ? 2 : 1;
			cp = ch & (0x3F >> k);
			i++;
			for (int j = 0; j < k && i < x->len; j++)
				cp = (cp << 6) | ((uint8_t)x->data[i++] & 0x3F);
		} else
			i++;
		if (cp >= 0x20 && cp != 0x7f && !e->ascii) {
			sb_add(&e->b, x->data + st, i - st);
			continue;
		}
		if (cp == 0x7f && !e->ascii) {
			sb_addc(&e->b, 0x7f);
			continue;
		}
		uint32_t units[2] = {cp, 0};
		int nu = 1;
		if (cp > 0xffff) {
			cp -= 0x10000;
			units[0] = 0xd800 | (cp >> 10);
			units[1] = 0xdc00 | (cp & 0x3ff);
			nu = 2;
		}
		for (int u = 0; u < nu; u++) {
			char t[6] = {'\\', 'u', hx[(units[u] >> 12) & 15], hx[(units[u] >> 8) & 15], hx[(units[u] >> 4) & 15], hx[units[u] & 15]};
			sb_add(&e->b, t, 6);
		}
	}
	sb_addc(&e->b, '"');
}

static void j_float(jenc *e, double v)
{
	if (v != v || v - v != 0) {
		if (!e->allow_nan)
			qv_raisef(e->c, EXC(ValueError), "Out of range float values are not JSON compliant");
		sb_adds(&e->b, v != v ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	char buf[40];
	repr_double(buf, sizeof buf, v);
	sb_adds(&e->b, buf);
}

static bool j_key(jenc *e, qv_obj k)
{
	if (IS_STR(k)) {
		j_str(e, k);
		return true;
	}
	qv_obj s;
	if (k == TRUE_) s = QS(true);
	else if (k == FALSE_) s = QS(false);
	else if (k == NONE) s = QS(null);
	else if (is_intlike(k)) s = int_repr_base(e->c, k, 10, false);
	else if (IS(k, qv_float_type)) {
		jenc tmp = *e;
		sb_init(&tmp.b, e->c, 32);
		j_float(&tmp, FLOAT_VAL(k));
		s = sb_str(&tmp.b);
	} else if (e->skip)
		return false;
	else
		qv_raisef(e->c, EXC(TypeError), "keys must be str, int, float, bool or None, not %s", type_name(k));
	j_str(e, s);
	return true;
}

static void j_enc(jenc *e, qv_obj o)
{
	qv_ctx *c = e->c;
	if (++e->depth > 500)
		qv_raisef(c, EXC(ValueError), "Circular reference detected");
	if (IS_STR(o))
		j_str(e, o);
	else if (o == NONE)
		sb_adds(&e->b, "null");
	else if (o == TRUE_)
		sb_adds(&e->b, "true");
	else if (o == FALSE_)
		sb_adds(&e->b, "false");
	else if (IS_INT(o) || IS(o, qv_bigint_type))
		sb_addobj(&e->b, int_repr_base(c, o, 10, false));
	else if (IS(o, qv_float_type))
		j_float(e, FLOAT_VAL(o));
	else if (IS(o, qv_list_type) || IS(o, qv_tuple_type)) {
		size_t n;
		qv_obj *it = seq_array(c, o, &n);
		sb_addc(&e->b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_addobj(&e->b, e->isep);
			j_enc(e, it[i]);
		}
		sb_addc(&e->b, ']');
	} else if (IS(o, qv_dict_type)) {
		qv_dictobj *d = (qv_dictobj *)o;
		qv_obj keys = NULL;
		if (e->sort) {
			keys = list_new(c, 0);
			for (size_t i = 0; i < d->n; i++)
				if (d->entries[i].key)
					list_append(c, keys, d->entries[i].key);
			list_sort(c, keys, NULL, false);
		}
		sb_addc(&e->b, '{');
		bool first = true;
		size_t n = keys ? ((qv_listobj *)keys)->len : d->n;
		for (size_t i = 0; i < n; i++) {
			qv_obj k = keys ? ((qv_listobj *)keys)->items[i] : d->entries[i].key;
			if (!k)
				continue;
			qv_obj v = keys ? dict_get(c, o, k) : d->entries[i].value;
			size_t mark = e->b.n;
			if (!first)
				sb_addobj(&e->b, e->isep);
			if (!j_key(e, k)) {
				e->b.n = mark;
				continue;
			}
			first = false;
			sb_addobj(&e->b, e->ksep);
			j_enc(e, v);
		}
		sb_addc(&e->b, '}');
	} else
		qv_raisef(c, EXC(TypeError), "Object of type %s is not JSON serializable", type_name(o));
	e->depth--;
}

M(json_encode)
{
	UNUSED(n); UNUSED(kw);
	jenc e;
	e.c = c;
	sb_init(&e.b, c, 256);
	e.ascii = rt_truth(c, a[1]);
	e.allow_nan = rt_truth(c, a[2]);
	e.sort = rt_truth(c, a[3]);
	e.isep = a[4];
	e.ksep = a[5];
	e.skip = rt_truth(c, a[6]);
	e.depth = 0;
	j_enc(&e, a[0]);
	return sb_str(&e.b);
}

typedef struct {
	qv_ctx *c;
	const char *s;
	size_t n, i;
	qv_obj src;
	int depth;
} jdec;

static _Noreturn void j_err(jdec *d, const char *msg, size_t at)
{
	intptr_t pos = (intptr_t)utf8_len(d->s, at);
	rt_raise(d->c, exc_new(d->c, EXC(ValueError), tuple_pack(d->c, 2, str_cstr(d->c, msg), MKINT(pos))));
}

static void j_ws(jdec *d)
{
	while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' || d->s[d->i] == '\n' || d->s[d->i] == '\r'))
		d->i++;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexv(p[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static qv_obj j_string(jdec *d)
{
	size_t start = d->i - 1;
	sbuf b;
	sb_init(&b, d->c, 32);
	for (;;) {
		size_t st = d->i;
		while (d->i < d->n && d->s[d->i] != '"' && d->s[d->i] != '\\' && (uint8_t)d->s[d->i] >= 0x20)
			d->i++;
		sb_add(&b, d->s + st, d->i - st);
		if (d->i >= d->n)
			j_err(d, "Unterminated string starting at", start);
		char ch = d->s[d->i];
		if (ch == '"') {
			d->i++;
			return sb_str(&b);
		}
		if (ch != '\\')
			j_err(d, "Invalid control character at", d->i);
		if (d->i + 1 >= d->n)
			j_err(d, "Unterminated string starting at", start);
		char e = d->s[d->i + 1];
		if (e == 'u') {
			int cp = d->i + 6 <= d->n ? hex4(d->s + d->i + 2) : -1;
			if (cp < 0)
				j_err(d, "Invalid \\uXXXX escape", d->i + 1);
			d->i += 6;
			if (cp >= 0xd800 && cp < 0xdc00 && d->i + 6 <= d->n && d->s[d->i] == '\\' && d->s[d->i + 1] == 'u') {
				int lo = hex4(d->s + d->i + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					d->i += 6;
				}
			}
			sb_utf8(&b, (uint32_t)cp);
			continue;
		}
		const char *m = "\"\"\\\\//b\bf\fn\nr\rt\t";
		const char *q = NULL;
		for (const char *p = m; *p; p += 2)
			if (*p == e) {
				q = p;
				break;
			}
		if (!q)
			j_err(d, "Invalid \\escape", d->i);
		sb_addc(&b, q[1]);
		d->i += 2;
	}
}

static qv_obj j_value(jdec *d);

static qv_obj j_number(jdec *d)
{
	size_t st = d->i;
	const char *s = d->s;
	if (d->i < d->n && s[d->i] == '-')
		d->i++;
	if (d->i >= d->n || s[d->i] < '0' || s[d->i] > '9')
		j_err(d, "Expecting value", st);
	if (s[d->i] == '0')
		d->i++;
	else
		while (d->i < d->n && s[d->i] >= '0' && s[d->i] <= '9')
			d->i++;
	bool isf = false;
	if (d->i + 1 < d->n && s[d->i] == '.' && s[d->i + 1] >= '0' && s[d->i + 1] <= '9') {
		isf = true;
		d->i++;
		while (d->i < d->n && s[d->i] >= '0' && s[d->i] <= '9')
			d->i++;
	}
	if (d->i < d->n && (s[d->i] == 'e' || s[d->i] == 'E')) {
		size_t k = d->i + 1;
		if (k < d->n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < d->n && s[k] >= '0' && s[k] <= '9') {
			isf = true;
			d->i = k;
			while (d->i < d->n && s[d->i] >= '0' && s[d->i] <= '9')
				d->i++;
		}
	}
	bool ok;
	if (isf)
		return float_new(d->c, parse_double(s + st, d->i - st, &ok));
	return int_parse(d->c, s + st, d->i - st, 10, &ok);
}

static bool j_lit(jdec *d, const char *w)
{
	size_t n = rt_strlen(w);
	if (d->i + n <= d->n && __builtin_memcmp(d->s + d->i, w, n) == 0) {
		d->i += n;
		return true;
	}
	return false;
}

static qv_obj j_value(jdec *d)
{
	qv_ctx *c = d->c;
	if (++d->depth > 900)
		qv_raisef(c, EXC(RecursionError), "maximum recursion depth exceeded while decoding a JSON document");
	j_ws(d);
	if (d->i >= d->n)
		j_err(d, "Expecting value", d->i);
	char ch = d->s[d->i];
	qv_obj r;
	if (ch == '"') {
		d->i++;
		r = j_string(d);
	} else if (ch == '{') {
		d->i++;
		r = dict_new(c);
		j_ws(d);
		if (d->i < d->n && d->s[d->i] == '}')
			d->i++;
		else
			for (;;) {
				j_ws(d);
				if (d->i >= d->n || d->s[d->i] != '"')
					j_err(d, "Expecting property name enclosed in double quotes", d->i);
				d->i++;
				qv_obj k = j_string(d);
				j_ws(d);
				if (d->i >= d->n || d->s[d->i] != ':')
					j_err(d, "Expecting ':' delimiter", d->i);
				d->i++;
				qv_obj v = j_value(d);
				dict_set(c, r, k, v);
				j_ws(d);
				if (d->i < d->n && d->s[d->i] == '}') {
					d->i++;
					break;
				}
				if (d->i >= d->n || d->s[d->i] != ',')
					j_err(d, "Expecting ',' delimiter", d->i);
				d->i++;
			}
	} else if (ch == '[') {
		d->i++;
		r = list_new(c, 0);
		j_ws(d);
		if (d->i < d->n && d->s[d->i] == ']')
			d->i++;
		else
			for (;;) {
				list_append(c, r, j_value(d));
				j_ws(d);
				if (d->i < d->n && d->s[d->i] == ']') {
					d->i++;
					break;
				}
				if (d->i >= d->n || d->s[d->i] != ',')
					j_err(d, "Expecting ',' delimiter", d->i);
				d->i++;
			}
	} else if (j_lit(d, "null"))
		r = NONE;
	else if (j_lit(d, "true"))
		r = TRUE_;
	else if (j_lit(d, "false"))
		r = FALSE_;
	else if (j_lit(d, "NaN"))
		r = float_new(c, __builtin_nan(""));
	else if (j_lit(d, "Infinity"))
		r = float_new(c, __builtin_inf());
	else if (j_lit(d, "-Infinity"))
		r = float_new(c, -__builtin_inf());
	else
		r = j_number(d);
	d->depth--;
	return r;
}

M(json_decode)
{
	UNUSED(n); UNUSED(kw);
	if (!IS_STR(a[0]))
		qv_raisef(c, EXC(TypeError), "the JSON object must be str");
	jdec d = {c, STR(a[0])->data, STR(a[0])->len, 0, a[0], 0};
	qv_obj v = j_value(&d);
	j_ws(&d);
	if (d.i != d.n)
		j_err(&d, "Extra data", d.i);
	return v;
}

static const qv_native json_fns[] = {
	{&qv_native_type, QS_encode, 7, 7, M_FUNC, json_encode},
	{&qv_native_type, QS_decode, 1, 1, M_FUNC, json_decode},
};

void init_json_c(qv_ctx *c, qv_obj d)
{
	for (size_t i = 0; i < sizeof json_fns / sizeof *json_fns; i++)
		dict_set(c, d, QSI(json_fns[i].name), (qv_obj)&json_fns[i]);
}
void init_re_c(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
