/* libqpy.so: the runtime in-process for host tests (driven via ctypes).
 * Each handle is one interpreter with its own heap and captured output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"

void *qpy_new(size_t heap_size);
int qpy_run(void *h, const char *src);
const char *qpy_output(void *h);
void qpy_clear_output(void *h);
void qpy_free(void *h);
size_t qpy_heap_used(void *h);
uint64_t qpy_gc_max_pause_us(void *h);

void *qpy_new(size_t heap_size)
{
	host_state *hs = calloc(1, sizeof *hs);
	if (!hs)
		return NULL;
	host_init(hs);
	hs->heap_size = heap_size;
	hs->capture = true;
	if (!host_new_ctx(hs)) {
		free(hs);
		return NULL;
	}
	qv_set_stack_limit(hs->ctx, 0);
	return hs;
}

/* Returns QV_OK, QV_EXC (traceback in the output) or QV_EXIT. */
int qpy_run(void *h, const char *src)
{
	host_state *hs = h;
	return qv_exec(hs->ctx, src, strlen(src), "<test>", QV_MODE_FILE);
}

const char *qpy_output(void *h)
{
	host_state *hs = h;
	return hs->cap ? hs->cap : "";
}

void qpy_clear_output(void *h)
{
	host_state *hs = h;
	hs->capn = 0;
	if (hs->cap)
		hs->cap[0] = 0;
}

size_t qpy_heap_used(void *h)
{
	qv_heap_stats st;
	qv_heap_info(((host_state *)h)->ctx, &st);
	return st.used;
}

uint64_t qpy_gc_max_pause_us(void *h)
{
	qv_heap_stats st;
	qv_heap_info(((host_state *)h)->ctx, &st);
	return st.max_pause_us;
}

void qpy_free(void *h)
{
	host_state *hs = h;
	host_free_ctx(hs);
	free(hs->cap);
	free(hs);
}
