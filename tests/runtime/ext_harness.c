/* Test harness for the port API (runtime/qv_ext.h): the hosted port plus a
 * `_hosttest` module whose functions exercise every call of the API, and a
 * few scenarios that only C can drive (another thread interrupting or
 * stopping, callbacks from outside a run, marshalling between two contexts).
 * Built under AddressSanitizer by mk/runtime.mk; driven by test_ext_api.py.
 *
 *   qv-ext-test run FILE       run FILE with _hosttest importable
 *   qv-ext-test SCENARIO [...] see main() */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host.h"
#include "qv_ext.h"

static qv_val t_echo(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)c; (void)u; (void)n;
	return a[0];
}

/* one value of every kind the constructors make */
static qv_val t_make(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n; (void)a;
	qv_val d = qv_dict(c);
	if (!d)
		return NULL;
	qv_val items[2] = {qv_int(c, 1), qv_str(c, "two", 3)};
	qv_val l = qv_list(c);
	if (!l || !qv_list_append(c, l, qv_int(c, 7)) || !qv_list_append(c, l, qv_bool(c, false)))
		return NULL;
	static const char hel[] = "h\xc3\xa9llo";
	if (!qv_dict_set(c, d, "none", qv_none(c)) || !qv_dict_set(c, d, "true", qv_bool(c, true)) ||
	    !qv_dict_set(c, d, "small", qv_int(c, -5)) ||
	    !qv_dict_set(c, d, "big", qv_int(c, INT64_MAX)) ||
	    !qv_dict_set(c, d, "neg", qv_int(c, INT64_MIN)) ||
	    !qv_dict_set(c, d, "float", qv_float(c, 1.5)) ||
	    !qv_dict_set(c, d, "str", qv_str(c, hel, sizeof hel - 1)) ||
	    !qv_dict_set(c, d, "bytes", qv_bytes(c, "\0\1\377", 3)) ||
	    !qv_dict_set(c, d, "tuple", qv_tuple(c, 2, items)) ||
	    !qv_dict_set(c, d, "empty", qv_tuple(c, 0, NULL)) ||
	    !qv_dict_set(c, d, "list", l))
		return NULL;
	return d;
}

static qv_val t_add(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u;
	int64_t x = 0, y = 0;
	if (!qv_get_int(c, a[0], &x) || (n > 1 && !qv_get_int(c, a[1], &y)))
		return NULL;
	if (__builtin_add_overflow(x, y, &x))
		return qv_raise(c, "OverflowError", "add overflows int64");
	return qv_int(c, x);
}

static qv_val t_fmul(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	double x, y;
	if (!qv_get_float(c, a[0], &x) || !qv_get_float(c, a[1], &y))
		return NULL;
	return qv_float(c, x * y);
}

/* str -> (bytes of its UTF-8, the same text rebuilt through qv_str) */
static qv_val t_strinfo(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	const char *s;
	size_t len;
	if (!qv_get_str(c, a[0], &s, &len))
		return NULL;
	qv_val it[2] = {qv_bytes(c, s, len), qv_str(c, s, len)};
	if (!it[0] || !it[1])
		return NULL;
	return qv_tuple(c, 2, it);
}

static qv_val t_badstr(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n; (void)a;
	return qv_str(c, "ok\xff", 3);
}

/* buffer -> (length, sum of bytes) */
static qv_val t_bufsum(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	const void *p;
	size_t len;
	if (!qv_get_buffer(c, a[0], &p, &len))
		return NULL;
	int64_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((const unsigned char *)p)[i];
	qv_val it[2] = {qv_int(c, (int64_t)len), qv_int(c, sum)};
	return qv_tuple(c, 2, it);
}

static qv_val t_truth(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	bool b;
	if (!qv_truth(c, a[0], &b))
		return NULL;
	return qv_bool(c, b);
}

static qv_val t_raise(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u;
	const char *t, *m = NULL;
	size_t tl, ml;
	char tb[64], mb[128];
	if (!qv_get_str(c, a[0], &t, &tl) || (n > 1 && !qv_get_str(c, a[1], &m, &ml)))
		return NULL;
	snprintf(tb, sizeof tb, "%.*s", (int)tl, t);
	if (m)
		snprintf(mb, sizeof mb, "%.*s", (int)ml, m);
	return qv_raise(c, tb, m ? mb : NULL);
}

