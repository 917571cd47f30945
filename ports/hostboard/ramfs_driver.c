/* ramfs-driver: a line protocol over the RAM filesystem for the host tests
 * (tests/runtime/test_ramfs.py), built with AddressSanitizer. Every string
 * argument and every data payload is hex so any byte can be sent. One
 * request per line, one answer per line:
 *   init SIZE                      ok | err
 *   open PATH FLAGS                ok H | err E
 *   read H N                       ok HEX | err E
 *   write H HEX                    ok N | err E
 *   seek H OFF WHENCE              ok POS | err E
 *   close H / stat PATH            ok | ok MODE SIZE MTIME | err E
 *   ls PATH                        ok NAME... | err E
 *   rm / rmdir / mkdir / cd PATH   ok | err E
 *   mv FROM TO                     ok | err E
 *   pwd / df                       ok PATH | ok TOTAL FREE
 *   find DOTTED                    ok ISBC ORIGIN DATA | none
 * The filesystem's invariants are checked after every request; a broken one
 * answers "|corrupt N" instead. H is a handle number; 99 stands for a pointer
 * that is no handle at all. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ramfs.h"

static void *mem;
static struct ramfs_user U;
static void *handles[100];
static int bogus;

static char *unhex(const char *s)
{
	size_t n = strlen(s) / 2;
	char *p = malloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		p[i] = (char)v;
	}
	p[n] = 0;
	return p;
}

static size_t unhex_len(const char *s)
{
	return strlen(s) / 2;
}

static void puthex(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	if (n == 0)
		putchar('-');
}

static void *handle(const char *tok)
{
	int i = atoi(tok);
	if (i < 0 || i >= 100 || i == 99 || !handles[i])
		return &bogus;
	return handles[i];
}

int main(void)
{
	static char line[1 << 20];
	const qv_fs *ops = ramfs_ops();
	void *u = &U;
	while (fgets(line, sizeof line, stdin)) {
		char *argv[8] = {0};
		int argc = 0;
		for (char *t = strtok(line, " \n"); t && argc < 8; t = strtok(NULL, " \n"))
			argv[argc++] = t;
		if (argc == 0)
			continue;
		const char *cmd = argv[0];
		const char *a1 = argc > 1 ? argv[1] : "", *a2 = argc > 2 ? argv[2] : "";
		char *p1 = argc > 1 && strcmp(a1, "-") ? unhex(a1) : strdup("");
		char *p2 = argc > 2 && strcmp(a2, "-") ? unhex(a2) : strdup("");
		long r = 0;
		bool plain = true;
		if (!strcmp(cmd, "init")) {
			free(mem);
			size_t sz = strtoull(a1, NULL, 10);
			mem = malloc(sz);
			U.fs = ramfs_init(mem, sz);
			memset(handles, 0, sizeof handles);
			r = U.fs ? 0 : -12;
		} else if (!U.fs) {
			r = -22;
		} else if (!strcmp(cmd, "open")) {
			void *h = NULL;
			r = ops->open(u, p1, atoi(a2), &h);
			if (r >= 0) {
				int i = 0;
				while (handles[i] && handles[i] != h)
					i++;
				handles[i] = h;
				plain = false;
				printf("ok %d", i);
			}
		} else if (!strcmp(cmd, "read")) {
			size_t n = strtoull(a2, NULL, 10);
			char *buf = malloc(n + 1);
			r = ops->read(u, handle(a1), buf, n);
			if (r >= 0) {
				plain = false;
				printf("ok ");
				puthex(buf, (size_t)r);
			}
			free(buf);
		} else if (!strcmp(cmd, "write")) {
			r = ops->write(u, handle(a1), p2, unhex_len(a2));
			if (r >= 0) {
				plain = false;
				printf("ok %ld", r);
			}
		} else if (!strcmp(cmd, "seek")) {
			r = ops->seek(u, handle(a1), atol(a2), argc > 3 ? atoi(argv[3]) : 0);
			if (r >= 0) {
				plain = false;
				printf("ok %ld", r);
			}
		} else if (!strcmp(cmd, "close")) {
			void *h = handle(a1);
			r = ops->close(u, h);
			if (r >= 0)
				for (int i = 0; i < 100; i++)
					if (handles[i] == h)
						handles[i] = NULL;
		} else if (!strcmp(cmd, "stat")) {
			qv_fs_stat st;
			r = ops->stat(u, p1, &st);
			if (r >= 0) {
				plain = false;
				printf("ok %u %llu %llu", st.mode, (unsigned long long)st.size,
				       (unsigned long long)st.mtime);
			}
		} else if (!strcmp(cmd, "ls")) {
			char name[64];
			printf("ok");
			plain = false;
			for (size_t i = 0;; i++) {
				r = ops->listdir(u, p1, i, name, sizeof name);
				if (r <= 0)
					break;
				putchar(' ');
				puthex(name, strlen(name));
			}
			if (r < 0) {
				printf("|err %ld", -r); /* the test takes the text after the last | */
			}
		} else if (!strcmp(cmd, "rm"))
			r = ops->remove(u, p1);
		else if (!strcmp(cmd, "rmdir"))
			r = ops->rmdir(u, p1);
		else if (!strcmp(cmd, "mkdir"))
			r = ops->mkdir(u, p1);
		else if (!strcmp(cmd, "cd"))
			r = ops->chdir(u, p1);
		else if (!strcmp(cmd, "mv"))
			r = ops->rename(u, p1, p2);
		else if (!strcmp(cmd, "pwd")) {
			char buf[1024];
			r = ops->getcwd(u, buf, sizeof buf);
			if (r >= 0) {
				plain = false;
				printf("ok ");
				puthex(buf, strlen(buf));
			}
		} else if (!strcmp(cmd, "df")) {
			uint64_t t, f;
			r = ops->statvfs(u, &t, &f);
			if (r >= 0) {
				plain = false;
				printf("ok %llu %llu", (unsigned long long)t, (unsigned long long)f);
			}
		} else if (!strcmp(cmd, "find")) {
			size_t len;
			bool bc = false;
			char origin[128];
			const char *d = ramfs_find_module(U.fs, p1, &len, &bc, origin, sizeof origin);
			plain = false;
			if (d) {
				printf("ok %d ", bc);
				puthex(origin, strlen(origin));
				putchar(' ');
				puthex(d, len);
			} else
				printf("none");
		} else
			r = -22;
		if (plain) {
			if (r >= 0)
				printf("ok");
			else
				printf("err %ld", -r);
		}
		int bad = U.fs ? ramfs_check(U.fs) : 0;
		if (bad)
			printf("|corrupt %d", bad);
		putchar('\n');
		fflush(stdout);
		free(p1);
		free(p2);
	}
	free(mem);
	return 0;
}
