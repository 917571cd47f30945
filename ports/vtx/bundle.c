/* The sandbox's bundle (docs/bundle.md, version 2): checked once at boot,
 * then read in place where the monitor copied it (kmem keeps clear of it).
 * A bundle that fails any check is refused as a whole, with a line that
 * names the check; the sandbox then runs its REPL without bundle modules. */
#include "vtx.h"
#include "console/frame.h"

#define BUNDLE_MAGIC 0x4E425651u
#define BUNDLE_VERSION 2u
#define HDR_SIZE 56u
#define MOD_SIZE 16u
#define SVC_SIZE 48u
#define NONE_OFF 0xFFFFFFFFu
#define MOD_F_PACKAGE 1u
#define MOD_F_SOURCE 2u
#define SVC_F_KNOWN (VTX_BUNDLE_SVC_AT_BOOT | VTX_BUNDLE_SVC_DEVICE)

static const u8 *bundle;   /* NULL until a bundle passed every check */

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u16 rd16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

/* Is [off, off + n * each) inside [0, total)? */
static bool in_bounds(u32 off, u32 n, u32 each, u32 total)
{
	u64 end = (u64)off + (u64)n * each;

	return off <= total && end <= total;
}

/* A string reference: inside the strings area and NUL-terminated there. */
static bool str_ok(const u8 *b, u32 strings_off, u32 strings_size, u32 ref)
{
	if (ref >= strings_size)
		return false;
	for (u32 i = ref; i < strings_size; i++)
		if (!b[strings_off + i])
			return i > ref; /* empty names are no names */
	return false;
}

bool vtx_bundle_check(const u8 *b, size_t size, u32 sandbox_id, char *why, size_t cap)
{
	if (size < HDR_SIZE)
		return fmt_buf(why, cap, "%lu bytes, shorter than a header", (u64)size), false;
	if (rd32(b) != BUNDLE_MAGIC)
		return fmt_buf(why, cap, "bad magic 0x%x", rd32(b)), false;
	if (rd16(b + 4) != BUNDLE_VERSION)
		return fmt_buf(why, cap, "version %u, this kernel reads version %u", rd16(b + 4),
			       BUNDLE_VERSION), false;
	if (rd16(b + 6) != HDR_SIZE)
		return fmt_buf(why, cap, "header size %u, expected %u", rd16(b + 6), HDR_SIZE), false;
	u32 total = rd32(b + 8);
	if (total < HDR_SIZE || total > size)
		return fmt_buf(why, cap, "total size %u outside %u..%lu", total, HDR_SIZE, (u64)size),
		       false;
	static const u8 zero[4];
	u32 crc = qv_crc32(0, b, 12);
	crc = qv_crc32(crc, zero, 4);
	crc = qv_crc32(crc, b + 16, total - 16);
	if (crc != rd32(b + 12))
		return fmt_buf(why, cap, "CRC-32 0x%08x, the header says 0x%08x (corrupt)", crc,
			       rd32(b + 12)), false;
	if (rd32(b + 16) != sandbox_id)
		return fmt_buf(why, cap, "built for sandbox %u, this is sandbox %u", rd32(b + 16),
			       sandbox_id), false;
	u32 n_mod = rd32(b + 24), mod_off = rd32(b + 28);
	u32 n_svc = rd32(b + 32), svc_off = rd32(b + 36);
	u32 str_off = rd32(b + 40), str_size = rd32(b + 44);
	if (!in_bounds(str_off, str_size, 1, total))
		return fmt_buf(why, cap, "strings at %u+%u outside the bundle", str_off, str_size),
		       false;
	if (!in_bounds(mod_off, n_mod, MOD_SIZE, total))
		return fmt_buf(why, cap, "module table (%u at %u) outside the bundle", n_mod, mod_off),
		       false;
	if (!in_bounds(svc_off, n_svc, SVC_SIZE, total))
		return fmt_buf(why, cap, "service table (%u at %u) outside the bundle", n_svc,
			       svc_off), false;
	for (u32 i = 0; i < n_mod; i++) {
		const u8 *m = b + mod_off + i * MOD_SIZE;
		if (!str_ok(b, str_off, str_size, rd32(m)))
			return fmt_buf(why, cap, "module %u: bad name offset %u", i, rd32(m)), false;
		if (!in_bounds(rd32(m + 4), rd32(m + 8), 1, total))
			return fmt_buf(why, cap, "module %s: data %u+%u outside the bundle",
				       (const char *)b + str_off + rd32(m), rd32(m + 4), rd32(m + 8)),
			       false;
	}
	for (u32 i = 0; i < n_svc; i++) {
		const u8 *s = b + svc_off + i * SVC_SIZE;
		if (!str_ok(b, str_off, str_size, rd32(s)))
			return fmt_buf(why, cap, "service %u: bad name offset %u", i, rd32(s)), false;
		if (!str_ok(b, str_off, str_size, rd32(s + 4)))
			return fmt_buf(why, cap, "service %u: bad module offset %u", i, rd32(s + 4)),
			       false;
		if (rd32(s + 8) != NONE_OFF && !str_ok(b, str_off, str_size, rd32(s + 8)))
			return fmt_buf(why, cap, "service %u: bad alternate offset %u", i, rd32(s + 8)),
			       false;
		/* offset 40: the device of a device-bound service, else reserved */
		u32 flags = rd32(s + 36), dev = rd32(s + 40);
		if (flags & ~SVC_F_KNOWN)
			return fmt_buf(why, cap, "service %u: unknown flags 0x%x", i, flags), false;
		if ((flags & VTX_BUNDLE_SVC_DEVICE) && dev >= QV_MAX_DEVICES)
			return fmt_buf(why, cap, "service %u: device index %u, at most %u", i, dev,
				       QV_MAX_DEVICES - 1), false;
		if (!(flags & VTX_BUNDLE_SVC_DEVICE) && dev)
			return fmt_buf(why, cap, "service %u: device index %u without the device flag",
				       i, dev), false;
		if (rd32(s + 44))
			return fmt_buf(why, cap, "service %u: reserved word 0x%x is not 0", i,
				       rd32(s + 44)), false;
	}
	fmt_buf(why, cap, "%u bytes, %u modules, %u services", total, n_mod, n_svc);
	return true;
}

