/* hashlib.sha256 (FIPS 180-4): mpremote hashes files on the board with it
 * to skip copying what is already there. */
#include "rt.h"

typedef struct {
	const qv_type *type;
	uint32_t h[8];
	uint64_t total;      /* bytes hashed so far */
	uint8_t block[64];
	uint32_t used;       /* bytes waiting in block */
} qv_sha256;

extern const qv_type qv_sha256_type;

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t *h, const uint8_t *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha_update(qv_sha256 *s, const uint8_t *p, size_t n)
{
	s->total += n;
	while (n) {
		size_t k = 64 - s->used < n ? 64 - s->used : n;
		__builtin_memcpy(s->block + s->used, p, k);
		s->used += (uint32_t)k;
		p += k;
		n -= k;
		if (s->used == 64) {
			compress(s->h, s->block);
			s->used = 0;
		}
	}
}

static qv_obj h_update(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	size_t len;
	const char *p = buf_view(c, a[1], &len);
	sha_update((qv_sha256 *)a[0], (const uint8_t *)p, len);
	return NONE;
}

/* The digest of what was hashed so far; the object can still be updated. */
static void digest(qv_obj o, uint8_t out[32])
{
	qv_sha256 s = *(qv_sha256 *)o;
	uint64_t bits = s.total * 8;
	uint8_t pad[72] = {0x80};
	size_t padn = (s.used < 56 ? 56 : 120) - s.used;
	for (int i = 0; i < 8; i++)
		pad[padn + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(&s, pad, padn + 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(s.h[i] >> (24 - 8 * j));
}

static qv_obj h_digest(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	uint8_t d[32];
	digest(a[0], d);
	return bytes_new(c, (const char *)d, 32);
}

static qv_obj h_hexdigest(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	uint8_t d[32];
	char hex[64];
	digest(a[0], d);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	return str_new(c, hex, 64);
}

static qv_obj h_copy(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n); UNUSED(kw);
	qv_sha256 *s = gc_alloc(c, sizeof *s, false);
	*s = *(qv_sha256 *)a[0];
	return (qv_obj)s;
}

static qv_obj h_digest_size(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT(32); }
static qv_obj h_block_size(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return MKINT(64); }
static qv_obj h_name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return QS(sha256); }

static const qv_method sha_methods[] = {
	METH(update, 2, 2, h_update), METH(digest, 1, 1, h_digest), METH(hexdigest, 1, 1, h_hexdigest),
	METH(copy, 1, 1, h_copy), ATTR(digest_size, h_digest_size), ATTR(block_size, h_block_size),
	ATTR(name, h_name), METH_END,
};
const qv_type qv_sha256_type = {
	.type = &qv_type_type, .name = QS_sha256, .methods = sha_methods, .getattr = builtin_getattr,
};

NATIVE(hl_sha256, sha256, 0, 1)
{
	UNUSED(kw);
	qv_sha256 *s = gc_alloc(c, sizeof *s, false);
	static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	s->type = &qv_sha256_type;
	__builtin_memcpy(s->h, init, sizeof init);
	if (n) {
		size_t len;
		const char *p = buf_view(c, a[0], &len);
		sha_update(s, (const uint8_t *)p, len);
	}
	return (qv_obj)s;
}

void init_hashlib(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&hl_sha256, NULL};
	mod_add_natives(c, d, fns);
}
