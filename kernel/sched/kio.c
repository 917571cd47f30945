/* I/O VCPUs for kernel threads (docs/scheduling.md, "I/O VCPUs"): Quest's
 * priority-inheritance bandwidth-preserving servers. An I/O VCPU is bound to
 * the Main VCPU whose requests it mostly serves; a request (kio_wake) names
 * the Main VCPU that caused it, whose period and priority the I/O VCPU takes
 * for the activation (C = T_main * U, T = T_main). The accounting is the
 * core's: per I/O VCPU, foreground and background time, activations,
 * overruns. Kernel-side: linked into the kernel only (mk/sched.mk). */
#include "kernel.h"
#include "thread.h"
#include "sched/kside.h"
#include "irq.h"

/* Above the ids thread.c gives Main VCPUs (their slot numbers). Priority
 * never depends on an I/O VCPU's own id while it inherits. */
#define KIO_ID_BASE KVCPU_MAX

struct kio {
	struct qvs_vcpu v;
	struct qvs_vcpu *bound;
	bool used;
};

static struct kio ios[KIO_MAX];

static struct kio *kio_of(const struct qvs_vcpu *v)
{
	for (u32 i = 0; i < KIO_MAX; i++)
		if (ios[i].used && &ios[i].v == v)
			return &ios[i];
	return NULL;
}

struct qvs_vcpu *kvcpu_add_io(struct qvs_vcpu *main, u32 util_ppm)
{
	struct qvs_admit_error err;
	char why[128];
	u32 i = 0;

	if (!main || main->kind != QVS_MAIN) {
		kprintf("I/O VCPU refused: it must be bound to a Main VCPU");
		return NULL;
	}
	u64 f = irq_off();
	while (i < KIO_MAX && ios[i].used)
		i++;
	if (i == KIO_MAX) {
		irq_restore(f);
		kprintf("I/O VCPU refused: this kernel has room for %u", KIO_MAX);
		return NULL;
	}
	enum qvs_status st = qvs_vcpu_add_io(ksched(), &ios[i].v, KIO_ID_BASE + i, util_ppm,
					     clock_ns(), &err);
	if (st == QVS_OK) {
		ios[i].used = true;
		ios[i].bound = main;
	}
	irq_restore(f);
	if (st == QVS_OK)
		return &ios[i].v;
	if (st == QVS_E_ADMISSION)
		qvs_admit_format(&err, why, sizeof(why));
	else
		fmt_buf(why, sizeof(why), "I/O VCPU U=%u ppm refused: bad parameters", util_ppm);
	kprintf("%s", why);
	return NULL;
}

struct qvs_vcpu *kvcpu_io_bound(const struct qvs_vcpu *io)
{
	const struct kio *k = kio_of(io);

	return k ? k->bound : NULL;
}

void kio_wake(struct kthread *t, struct qvs_vcpu *owner)
{
	u64 f = irq_off();
	const struct kio *k = kio_of(t->qt.vcpu);

	if (k) {
		qvs_io_inherit(ksched(), t->qt.vcpu, owner ? owner : k->bound, clock_ns());
		/* Wakes it (or remembers the wake if it is not blocked yet) and
		 * decides at once: the I/O VCPU now ranks just above `owner`. */
		kthread_wake(t);
	}
	irq_restore(f);
}