static qv_val t_errno(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	int64_t e;
	if (!qv_get_int(c, a[0], &e))
		return NULL;
	return qv_raise_errno(c, (int)e);
}

static qv_val t_null(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)c; (void)u; (void)n; (void)a;
	return NULL;
}

/* call(fn, *args): the callee's exception propagates */
static qv_val t_call(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u;
	return qv_call(c, a[0], n - 1, a + 1);
}

/* call_swallow(fn): an exception in fn is dropped and reported as a str */
static qv_val t_call_swallow(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	qv_val r = qv_call(c, a[0], 0, NULL);
	if (r)
		return r;
	if (!qv_exc_pending(c))
		return qv_raise(c, "AssertionError", "qv_call returned NULL with nothing pending");
	qv_exc_clear(c, false);
	return qv_str(c, "swallowed", 9);
}

/* Fills the heap with 1 MiB bytes objects until an allocation fails, then
 * lets the MemoryError propagate (the list of blocks is garbage then). */
static qv_val t_exhaust(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n; (void)a;
	static char block[1 << 20];
	qv_val l = qv_list(c);
	if (!l)
		return NULL;
	for (int i = 0; i < 100000; i++) {
		qv_val b = qv_bytes(c, block, sizeof block);
		if (!b || !qv_list_append(c, l, b))
			return NULL;
	}
	return qv_raise(c, "AssertionError", "heap never filled");
}

/* Values made by the port must survive a collection that runs while the
 * port function still holds them only in C locals. */
static qv_val t_gcsafe(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	char text[64];
	qv_val keep[16];
	for (int i = 0; i < 16; i++) {
		int k = snprintf(text, sizeof text, "value-%d-%s", i, "padding-padding-padding");
		keep[i] = qv_str(c, text, (size_t)k);
		if (!keep[i])
			return NULL;
	}
	/* a[0] is gc.collect; also churn garbage so freed blocks get reused */
	for (int r = 0; r < 3; r++) {
		if (!qv_call(c, a[0], 0, NULL))
			return NULL;
		for (int i = 0; i < 200; i++)
			if (!qv_bytes(c, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 48))
				return NULL;
	}
	return qv_tuple(c, 16, keep);
}

static qv_val t_keep(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	return qv_int(c, qv_root_add(c, a[0]));
}

static qv_val t_fire(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	int64_t slot;
	if (!qv_get_int(c, a[0], &slot))
		return NULL;
	qv_val f = qv_root_get(c, (int)slot);
	if (!f)
		return qv_raise(c, "KeyError", "no such root");
	return qv_call(c, f, 0, NULL);
}

static qv_val t_drop(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	int64_t slot;
	if (!qv_get_int(c, a[0], &slot))
		return NULL;
	qv_root_drop(c, (int)slot);
	return qv_none(c);
}

/* marshal round trip inside one context: value -> bytes -> value */
static qv_val t_marshal(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u;
	int64_t cap = 1 << 16;
	if (n > 1 && !qv_get_int(c, a[1], &cap))
		return NULL;
	static uint8_t buf[1 << 16];
	size_t len;
	if (qv_marshal_out(c, a[0], buf, (size_t)cap, &len) != QV_OK)
		return NULL;
	return qv_marshal_in(c, buf, len);
}

static qv_val t_unmarshal(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	const void *p;
	size_t len;
	if (!qv_get_buffer(c, a[0], &p, &len))
		return NULL;
	return qv_marshal_in(c, p, len);
}

static qv_val t_dumps(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n;
	static uint8_t buf[1 << 16];
	size_t len;
	if (qv_marshal_out(c, a[0], buf, sizeof buf, &len) != QV_OK)
		return NULL;
	return qv_bytes(c, buf, len);
}

/* nested constructor calls on a heap that runs out: the NULL travels up */
static qv_val t_nested(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n; (void)a;
	static char block[1 << 16];
	qv_val d = qv_dict(c);
	char key[32];
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		qv_val pair[2] = {qv_int(c, i), qv_bytes(c, block, sizeof block)};
		if (!qv_dict_set(c, d, key, qv_tuple(c, 2, pair)))
			return NULL;
	}
	return qv_raise(c, "AssertionError", "heap never filled");
}

/* a NULL with nothing pending is the port's bug: SystemError, no crash */
static qv_val t_nullarg(qv_ctx *c, void *u, size_t n, qv_val *a)
{
	(void)u; (void)n; (void)a;
	if (qv_list_append(c, qv_list(c), NULL))
		return qv_raise(c, "AssertionError", "NULL item accepted");
	return NULL;
}

