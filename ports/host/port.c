/* The qv_port for Linux: stdio console, monotonic clock, modules from the
 * directories on the search path. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host.h"

/* AddressSanitizer's fake stacks would hide heap pointers from the
 * conservative stack scan; keep real frames. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_stack_use_after_return=0:detect_leaks=0";
}

static void h_write(void *user, int stream, const char *s, size_t n)
{
	host_state *hs = user;
	if (hs->capture) {
		if (hs->capn + n + 1 > hs->capcap) {
			size_t nc = (hs->capn + n + 1) * 2;
			char *p = realloc(hs->cap, nc);
			if (!p)
				return;
			hs->cap = p;
			hs->capcap = nc;
		}
		memcpy(hs->cap + hs->capn, s, n);
		hs->capn += n;
		hs->cap[hs->capn] = 0;
		return;
	}
	if (stream == QV_ERR) {
		fflush(stdout);
		fwrite(s, 1, n, stderr);
		fflush(stderr);
	} else
		fwrite(s, 1, n, stdout);
}

static long h_read_line(void *user, char *buf, size_t cap)
{
	host_state *hs = user;
	if (!hs->capture)
		fflush(stdout);
	if (!fgets(buf, (int)cap, stdin))
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		n--;
	return (long)n;
}

static uint64_t h_ticks_us(void *user)
{
	(void)user;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t h_wall_us(void *user)
{
	(void)user;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

char *host_read_stream(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			cap *= 2;
			char *q = realloc(p, cap);
			if (!q) {
				free(p);
				return NULL;
			}
			p = q;
		}
		size_t k = fread(p + n, 1, 4096, f);
		n += k;
		if (k == 0)
			break;
	}
	p[n] = 0;
	*len = n;
	return p;
}

char *host_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *p = host_read_stream(f, len);
	int e = errno;
	fclose(f);
	errno = e;
	return p;
}

static const char *h_find_module(void *user, const char *name, size_t *len, bool *is_bc, const char **origin)
{
	host_state *hs = user;
	char rel[512];
	size_t k = 0;
	for (; name[k] && k < sizeof rel - 16; k++)
		rel[k] = name[k] == '.' ? '/' : name[k];
	rel[k] = 0;
	static const char *const suffix[] = {".py", "/__init__.py", ".qbc"};
	for (int d = 0; d < hs->ndirs; d++)
		for (int s = 0; s < 3; s++) {
			char path[1200];
			snprintf(path, sizeof path, "%s%s%s%s", hs->dirs[d], hs->dirs[d][0] ? "/" : "", rel, suffix[s]);
			char *data = host_read_file(path, len);
			if (!data)
				continue;
			if (hs->nmod < 64)
				hs->modbuf[hs->nmod++] = data;
			*is_bc = s == 2;
			char *o = malloc(strlen(path) + 1);
			if (o) {
				strcpy(o, path);
				if (hs->nmod < 64)
					hs->modbuf[hs->nmod++] = o;
			}
			*origin = o ? o : name;
			return data;
		}
	return NULL;
}

/* ------------------------------------------------------------ files
 * open() and os on the real file system. A handle is the descriptor plus
 * one, so that it is never NULL. */
#define FD(h) ((int)(intptr_t)(h) - 1)

static int neg_errno(void)
{
	return errno ? -errno : -5;
}

static int f_open(void *user, const char *path, int flags, void **handle)
{
	(void)user;
	int o = (flags & QV_FS_READ) && (flags & QV_FS_WRITE) ? O_RDWR : (flags & QV_FS_WRITE) ? O_WRONLY : O_RDONLY;
	if (flags & QV_FS_CREATE)
		o |= O_CREAT;
	if (flags & QV_FS_TRUNC)
		o |= O_TRUNC;
	if (flags & QV_FS_APPEND)
		o |= O_APPEND;
	int fd = open(path, o | O_CLOEXEC, 0666);
	if (fd < 0)
		return neg_errno();
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	*handle = (void *)(intptr_t)(fd + 1);
	return 0;
}

static long f_read(void *user, void *h, void *buf, size_t n)
{
	(void)user;
	ssize_t r = read(FD(h), buf, n);
	return r < 0 ? neg_errno() : (long)r;
}

static long f_write(void *user, void *h, const void *buf, size_t n)
{
	(void)user;
	ssize_t r = write(FD(h), buf, n);
	return r < 0 ? neg_errno() : (long)r;
}

static long f_seek(void *user, void *h, long off, int whence)
{
	(void)user;
	off_t r = lseek(FD(h), off, whence == 2 ? SEEK_END : whence == 1 ? SEEK_CUR : SEEK_SET);
	return r < 0 ? neg_errno() : (long)r;
}

