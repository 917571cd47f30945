/* qpy-board: the sandbox REPL (ports/repl) and RAM filesystem (ports/ramfs)
 * on Linux, so host tests can drive them with the real mpremote exactly as
 * a sandbox console would be driven.
 *
 *   qpy-board [--pty] [--fs-kib N] [--heap SIZE]
 *
 * --pty opens a pseudo-terminal pair, prints "pty: /dev/pts/N" as the first
 * line on stdout and serves the REPL on it until killed; without it the
 * REPL runs on stdin/stdout (raw terminal mode if stdin is a tty) until
 * input ends. The REPL interpreter's modules come from the runtime's frozen
 * modules, then the RAM fs. For tests, QPY_BOARD_FAIL_INTERPS=N makes the
 * first N interpreters fail to be created, as on a board short of memory. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "host.h" /* host_parse_size; port.c also sets the ASan options */
#include "qv_ext.h"
#include "ramfs.h"
#include "repl.h"

/* The port's user pointer: ramfs.h wants the filesystem first. */
typedef struct board {
	struct ramfs *fs;
	struct qv_repl *repl;
	qv_port port;
	size_t heap_size;
	void *heap;
	void *stack_base;
	char origin[300];
	int in_fd, out_fd;
	long fail_interps; /* QPY_BOARD_FAIL_INTERPS: the first N interpreters fail */
	unsigned char ibuf[4096];
	size_t ipos, ilen;
} board;

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t p_ticks(void *user)
{
	(void)user;
	return now_us();
}

