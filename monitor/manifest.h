/* Reading the binary manifest (docs/manifest.md). Pure functions with no
 * board dependency: tests/monitor builds them for the host. */
#ifndef QUESTV_MON_MANIFEST_H
#define QUESTV_MON_MANIFEST_H

#include "questv/manifest.h"

/* CRC-32/IEEE as zlib.crc32 computes it; `skip` (byte offset) names a
 * 4-byte field read as zero, or pass (size_t)-1 for none. */
u32 manifest_crc32(const void *buf, size_t len, size_t skip);

/* NULL when the manifest in buf[0..len) can be trusted, else why not (a
 * sentence for the serial line). Checks magic, version, header size, total
 * size, CRC, entry sizes and that every table lies inside the manifest. */
const char *manifest_check(const void *buf, size_t len);

/* Entry i of a table of a checked manifest (steps by the entry size the
 * header gives, so a newer writer's longer entries are read correctly). */
const struct qv_manifest_sandbox *manifest_sandbox(const struct qv_manifest_header *h, u32 i);
const struct qv_manifest_device *manifest_device(const struct qv_manifest_header *h, u32 i);

/* Entry i of the sandbox table, copied whole: fields that an older writer's
 * shorter entry lacks read as 0 (watchdog_ms 0 = no watchdog). */
void manifest_sandbox_copy(const struct qv_manifest_header *h, u32 i,
			   struct qv_manifest_sandbox *out);

/* The header's recovery_timeout_ms, or its default for an older header. */
u32 manifest_recovery_timeout_ms(const struct qv_manifest_header *h);
const struct qv_manifest_channel *manifest_channel(const struct qv_manifest_header *h, u32 i);

#endif
