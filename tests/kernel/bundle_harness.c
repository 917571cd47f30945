/* Host build of the board's bundle loader (ports/vtx/bundle.c) for
 * tests/kernel/test_bundle_loader.py: checks the bundle in argv[1] as
 * sandbox argv[2] would, prints "ok <why>" or "refused <why>", and for an
 * accepted bundle one line per service: "service <name> flags <f> device <d>". */
#include <stdio.h>
#include <stdlib.h>
#include "vtx.h"

struct qv_bootinfo kboot;

int main(int argc, char **argv)
{
	static u8 buf[1 << 20];
	char why[160];

	if (argc != 3)
		return 2;
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 2;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	kboot.bundle_gpa = (u64)(uintptr_t)buf;
	kboot.bundle_size = (u32)n;
	kboot.sandbox_id = (u32)strtoul(argv[2], NULL, 0);
	if (!vtx_bundle_load(why, sizeof(why))) {
		printf("refused %s\n", why);
		return 0;
	}
	printf("ok %s\n", why);
	struct vtx_bundle_service s;
	for (u32 i = 0; vtx_bundle_service(i, &s); i++)
		printf("service %s flags %u device %d\n", s.name, s.flags, s.device);
	return 0;
}
