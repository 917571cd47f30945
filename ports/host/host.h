/* The hosted port: the qv_port on top of Linux, shared by qpy and
 * libqpy.so. */
#ifndef QV_HOST_H
#define QV_HOST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "qv.h"

#define HOST_MAX_DIRS 16

typedef struct host_state {
	size_t heap_size;
	void *mem;
	qv_ctx *ctx;
	qv_port port;
	char *dirs[HOST_MAX_DIRS];
	int ndirs;
	/* captured output for the in-process binding; NULL writes to stdio */
	char *cap;
	size_t capn, capcap;
	bool capture;
	char *modbuf[64];
	int nmod;
} host_state;

void host_init(host_state *hs);
qv_ctx *host_new_ctx(host_state *hs);
void host_free_ctx(host_state *hs);
void host_flush(host_state *hs);
bool host_parse_size(const char *s, size_t *out);
char *host_read_file(const char *path, size_t *len);
char *host_read_stream(FILE *f, size_t *len);
void host_set_argv(qv_ctx *c, const char *const *first, int nfirst, const char *const *rest, int nrest);
void host_add_script_dir(host_state *hs, qv_ctx *c, const char *script);
#endif