static const qv_ext_func test_funcs[] = {
	{"nested", t_nested, 0, 0}, {"nullarg", t_nullarg, 0, 0},
	{"echo", t_echo, 1, 1}, {"make", t_make, 0, 0}, {"add", t_add, 1, 2}, {"fmul", t_fmul, 2, 2},
	{"strinfo", t_strinfo, 1, 1}, {"badstr", t_badstr, 0, 0}, {"bufsum", t_bufsum, 1, 1},
	{"truth", t_truth, 1, 1}, {"raise_", t_raise, 1, 2}, {"errno", t_errno, 1, 1},
	{"null", t_null, 0, 0}, {"call", t_call, 1, 8}, {"call_swallow", t_call_swallow, 1, 1},
	{"exhaust", t_exhaust, 0, 0}, {"gcsafe", t_gcsafe, 1, 1}, {"keep", t_keep, 1, 1},
	{"fire", t_fire, 1, 1}, {"drop", t_drop, 1, 1}, {"marshal", t_marshal, 1, 2},
	{"unmarshal", t_unmarshal, 1, 1}, {"dumps", t_dumps, 1, 1},
};
static const qv_ext_const test_consts[] = {{"ANSWER", 42}, {"BIG", -((int64_t)1 << 62) - 5}};
static const qv_ext_module test_module = {
	"_hosttest", test_funcs, sizeof test_funcs / sizeof *test_funcs, test_consts, 2,
};
static const qv_ext_func other_funcs[] = {{"ping", t_echo, 1, 1}};
static const qv_ext_module other_module = {"_hostother", other_funcs, 1, NULL, 0};
static const qv_ext_module *const port_modules[] = {&other_module};

static host_state hs;

/* open descriptors of this process, to see the port's handles go */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static qv_ctx *new_ctx(void)
{
	hs.port.modules = port_modules;
	hs.port.n_modules = 1;
	qv_ctx *c = host_new_ctx(&hs);
	if (!c || !qv_add_module(c, &test_module)) {
		fprintf(stderr, "context setup failed\n");
		exit(3);
	}
	return c;
}

struct later { qv_ctx *c; int ms; bool stop; };