static uint64_t p_wall(void *user)
{
	(void)user;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void p_write(void *user, int stream, const char *s, size_t n)
{
	board *b = user;
	qv_repl_port_write(b->repl, stream, s, n);
}

static long p_read_line(void *user, char *buf, size_t cap)
{
	board *b = user;
	return qv_repl_port_read_line(b->repl, buf, cap);
}

static bool p_poll(void *user)
{
	board *b = user;
	return qv_repl_port_poll_interrupt(b->repl);
}

static const char *p_find(void *user, const char *name, size_t *len, bool *is_bc, const char **origin)
{
	board *b = user;
	const char *d = ramfs_find_module(b->fs, name, len, is_bc, b->origin, sizeof b->origin);
	if (d)
		*origin = b->origin;
	return d;
}

static qv_ctx *new_interp(void *user, struct qv_repl *r)
{
	board *b = user;
	b->repl = r;
	if (b->fail_interps > 0) {
		/* tests: behave as a board too small for another interpreter */
		b->fail_interps--;
		return NULL;
	}
	b->heap = aligned_alloc(16, b->heap_size);
	if (!b->heap)
		return NULL;
	qv_ctx *c = qv_new(b->heap, b->heap_size, &b->port, b, b->stack_base);
	if (!c) {
		free(b->heap);
		b->heap = NULL;
		return NULL;
	}
	qv_set_stack_limit(c, 4u << 20);
	return c;
}

static void free_interp(void *user, qv_ctx *c)
{
	board *b = user;
	/* the RAM fs outlives the interpreter: its handles must not leak */
	qv_close_files(c);
	free(b->heap);
	b->heap = NULL;
}

static int io_getc(void *user, uint64_t timeout_us)
{
	board *b = user;
	if (b->ipos < b->ilen)
		return b->ibuf[b->ipos++];
	struct pollfd pfd = {.fd = b->in_fd, .events = POLLIN};
	int ms = timeout_us == UINT64_MAX ? -1 : (int)((timeout_us + 999) / 1000);
	for (;;) {
		int k = poll(&pfd, 1, ms);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k == 0 ? -1 : -2;
		ssize_t n = read(b->in_fd, b->ibuf, sizeof b->ibuf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -2;
		b->ipos = 1;
		b->ilen = (size_t)n;
		return b->ibuf[0];
	}
}

static void io_write(void *user, const char *s, size_t n)
{
	board *b = user;
	while (n) {
		ssize_t k = write(b->out_fd, s, n);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return; /* the reader went away: output is dropped */
		}
		s += k;
		n -= (size_t)k;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: qpy-board [--pty] [--fs-kib N] [--heap SIZE]\n"
			"  SIZE takes k, m or g suffixes (default 4m); N is KiB (default 512)\n");
	return 2;
}

int main(int argc, char **argv)
{
	volatile char base = 0;
	bool pty = false;
	size_t fs_kib = 512, heap = 4u << 20;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--pty"))
			pty = true;
		else if (!strcmp(a, "--fs-kib") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || end == argv[i] || v < 8 || v > (1u << 20)) {
				fprintf(stderr, "qpy-board: bad --fs-kib '%s' (8 to 1048576)\n", argv[i]);
				return 2;
			}
			fs_kib = v;
		} else if (!strcmp(a, "--heap") && i + 1 < argc) {
			if (!host_parse_size(argv[++i], &heap)) {
				fprintf(stderr, "qpy-board: bad heap size '%s' (use e.g. 256k, 8m)\n", argv[i]);
				return 2;
			}
		} else
			return usage();
	}

	static board b;
	b.heap_size = heap;
	const char *fails = getenv("QPY_BOARD_FAIL_INTERPS");
	b.fail_interps = fails ? strtol(fails, NULL, 10) : 0;
	/* The collector scans the C stack from its current depth up to here:
	 * every frame the interpreter runs in is below main's. Going past this
	 * frame (towards the stack's top) could leave the mapped stack. */
	b.stack_base = (void *)&base;
	void *fsmem = malloc(fs_kib * 1024);
	b.fs = fsmem ? ramfs_init(fsmem, fs_kib * 1024) : NULL;
	if (!b.fs) {
		fprintf(stderr, "qpy-board: cannot make a %zu KiB filesystem\n", fs_kib);
		return 1;
	}
	ramfs_set_clock(b.fs, p_wall, NULL);
	b.port.write = p_write;
	b.port.read_line = p_read_line;
	b.port.ticks_us = p_ticks;
	b.port.wall_us = p_wall;
	b.port.poll_interrupt = p_poll;
	b.port.find_module = p_find;
	b.port.fs = ramfs_ops();

	struct termios saved;
	bool restore = false;
	if (pty) {
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		if (m < 0 || grantpt(m) || unlockpt(m)) {
			perror("qpy-board: pty");
			return 1;
		}
		const char *name = ptsname(m);
		/* Hold the slave open ourselves: the master then never reads EOF
		 * between clients, and its line discipline is raw from the start
		 * (no echo, no signals from Ctrl-C, no CR/LF translation). */
		int s = name ? open(name, O_RDWR | O_NOCTTY) : -1;
		if (s < 0) {
			perror("qpy-board: pty slave");
			return 1;
		}
		struct termios t;
		tcgetattr(s, &t);
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
		printf("pty: %s\n", name);
		fflush(stdout);
		b.in_fd = b.out_fd = m;
	} else {
		b.in_fd = 0;
		b.out_fd = 1;
		if (isatty(0) && tcgetattr(0, &saved) == 0) {
			struct termios t = saved;
			cfmakeraw(&t);
			tcsetattr(0, TCSANOW, &t);
			restore = true;
		}
	}

	qv_repl_io io = {.getc = io_getc, .write = io_write, .user = &b};
	qv_repl_env env = {.new_interp = new_interp, .free_interp = free_interp,
			   .banner = "questv Python 0.1 on qpy-board (host)", .user = &b};
	struct qv_repl *r = aligned_alloc(16, (qv_repl_size() + 15) & ~(size_t)15);
	if (!r)
		return 1;
	qv_repl_init(r, &io, &env);
	qv_repl_run(r);
	if (restore)
		tcsetattr(0, TCSANOW, &saved);
	free(r);
	free(fsmem);
	return 0;
}
