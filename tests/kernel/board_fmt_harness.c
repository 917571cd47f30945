/* Host driver for the board's printf (kernel/lib/fmt.c), used by
 * test_board_fmt.py: each case formats one value with one conversion and
 * prints the result on its own line, framed by '|' so spaces show. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../kernel/lib/fmt.h"

int main(int argc, char **argv)
{
	char out[64];

	/* argv: SPEC KIND VALUE, repeated; KIND is i (int), l (64-bit), s (string) */
	for (int i = 1; i + 2 < argc; i += 3) {
		const char *spec = argv[i], *kind = argv[i + 1], *val = argv[i + 2];
		size_t n;
		if (kind[0] == 'i')
			n = fmt_buf(out, sizeof(out), spec, (int)strtoll(val, NULL, 0));
		else if (kind[0] == 'l')
			n = fmt_buf(out, sizeof(out), spec, (unsigned long long)strtoull(val, NULL, 0));
		else
			n = fmt_buf(out, sizeof(out), spec, val);
		printf("|%s|%zu\n", out, n);
	}
	/* truncation: the length of the whole output, a NUL-terminated prefix */
	size_t n = fmt_buf(out, 8, "%s", "0123456789");
	printf("|%s|%zu\n", out, n);
	return 0;
}