static void *poke(void *p)
{
	struct later *l = p;
	struct timespec ts = {l->ms / 1000, (long)(l->ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	if (l->stop)
		qv_request_stop(l->c);
	else
		qv_interrupt(l->c);
	return NULL;
}

/* Runs src while another thread interrupts or stops the context. */
static int from_thread(const char *src, bool stop)
{
	qv_ctx *c = new_ctx();
	struct later l = {c, 300, stop};
	pthread_t t;
	pthread_create(&t, NULL, poke, &l);
	int st = qv_exec(c, src, strlen(src), "<thread>", QV_MODE_FILE);
	pthread_join(t, NULL);
	printf("status %d exit %d\n", st, qv_exit_code(c));
	return 0;
}

int main(int argc, char **argv)
{
	host_init(&hs);
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	if ((!strcmp(mode, "run") || !strcmp(mode, "run-nofs")) && argc >= 3) {
		if (!strcmp(mode, "run-nofs"))
			hs.port.fs = NULL; /* a port without files */
		qv_ctx *c = new_ctx();
		size_t len;
		char *src = host_read_file(argv[2], &len);
		if (!src)
			return 2;
		host_add_script_dir(&hs, c, argv[2]);
		int st = qv_exec(c, src, len, argv[2], QV_MODE_FILE);
		host_flush(&hs);
		printf("status %d\n", st);
		return 0;
	}
	if (!strcmp(mode, "interrupt") || !strcmp(mode, "stop")) {
		const char *src = argc > 2 ? argv[2] :
			"import time\ni = 0\ntry:\n    while True:\n        i += 1\nfinally:\n    print('finally ran', i > 0)\n";
		return from_thread(src, !strcmp(mode, "stop"));
	}
	if (!strcmp(mode, "module") && argc >= 4) {
		/* module DIR NAME [FUNC...]: run DIR/NAME.py as __main__, then call globals */
		qv_ctx *c = new_ctx();
		char script[1024];
		snprintf(script, sizeof script, "%s/x.py", argv[2]);
		host_add_script_dir(&hs, c, script);
		printf("run %d\n", qv_run_module(c, argv[3]));
		for (int i = 4; i < argc; i++) {
			host_flush(&hs);
			printf("call %s %d\n", argv[i], qv_call_global(c, argv[i]));
		}
		return 0;
	}
	if (!strcmp(mode, "callback")) {
		/* a callback rooted during a run, fired from C after the run */
		qv_ctx *c = new_ctx();
		const char *src = "import _hosttest\nn = [0]\ndef cb():\n    n[0] += 1\n    print('cb', n[0])\n"
				  "    if n[0] == 2:\n        raise ValueError('second')\n    return n[0] * 10\n"
				  "slot = _hosttest.keep(cb)\ndel cb\nimport gc\ngc.collect()\n";
		if (qv_exec(c, src, strlen(src), "<cb>", QV_MODE_FILE) != QV_OK)
			return 1;
		qv_val slotv = qv_get_global(c, "slot");
		int64_t slot = -1;
		if (!slotv || !qv_get_int(c, slotv, &slot))
			return 1;
		/* make garbage and collect outside any run: the root keeps cb */
		const char *churn = "import gc\nx = [str(i) for i in range(20000)]\nx = None\ngc.collect()\n";
		qv_exec(c, churn, strlen(churn), "<churn>", QV_MODE_FILE);
		for (int i = 0; i < 3; i++) {
			qv_val r = qv_call(c, qv_root_get(c, (int)slot), 0, NULL);
			int64_t v = -1;
			if (r)
				qv_get_int(c, r, &v);
			host_flush(&hs);
			printf("fire %d -> %lld pending=%d\n", i, (long long)v, qv_exc_pending(c));
			fflush(stdout);
			qv_exc_clear(c, true);
		}
		qv_root_drop(c, (int)slot);
		printf("after drop %s\n", qv_root_get(c, (int)slot) ? "set" : "null");
		/* all slots can be taken, and one more fails */
		int got = 0;
		while (qv_root_add(c, qv_none(c)) >= 0)
			got++;
		printf("roots %d\n", got);
		return 0;
	}
	if (!strcmp(mode, "closefiles") && argc >= 3) {
		/* files left open by the program are closed for the port */
		qv_ctx *c = new_ctx();
		char src[2048];
		snprintf(src, sizeof src,
			 "import os\nos.chdir(%s)\nkept = [open('a', 'w'), open('b', 'w'), open('c', 'w')]\n"
			 "kept[1].close()\nwith open('d', 'w') as f:\n    f.write('x')\n"
			 "kept[0].write('left open')\nopen('e', 'w')\n", argv[2]);
		if (qv_exec(c, src, strlen(src), "<files>", QV_MODE_FILE) != QV_OK)
			return 1;
		int before = count_fds();
		printf("closed %d\n", qv_close_files(c));
		printf("descriptors released %d\n", before - count_fds());
		printf("again %d\n", qv_close_files(c));
		const char *show = "print([f.closed for f in kept])\nprint(open('a').read())\n";
		qv_exec(c, show, strlen(show), "<show>", QV_MODE_FILE);
		host_flush(&hs);
		printf("then %d\n", qv_close_files(c));
		return 0;
	}
	if (!strcmp(mode, "handover")) {
		/* state from one interpreter to a fresh one (hot swap) */
		qv_ctx *c = new_ctx();
		const char *src = "state = {'count': 3, 'names': ['a', 'b\\u00e9'], 'big': 2**100, "
				  "'t': (1.25, None, True, b'\\x00'), 'ba': bytearray(b'xy')}\n";
		if (qv_exec(c, src, strlen(src), "<old>", QV_MODE_FILE) != QV_OK)
			return 1;
		static uint8_t buf[4096];
		size_t len;
		if (qv_marshal_out(c, qv_get_global(c, "state"), buf, sizeof buf, &len) != QV_OK)
			return 1;
		size_t small;
		int st = qv_marshal_out(c, qv_get_global(c, "state"), buf, 8, &small);
		printf("small buffer %d need %zu len %zu\n", st, small, len);
		qv_exc_clear(c, false);
		host_free_ctx(&hs);
		qv_ctx *d = new_ctx();
		qv_val v = qv_marshal_in(d, buf, len);
		if (!v || !qv_set_global(d, "state", v))
			return 1;
		const char *show = "print(sorted(state.items()))\n";
		qv_exec(d, show, strlen(show), "<new>", QV_MODE_FILE);
		host_flush(&hs);
		return 0;
	}
	return 2;
}
