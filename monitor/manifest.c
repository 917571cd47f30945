#include "manifest.h"

#ifdef QUESTV_HOST_UNIT
#include <string.h>
#else
#include "../kernel/lib/fmt.h"
#endif

u32 manifest_crc32(const void *buf, size_t len, size_t skip)
{
	const u8 *p = buf;
	u32 crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++) {
		u8 byte = (skip != (size_t)-1 && i - skip < 4) ? 0 : p[i];
		crc ^= byte;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

struct table_rule {
	const char *name;
	size_t count_off, size_off, table_off; /* offsets in the header */
	u32 own_size, max_count;
};

#define HDR_OFF(f) __builtin_offsetof(struct qv_manifest_header, f)

static const struct table_rule tables[] = {
	{ "sandbox", HDR_OFF(n_sandboxes), HDR_OFF(sandbox_size), HDR_OFF(sandbox_off),
	  QV_MANIFEST_SANDBOX_V1_SIZE, QV_MAX_SANDBOXES },
	{ "device", HDR_OFF(n_devices), HDR_OFF(device_size), HDR_OFF(device_off),
	  sizeof(struct qv_manifest_device), QV_MAX_DEVICES },
	{ "channel", HDR_OFF(n_channels), HDR_OFF(channel_size), HDR_OFF(channel_off),
	  sizeof(struct qv_manifest_channel), QV_MAX_CHANNELS },
};

static u32 field16(const struct qv_manifest_header *h, size_t off)
{
	return *(const u16 *)((const u8 *)h + off);
}

static u32 field32(const struct qv_manifest_header *h, size_t off)
{
	return *(const u32 *)((const u8 *)h + off);
}

static const char *check_table(const struct qv_manifest_header *h, const struct table_rule *t)
{
	u32 count = field16(h, t->count_off);
	u32 size = field16(h, t->size_off);
	u64 off = field32(h, t->table_off);

	if (count > t->max_count)
		return t->name;
	if (count && size < t->own_size)
		return t->name;
	if (count && (off < h->header_size || off % 4 || off + (u64)count * size > h->total_size))
		return t->name;
	return NULL;
}

static const char *check_header(const struct qv_manifest_header *h, size_t len)
{
	if (h->magic != QV_MANIFEST_MAGIC)
		return "bad magic (not a questv manifest)";
	if (h->version != QV_MANIFEST_VERSION)
		return "unsupported version";
	if (h->header_size < QV_MANIFEST_HEADER_V1_SIZE || h->header_size > h->total_size)
		return "bad header size";
	if (h->total_size > len)
		return "total size runs past the module";
	if (manifest_crc32(h, h->total_size, HDR_OFF(crc32)) != h->crc32)
		return "CRC mismatch (corrupt manifest)";
	return NULL;
}

static const char *check_entries(const struct qv_manifest_header *h)
{
	if (h->n_sandboxes == 0)
		return "no sandboxes";
	for (u32 i = 0; i < h->n_sandboxes; i++) {
		const struct qv_manifest_sandbox *s = manifest_sandbox(h, i);
		if (s->id != i)
			return "sandbox id differs from its index";
		if (s->core_mask == 0 || s->mem_mib == 0)
			return "sandbox without a core or memory";
	}
	for (u32 i = 0; i < h->n_devices; i++)
		if (manifest_device(h, i)->owner >= h->n_sandboxes)
			return "device owned by a sandbox that does not exist";
	return NULL;
}

const char *manifest_check(const void *buf, size_t len)
{
	const struct qv_manifest_header *h = buf;
	const char *why;

	if (!buf || len < QV_MANIFEST_HEADER_V1_SIZE)
		return "too short for a manifest header";
	why = check_header(h, len);
	if (why)
		return why;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (check_table(h, &tables[i]))
			return "a table entry size or extent is wrong";
	return check_entries(h);
}

const struct qv_manifest_sandbox *manifest_sandbox(const struct qv_manifest_header *h, u32 i)
{
	return (const void *)((const u8 *)h + h->sandbox_off + (u64)i * h->sandbox_size);
}

void manifest_sandbox_copy(const struct qv_manifest_header *h, u32 i,
			   struct qv_manifest_sandbox *out)
{
	size_t n = h->sandbox_size < sizeof(*out) ? h->sandbox_size : sizeof(*out);

	memset(out, 0, sizeof(*out));
	memcpy(out, manifest_sandbox(h, i), n);
}

u32 manifest_recovery_timeout_ms(const struct qv_manifest_header *h)
{
	if (h->header_size < HDR_OFF(recovery_timeout_ms) + sizeof(u32))
		return QV_RECOVERY_TIMEOUT_DEFAULT_MS;
	return h->recovery_timeout_ms;
}

const struct qv_manifest_device *manifest_device(const struct qv_manifest_header *h, u32 i)
{
	return (const void *)((const u8 *)h + h->device_off + (u64)i * h->device_size);
}

const struct qv_manifest_channel *manifest_channel(const struct qv_manifest_header *h, u32 i)
{
	return (const void *)((const u8 *)h + h->channel_off + (u64)i * h->channel_size);
}