bool vtx_bundle_load(char *why, size_t cap)
{
	const u8 *b = (const u8 *)(uintptr_t)kboot.bundle_gpa;

	bundle = NULL;
	if (!kboot.bundle_size) {
		fmt_buf(why, cap, "none");
		return false;
	}
	if (!vtx_bundle_check(b, kboot.bundle_size, kboot.sandbox_id, why, cap))
		return false;
	bundle = b;
	return true;
}

u32 vtx_bundle_declared_services(void)
{
	const u8 *b = (const u8 *)(uintptr_t)kboot.bundle_gpa;

	if (kboot.bundle_size < HDR_SIZE || rd32(b) != BUNDLE_MAGIC)
		return UINT32_MAX;
	return rd32(b + 32);
}

bool vtx_bundle_ok(void)
{
	return bundle != NULL;
}

u32 vtx_bundle_repl_heap_kib(void)
{
	return bundle ? rd32(bundle + 48) : 0;
}

u32 vtx_bundle_fs_kib(void)
{
	return bundle ? rd32(bundle + 52) : 0;
}

u32 vtx_bundle_n_services(void)
{
	return bundle ? rd32(bundle + 32) : 0;
}

static const char *str_at(u32 ref)
{
	return (const char *)bundle + rd32(bundle + 40) + ref;
}

bool vtx_bundle_service(u32 i, struct vtx_bundle_service *out)
{
	if (!bundle || i >= rd32(bundle + 32))
		return false;
	const u8 *s = bundle + rd32(bundle + 36) + i * SVC_SIZE;
	out->name = str_at(rd32(s));
	out->module = str_at(rd32(s + 4));
	out->alternate = rd32(s + 8) == NONE_OFF ? NULL : str_at(rd32(s + 8));
	out->budget_us = rd32(s + 12);
	out->period_us = rd32(s + 16);
	out->heap_kib = rd32(s + 20);
	out->restart = rd32(s + 24);
	out->restart_limit = rd32(s + 28);
	out->backoff_ms = rd32(s + 32);
	out->flags = rd32(s + 36);
	out->device = out->flags & VTX_BUNDLE_SVC_DEVICE ? (int)rd32(s + 40) : -1;
	return true;
}

static bool name_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const char *vtx_bundle_module(const char *name, size_t *len, bool *is_bytecode)
{
	if (!bundle)
		return NULL;
	u32 n = rd32(bundle + 24), off = rd32(bundle + 28);
	for (u32 i = 0; i < n; i++) {
		const u8 *m = bundle + off + i * MOD_SIZE;
		if (!name_eq(str_at(rd32(m)), name))
			continue;
		*len = rd32(m + 8);
		*is_bytecode = !(rd32(m + 12) & MOD_F_SOURCE);
		return (const char *)bundle + rd32(m + 4);
	}
	return NULL;
}
