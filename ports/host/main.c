/* qpy: the runtime as a Linux program (script runner, REPL, cross compiler,
 * and the checkers the fuzzers drive). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "qv.h"
#include "host.h"

static qv_ctx *the_ctx;

static void on_sigint(int sig)
{
	(void)sig;
	if (the_ctx)
		qv_interrupt(the_ctx);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: qpy [--heap SIZE] [--mem-stats] [-c CODE | FILE | -] [args...]\n"
		"       qpy [--heap SIZE] -o OUT.qbc FILE.py     compile to bytecode\n"
		"       qpy --check FILE...                      compile only, one line per file\n"
		"       qpy --load-check FILE...                 load bytecode only, one line per file\n"
		"SIZE takes k, m or g suffixes (default %s). A .qbc FILE runs bytecode.\n"
		"--mem-stats writes heap use and collections to stderr when the program ends.\n", "64m");
	return 2;
}

static int check_files(host_state *hs, int n, char **files, bool bytecode)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		size_t len;
		char *data = host_read_file(files[i], &len);
		if (!data) {
			printf("%s: cannot read: %s\n", files[i], strerror(errno));
			bad = 1;
			continue;
		}
		qv_ctx *c = host_new_ctx(hs);
		if (!c) {
			printf("%s: cannot create an interpreter\n", files[i]);
			free(data);
			return 1;
		}
		char msg[512];
		int st = bytecode ? qv_check_bytecode(c, (const uint8_t *)data, len, msg, sizeof msg)
				  : qv_check_source(c, data, len, files[i], msg, sizeof msg);
		if (st == QV_OK)
			printf("%s: ok\n", files[i]);
		else {
			printf("%s: %s\n", files[i], msg);
			bad = 1;
		}
		fflush(stdout);
		host_free_ctx(hs);
		free(data);
	}
	return bad;
}

static int compile_file(host_state *hs, const char *out, const char *in)
{
	size_t len;
	char *src = host_read_file(in, &len);
	if (!src) {
		fprintf(stderr, "qpy: cannot read %s: %s\n", in, strerror(errno));
		return 1;
	}
	qv_ctx *c = host_new_ctx(hs);
	const uint8_t *bc;
	size_t bclen;
	char msg[512];
	if (qv_compile_bytecode(c, src, len, in, &bc, &bclen, msg, sizeof msg) != QV_OK) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	FILE *f = fopen(out, "wb");
	if (!f || fwrite(bc, 1, bclen, f) != bclen || fclose(f) != 0) {
		fprintf(stderr, "qpy: cannot write %s: %s\n", out, strerror(errno));
		return 1;
	}
	return 0;
}

/* Whether the first line of an interactive entry opens a block (a
 * decorator, or a header ending in ':' before any comment): such an entry
 * is only run at the blank line that ends it. */
static bool starts_block(const char *buf, size_t len)
{
	size_t i = 0, end = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (i < len && buf[i] == '@')
		return true;
	char quote = 0;
	for (; i < len && buf[i] != '\n'; i++) {
		char ch = buf[i];
		if (quote) {
			if (ch == '\\')
				i++;
			else if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '#') {
			break;
		}
		if (ch != ' ' && ch != '\t' && ch != '\r')
			end = i + 1;
	}
	return end > 0 && buf[end - 1] == ':';
}

