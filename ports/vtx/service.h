/* Services: one interpreter each, on a thread on its own Main VCPU
 * (docs/port.md, "Services"). The `_quest` module and the supervisor
 * (pylib/quest/supervisor.py) code against this interface. */
#ifndef QUESTV_VTX_SERVICE_H
#define QUESTV_VTX_SERVICE_H

#include "questv/types.h"
#include "sched/sched.h"

#define VTX_SVC_MAX 12

/* Negative returns of the calls below. */
enum {
	VTX_EADMIT = 1,  /* admission refused the VCPU (why[] says why) */
	VTX_ENOMEM,      /* no memory for the heap, the stack or the source */
	VTX_EFULL,       /* no free service slot or thread slot */
	VTX_EINVAL,      /* bad id, name or parameters */
	VTX_EEXIST,      /* a service of that name is running */
	VTX_ESTATE,      /* not in a state that allows this (not running, no swap prepared) */
	VTX_ETIMEDOUT,   /* it did not stop within the time given */
	VTX_ECODE,       /* the code failed: syntax error, exception at import (why[]) */
};

enum vtx_svc_state { VTX_SVC_FREE, VTX_SVC_STARTING, VTX_SVC_RUNNING,
		     VTX_SVC_EXITED, VTX_SVC_FAILED, VTX_SVC_STOPPED };

struct vtx_svc_spec {
	char name[32], module[64], alternate[64];
	u32 budget_us, period_us, heap_kib, restart, restart_limit, backoff_ms;
};

struct vtx_svc_info {
	struct vtx_svc_spec spec;
	enum vtx_svc_state state;
	int exit_status;        /* QV_OK/QV_EXC/QV_EXIT */
	u32 starts;
	u64 started_ns;
	char last_error[160];   /* last line of the traceback */
	const struct qvs_vcpu *vcpu;
	size_t heap_used, heap_peak, heap_total;
};

struct vtx_bundle_service;
/* The spec a bundle's service starts with (names cut to the spec's sizes),
 * for the boot's starts and for svc_declared() alike. */
void vtx_svc_spec_from(struct vtx_svc_spec *sp, const struct vtx_bundle_service *b);

int  vtx_svc_count(void);                 /* slots, including free ones */
bool vtx_svc_info(int id, struct vtx_svc_info *out);
int  vtx_svc_find(const char *name);      /* id or -1 */
/* Starts a service: new VCPU (admission may refuse: returns -VTX_EADMIT
 * and fills why[]), heap from kmem, fresh interpreter, runs module
 * `module` (imports it as __main__; then calls main() if the module
 * defines it). source != NULL: run that text instead of the module found
 * by name (hot swap, quest.spawn of code). Returns the service id. */
int  vtx_svc_start(const struct vtx_svc_spec *s, const char *source,
		   size_t len, char *why, size_t whycap);
/* Stops it at a safe point (qv_request_stop), waits up to timeout_ms,
 * frees heap, stack and VCPU. */
int  vtx_svc_stop(int id, u32 timeout_ms);
/* Hot swap in two steps (docs/port.md, "Hot swap"). */
int  vtx_svc_swap_prepare(int id, const char *source, size_t len, char *why, size_t whycap);
int  vtx_svc_swap_commit(int id, char *why, size_t whycap);
void vtx_svc_swap_abort(int id);
/* Exit events for the supervisor: name, status, error line; waits. */
bool vtx_svc_next_event(struct vtx_svc_info *out, u32 timeout_ms);
/* The service the calling thread runs, or -1 (the REPL, a kernel thread). */
int  vtx_svc_self(void);

#endif