static int f_close(void *user, void *h)
{
	(void)user;
	return close(FD(h)) < 0 ? neg_errno() : 0;
}

static int f_stat(void *user, const char *path, qv_fs_stat *out)
{
	(void)user;
	struct stat st;
	if (stat(path, &st) < 0)
		return neg_errno();
	out->mode = (S_ISDIR(st.st_mode) ? 0x4000u : 0x8000u) | (st.st_mode & 0777);
	out->size = (uint64_t)st.st_size;
	out->mtime = (uint64_t)st.st_mtime;
	return 0;
}

static int f_listdir(void *user, const char *path, size_t index, char *name, size_t cap)
{
	(void)user;
	DIR *d = opendir(path);
	if (!d)
		return neg_errno();
	size_t i = 0;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (i++ == index) {
			snprintf(name, cap, "%s", e->d_name);
			r = 1;
			break;
		}
	}
	closedir(d);
	return r;
}

static int f_remove(void *user, const char *path)
{
	(void)user;
	return unlink(path) < 0 ? neg_errno() : 0;
}

static int f_rename(void *user, const char *from, const char *to)
{
	(void)user;
	return rename(from, to) < 0 ? neg_errno() : 0;
}

static int f_mkdir(void *user, const char *path)
{
	(void)user;
	return mkdir(path, 0777) < 0 ? neg_errno() : 0;
}

static int f_rmdir(void *user, const char *path)
{
	(void)user;
	return rmdir(path) < 0 ? neg_errno() : 0;
}

static int f_chdir(void *user, const char *path)
{
	(void)user;
	return chdir(path) < 0 ? neg_errno() : 0;
}

static int f_getcwd(void *user, char *buf, size_t cap)
{
	(void)user;
	return getcwd(buf, cap) ? 0 : neg_errno();
}

static int f_statvfs(void *user, uint64_t *total, uint64_t *avail)
{
	(void)user;
	struct statvfs v;
	if (statvfs(".", &v) < 0)
		return neg_errno();
	*total = (uint64_t)v.f_blocks * v.f_frsize;
	*avail = (uint64_t)v.f_bavail * v.f_frsize;
	return 0;
}

static const qv_fs host_fs = {
	f_open, f_read, f_write, f_seek, f_close, f_stat, f_listdir, f_remove, f_rename, f_mkdir,
	f_rmdir, f_chdir, f_getcwd, f_statvfs,
};

void host_init(host_state *hs)
{
	memset(hs, 0, sizeof *hs);
	hs->heap_size = 64u << 20;
	hs->port.write = h_write;
	hs->port.read_line = h_read_line;
	hs->port.ticks_us = h_ticks_us;
	hs->port.wall_us = h_wall_us;
	hs->port.find_module = h_find_module;
	hs->port.fs = &host_fs;
	const char *env = getenv("QPY_HEAP");
	if (env)
		host_parse_size(env, &hs->heap_size);
}

qv_ctx *host_new_ctx(host_state *hs)
{
	host_free_ctx(hs);
	hs->mem = aligned_alloc(16, (hs->heap_size + 15) & ~(size_t)15);
	if (!hs->mem)
		return NULL;
	volatile char base = 0;
	hs->ctx = qv_new(hs->mem, hs->heap_size, &hs->port, hs, (void *)((uintptr_t)&base + 4096));
	if (hs->ctx)
		qv_set_stack_limit(hs->ctx, 6u << 20);
	return hs->ctx;
}

void host_free_ctx(host_state *hs)
{
	free(hs->mem);
	hs->mem = NULL;
	hs->ctx = NULL;
}

void host_flush(host_state *hs)
{
	if (!hs->capture)
		fflush(stdout);
}

bool host_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end || v < QV_MIN_MEMORY || v > (64ull << 30))
		return false;
	*out = (size_t)v;
	return true;
}

void host_set_argv(qv_ctx *c, const char *const *first, int nfirst, const char *const *rest, int nrest)
{
	const char *av[256];
	int n = 0;
	for (int i = 0; i < nfirst && n < 256; i++)
		av[n++] = first[i];
	for (int i = 0; i < nrest && n < 256; i++)
		av[n++] = rest[i];
	qv_set_argv(c, n, av);
}

void host_add_script_dir(host_state *hs, qv_ctx *c, const char *script)
{
	const char *slash = strrchr(script, '/');
	size_t n = slash ? (size_t)(slash - script) : 0;
	char *d = malloc(n + 2);
	if (!d)
		return;
	if (slash && n == 0)
		strcpy(d, "/");
	else {
		memcpy(d, script, n);
		d[n] = 0;
	}
	if (hs->ndirs < HOST_MAX_DIRS)
		hs->dirs[hs->ndirs++] = d;
	qv_add_path(c, d);
}
