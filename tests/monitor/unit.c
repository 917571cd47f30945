/* Host driver for the monitor's pure code (monitor/manifest.c, ept.c), run
 * by tests/monitor/test_*.py:
 *   monitor-unit check FILE         -> "ok" (exit 0) or "refused: WHY" (exit 1)
 *   monitor-unit crc FILE           -> the CRC-32 of the whole file, in hex
 *   monitor-unit ept HOST SIZE GPA.. -> builds the EPT of a sandbox at HOST of
 *       SIZE bytes (0x-numbers), prints "pages N tables T", then one line per
 *       GPA: "GPA -> HPA FLAGS" or "GPA -> none". Host pointers stand in for
 *       physical addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../monitor/manifest.h"
#include "../../monitor/ept.h"

static unsigned long tables;

static u64 host_page(void *ctx)
{
	(void)ctx;
	void *p = aligned_alloc(4096, 4096);
	if (!p)
		return 0;
	memset(p, 0, 4096);
	tables++;
	return (u64)(uintptr_t)p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static u64 count_leaves(u64 table, int level)
{
	const u64 *t = (const u64 *)(uintptr_t)table;
	u64 n = 0;

	for (int i = 0; i < 512; i++) {
		if (!(t[i] & EPT_RWX))
			continue;
		n += level == 0 ? 1 : count_leaves(t[i] & EPT_ADDR, level - 1);
	}
	return n;
}

static int cmd_ept(int argc, char **argv)
{
	struct ept_alloc a = { host_page, NULL };
	u64 host = strtoull(argv[2], NULL, 0), size = strtoull(argv[3], NULL, 0);
	u64 root = ept_build_region(host, size, &a);

	if (!root) {
		puts("build failed");
		return 1;
	}
	printf("pages %llu tables %lu\n", (unsigned long long)count_leaves(root, 3), tables);
	for (int i = 4; i < argc; i++) {
		u64 gpa = strtoull(argv[i], NULL, 0), flags = 0;
		u64 hpa = ept_translate(root, gpa, &flags);
		if (hpa == EPT_NONE)
			printf("0x%llx -> none\n", (unsigned long long)gpa);
		else
			printf("0x%llx -> 0x%llx 0x%llx\n", (unsigned long long)gpa,
			       (unsigned long long)hpa, (unsigned long long)flags);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t len = 0;

	if (argc >= 4 && !strcmp(argv[1], "ept"))
		return cmd_ept(argc, argv);
	if (argc != 3) {
		fputs("usage: monitor-unit check|crc FILE | ept HOST SIZE GPA...\n", stderr);
		return 2;
	}
	unsigned char *buf = slurp(argv[2], &len);
	if (!buf) {
		perror(argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "crc")) {
		printf("%08x\n", manifest_crc32(buf, len, (size_t)-1));
		return 0;
	}
	const char *why = manifest_check(buf, len);
	if (why) {
		printf("refused: %s\n", why);
		return 1;
	}
	puts("ok");
	return 0;
}