static int repl(host_state *hs, qv_ctx *c)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	char line[4096];
	printf("questv Python %s; Ctrl-D to exit\n", "0.1");
	for (;;) {
		fputs(len ? "... " : ">>> ", stdout);
		fflush(stdout);
		errno = 0;
		if (!fgets(line, sizeof line, stdin)) {
			if (errno == EINTR) {
				/* Ctrl-C at the prompt: drop the line, keep going */
				clearerr(stdin);
				qv_cancel_interrupt(c);
				fputs("\nKeyboardInterrupt\n", stdout);
				len = 0;
				continue;
			}
			putchar('\n');
			break;
		}
		size_t ln = strlen(line);
		if (len + ln + 2 > cap) {
			cap = (len + ln + 2) * 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + len, line, ln);
		len += ln;
		bool blank = ln <= 1;
		/* A compound statement continues until a blank line, as in
		 * CPython: its body may be complete after any of its lines. */
		if (len > ln && !blank && starts_block(buf, len))
			continue;
		if (len > ln || !blank) {
			int st = qv_exec(c, buf, len, "<stdin>", QV_MODE_SINGLE);
			if (st == QV_INCOMPLETE && !blank)
				continue;
			if (st == QV_INCOMPLETE && blank)
				qv_exec(c, buf, len, "<stdin>", QV_MODE_FILE);
			if (st == QV_EXIT) {
				host_flush(hs);
				free(buf);
				return qv_exit_code(c);
			}
		}
		host_flush(hs);
		len = 0;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	host_state hs;
	host_init(&hs);
	int i = 1;
	const char *code = NULL, *out = NULL;
	bool mem_stats = false;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--mem-stats"))
			mem_stats = true;
		else if (!strcmp(a, "--heap") && i + 1 < argc) {
			if (!host_parse_size(argv[++i], &hs.heap_size)) {
				fprintf(stderr, "qpy: bad heap size '%s' (use e.g. 256k, 8m)\n", argv[i]);
				return 2;
			}
		} else if (!strncmp(a, "--heap=", 7)) {
			if (!host_parse_size(a + 7, &hs.heap_size)) {
				fprintf(stderr, "qpy: bad heap size '%s' (use e.g. 256k, 8m)\n", a + 7);
				return 2;
			}
		} else if (!strcmp(a, "--check"))
			return check_files(&hs, argc - i - 1, argv + i + 1, false);
		else if (!strcmp(a, "--load-check"))
			return check_files(&hs, argc - i - 1, argv + i + 1, true);
		else if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "-c") && i + 1 < argc) {
			code = argv[++i];
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage(), 0;
		else if (a[0] == '-' && a[1] && strcmp(a, "-"))
			return usage();
		else
			break;
	}
	if (out) {
		if (i >= argc)
			return usage();
		return compile_file(&hs, out, argv[i]);
	}
	qv_ctx *c = host_new_ctx(&hs);
	if (!c) {
		fprintf(stderr, "qpy: cannot create an interpreter with a %zu-byte heap\n", hs.heap_size);
		return 1;
	}
	the_ctx = c;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	int st;
	if (code) {
		const char *av0 = "-c";
		host_set_argv(c, &av0, 1, (const char *const *)argv + i, argc - i);
		st = qv_exec(c, code, strlen(code), "<string>", QV_MODE_FILE);
	} else if (i < argc && strcmp(argv[i], "-")) {
		const char *path = argv[i];
		host_set_argv(c, (const char *const *)argv + i, 1, (const char *const *)argv + i + 1, argc - i - 1);
		host_add_script_dir(&hs, c, path);
		size_t len;
		char *src = host_read_file(path, &len);
		if (!src) {
			fprintf(stderr, "qpy: can't open file '%s': [Errno %d] %s\n", path, errno, strerror(errno));
			return 2;
		}
		size_t pl = strlen(path);
		if (pl > 4 && !strcmp(path + pl - 4, ".qbc"))
			st = qv_exec_bytecode(c, (const uint8_t *)src, len, path);
		else
			st = qv_exec(c, src, len, path, QV_MODE_FILE);
	} else if (i >= argc && isatty(0)) {
		const char *av0 = "";
		host_set_argv(c, &av0, 1, NULL, 0);
		qv_add_path(c, "");
		int r = repl(&hs, c);
		host_flush(&hs);
		return r;
	} else {
		/* CPython: '-' when named on the command line, '' when implied */
		const char *av0 = i < argc ? "-" : "";
		host_set_argv(c, &av0, 1, (const char *const *)argv + i + (i < argc), argc - i - (i < argc));
		size_t len;
		char *src = host_read_stream(stdin, &len);
		st = qv_exec(c, src, len, "<stdin>", QV_MODE_FILE);
	}
	host_flush(&hs);
	if (mem_stats) {
		/* one line, key=value, for benchmark harnesses to parse */
		qv_heap_stats hst;
		qv_heap_info(c, &hst);
		fprintf(stderr, "qpy-mem: peak heap=%zu used=%zu heap=%zu collections=%zu max_pause_us=%llu\n",
			hst.peak, hst.used, hst.total, hst.collections, (unsigned long long)hst.max_pause_us);
	}
	if (st == QV_EXC)
		return 1;
	if (st == QV_EXIT)
		return qv_exit_code(c);
	return 0;
}
