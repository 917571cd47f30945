/* Host driver for the monitor's pure code (monitor/manifest.c, ept.c), run
 * by tests/monitor/test_*.py:
 *   monitor-unit check FILE         -> "ok" (exit 0) or "refused: WHY" (exit 1)
 *   monitor-unit crc FILE           -> the CRC-32 of the whole file, in hex
 *   monitor-unit ept HOST SIZE GPA.. -> builds the EPT of a sandbox at HOST of
 *       SIZE bytes (0x-numbers), prints "pages N tables T", then one line per
 *       GPA: "GPA -> HPA FLAGS" or "GPA -> none". Host pointers stand in for
 *       physical addresses.
 *   monitor-unit ksym ELF ADDR..    -> one line per ADDR: "ADDR NAME+0xOFF" or
 *       "ADDR none"; "no symbols" (exit 1) when the ELF has no .symtab.
 *   monitor-unit faultlog SIZE N    -> lays out a log in SIZE bytes, appends N
 *       records (record i: sandbox i % 16, rip 0x1000 + i, symbol "f<i>"),
 *       prints "capacity C write_seq W", then one line per seq 1..N+1 as a
 *       reader sees it: "SEQ ok SANDBOX RIP SYM", "SEQ lost" or "SEQ unwritten".
 *   monitor-unit note TEXT          -> "ok" or "refused: WHY" (exit 1): the
 *       RESTART_SERVICE note check (TEXT as bytes, its length from strlen). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../monitor/manifest.h"
#include "../../monitor/ept.h"
#include "../../monitor/faultlog.h"

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
	size_t cap = 1 << 20, n = 0, got;
	unsigned char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *more = realloc(buf, cap * 2);
			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
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

static int cmd_ksym(int argc, char **argv)
{
	size_t len = 0;
	unsigned char *img = slurp(argv[2], &len);
	struct ksym_table t;

	if (!img) {
		perror(argv[2]);
		return 2;
	}
	if (!ksym_init(&t, img, len)) {
		puts("no symbols");
		return 1;
	}
	for (int i = 3; i < argc; i++) {
		u64 addr = strtoull(argv[i], NULL, 0), off = 0;
		const char *name = ksym_lookup(&t, addr, &off);
		if (name)
			printf("0x%llx %s+0x%llx\n", (unsigned long long)addr, name,
			       (unsigned long long)off);
		else
			printf("0x%llx none\n", (unsigned long long)addr);
	}
	return 0;
}

static int cmd_faultlog(char **argv)
{
	u64 size = strtoull(argv[2], NULL, 0), n = strtoull(argv[3], NULL, 0);
	void *mem = aligned_alloc(64, (size + 63) & ~63ull);
	struct qv_faultlog *log = faultlog_init(mem, size);

	if (!log) {
		puts("too small");
		return 1;
	}
	for (u64 i = 0; i < n; i++) {
		struct qv_fault_record r;
		memset(&r, 0xA5, sizeof(r)); /* junk the writer must not copy as-is */
		r.sandbox = (u32)(i % 16);
		r.rip = 0x1000 + i;
		snprintf(r.sym, sizeof(r.sym), "f%llu", (unsigned long long)i);
		if (faultlog_append(log, &r) != i + 1) {
			puts("bad seq");
			return 1;
		}
	}
	printf("capacity %u write_seq %llu\n", log->capacity, (unsigned long long)log->write_seq);
	for (u64 seq = 1; seq <= n + 1; seq++) {
		struct qv_fault_record r;
		int rc = faultlog_read(log, seq, &r);
		if (rc == 0)
			printf("%llu ok %u 0x%llx %s\n", (unsigned long long)seq, r.sandbox,
			       (unsigned long long)r.rip, r.sym);
		else
			printf("%llu %s\n", (unsigned long long)seq, rc == -2 ? "lost" : "unwritten");
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t len = 0;

	if (argc >= 4 && !strcmp(argv[1], "ept"))
		return cmd_ept(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "ksym"))
		return cmd_ksym(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "faultlog"))
		return cmd_faultlog(argv);
	if (argc == 3 && !strcmp(argv[1], "note")) {
		const char *why = recovery_note_check(argv[2], (u32)strlen(argv[2]));
		if (why)
			printf("refused: %s\n", why);
		else
			puts("ok");
		return why ? 1 : 0;
	}
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
