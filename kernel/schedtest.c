/* The scheduling workload of the test boot (kernel-test.elf only): three
 * CPU hogs on VCPUs of 2 ms/10 ms, 4 ms/20 ms and 10 ms/80 ms, and a
 * periodic thread on the highest-priority VCPU (1 ms/10 ms: the same
 * period as the fastest hog, ahead of it by its lower VCPU id). Phase 1 (two
 * seconds) measures each VCPU's foreground share against C/T; then the
 * 10 ms/80 ms VCPU loses budget (4 ms/80 ms) and phase 2 (two seconds)
 * measures that no window of 80 ms gives it more than 4 ms. Phase 2 also
 * runs an I/O VCPU (U = 5 %) bound to the 2 ms/10 ms hog's VCPU: once per
 * 10 ms the hog hands a bottom half 0.8 ms of work, more than the
 * activation's C = 10 ms * U = 0.5 ms. The periodic thread is the
 * sampler: it runs every 10 ms, records its release jitter and snapshots
 * the counters.
 *
 * Twice the periods of the textbook 1/5, 2/10, 5/40 example: under Bochs a
 * millisecond is 4000 emulated instructions and one scheduling decision
 * about 700 of them, so a 1 ms budget would be mostly scheduler. Results are printed in this sandbox's console slots as
 * `sched ...` lines (tests/system/test_sched.py parses them).
 *
 * Armed like a test attack: test_attacks[boot_count] == QV_TEST_SCHED. */
#include "kernel.h"
#include "thread.h"
#include "sched/kside.h"
#include "irq.h"

#define MS ((u64)1000000)
#define US ((u64)1000)
#define N_HOGS 3u
#define WARMUP_NS (50 * MS)
#define PHASE_NS (2000 * MS)
#define RT_C (1 * MS)
#define RT_T (10 * MS)
#define CUT_C (4 * MS)
#define WINDOW_SAMPLES 64u
#define LINES 24u /* room to spare */
#define TRACE_LINES 3u /* per trace kept */
#define TRACE_KEEP 20u  /* decisions copied */
#define IO_U_PPM 50000u
#define IO_WORK_NS (800 * US)
#define LINE_LEN 240u
#define LINES_PER_SLOT 1u
#define FP_CHECK_EVERY 64u
#define REPORT_OFFSET_NS (12 * MS) /* after the heartbeat and exit lines */

struct sample {
	u64 t, fg, overrun, ran_fg;
};

/* The largest foreground time (scheduler's account, the same less the
 * overruns counted in the window, and the hog's own clock) in any window of
 * at most T between two samples. Samples are taken while the hog is
 * preempted, so every chunk lies wholly inside or outside. The counters
 * only grow, so for each new sample the oldest one still within T gives
 * that sample's largest window. */
struct window {
	struct sample s[WINDOW_SAMPLES];
	u32 head, n;
	u64 max_fg, max_within, max_ran, windows;
};

struct hog {
	u64 budget, period;
	struct qvs_vcpu *v;
	volatile u64 ran_fg, ran_bg; /* TSC ticks the hog saw itself run */
	u64 fp_checks, fp_bad;       /* its SSE registers and MXCSR checked */
	struct window win;           /* phase 1 */
};

/* The bottom half on the I/O VCPU: requests handed to it and done, and the
 * TSC ticks it saw itself run at foreground and background. */
struct io_work {
	struct qvs_vcpu *v;
	struct kthread *thread;
	volatile u64 requests, done;
	volatile bool open;          /* requests are made (phase 2) */
	u64 next_request;
	volatile u64 ran_fg, ran_bg;
	u64 checks, wake_busy;       /* the hog's checks at foreground; requests to a busy thread */
	struct qvs_stats start, end;
	u64 t_start, t_end;
};

struct snap {
	u64 t;
	struct qvs_stats st[N_HOGS];
	u64 ran_fg[N_HOGS], ran_bg[N_HOGS];
};

static struct hog hogs[N_HOGS] = {
	{ .budget = 2 * MS, .period = 10 * MS },
	{ .budget = 4 * MS, .period = 20 * MS },
	{ .budget = 10 * MS, .period = 80 * MS },
};
static struct qvs_vcpu *rt_vcpu;
static struct qvs_vcpu *hb_vcpu;  /* the heartbeat's: it prints */
static struct io_work io;
static volatile bool hogs_stop;
static u64 gap_ticks;   /* a longer gap between two reads of the TSC: preempted */

static char lines[LINES][LINE_LEN];
static u32 n_lines;
static volatile bool results_ready;

static bool armed(void)
{
	u32 b = kboot.boot_count;

	return (kboot.flags & QV_BI_F_TEST_BUILD) && b < QV_MAX_TEST_ATTACKS &&
	       (kboot.test_attacks[b] & 0xFF) == QV_TEST_SCHED;
}

/* Counts the time it runs, by its own clock: consecutive TSC reads closer
 * than gap_ticks are time this thread ran; anything longer was somebody
 * else (interrupt, scheduler, other VCPUs). */
/* Each hog keeps its own pattern in XMM0/7/15 and its own rounding mode in
 * MXCSR from its start on; any switch that failed to save and restore the
 * SSE state would show another hog's values here. The kernel is compiled
 * without SSE, so only these statements touch the registers. */
static void fp_load(u64 pattern, u32 mxcsr)
{
	__asm__ volatile("movq %0, %%xmm0; movq %0, %%xmm7; movq %0, %%xmm15; ldmxcsr %1"
			 : : "r"(pattern), "m"(mxcsr));
}

static bool fp_intact(u64 pattern, u32 mxcsr)
{
	u64 a, b, c;
	u32 m;

	__asm__ volatile("movq %%xmm0, %0; movq %%xmm7, %1; movq %%xmm15, %2; stmxcsr %3"
			 : "=r"(a), "=r"(b), "=r"(c), "=m"(m));
	return a == pattern && b == pattern && c == pattern && m == mxcsr;
}

static void hog_thread(void *arg)
{
	struct hog *h = arg;
	u32 idx = (u32)(h - hogs);
	u64 pattern = 0x5EED000000000000ull | (u64)idx << 32 | idx;
	u32 mxcsr = 0x1F80u | idx << 13; /* rounding control: nearest, down, up */
	u64 last = rdtsc();

	fp_load(pattern, mxcsr);
	for (u32 n = 1; !hogs_stop; n++) {
		/* Phase 2: the fastest hog causes I/O once per period of its own
		 * VCPU, done by the bottom half at the hog's priority (the I/O
		 * VCPU ranks just above it, below the periodic thread). */
		if (idx == 0 && io.open && n % FP_CHECK_EVERY == 0 && kthread_foreground()) {
			io.checks++;
			if (clock_ns() >= io.next_request) {
				io.next_request += h->period;
				io.requests++;
				io.wake_busy += io.thread->qt.state != QVS_BLOCKED;
				kio_wake(io.thread, h->v);
			}
		}
		if (n % FP_CHECK_EVERY == 0) {
			h->fp_checks++;
			h->fp_bad += !fp_intact(pattern, mxcsr);
		}
		u64 t = rdtsc(), d = t - last;
		if (d < gap_ticks) {
			if (kthread_foreground())
				h->ran_fg += d;
			else
				h->ran_bg += d;
		}
		last = t;
	}
}

static void take(struct snap *s, u64 now)
{
	s->t = now;
	for (u32 i = 0; i < N_HOGS; i++) {
		s->st[i] = hogs[i].v->stats;
		s->ran_fg[i] = hogs[i].ran_fg;
		s->ran_bg[i] = hogs[i].ran_bg;
	}
}

static void add_line(const char *f, ...) __attribute__((format(printf, 1, 2)));
static void add_line(const char *f, ...)
{
	va_list ap;

	if (n_lines == LINES)
		return;
	va_start(ap, f);
	fmt_vbuf(lines[n_lines++], LINE_LEN, f, ap);
	va_end(ap);
}

static void report_phase1(const struct snap *a, const struct snap *b)
{
	for (u32 i = 0; i < N_HOGS; i++) {
		const struct qvs_stats *x = &a->st[i], *y = &b->st[i];
		add_line("sched phase=1 vcpu=%u C_ns=%lu T_ns=%lu span_ns=%lu fg_ns=%lu bg_ns=%lu "
			 "ran_fg_ns=%lu ran_bg_ns=%lu repl=%lu overruns=%lu overrun_ns=%lu "
			 "win_fg_max_ns=%lu windows=%lu",
			 hogs[i].v->id, hogs[i].budget, hogs[i].period, b->t - a->t,
			 y->fg_ns - x->fg_ns, y->bg_ns - x->bg_ns,
			 clock_tsc_to_ns(b->ran_fg[i] - a->ran_fg[i]),
			 clock_tsc_to_ns(b->ran_bg[i] - a->ran_bg[i]),
			 y->replenishments - x->replenishments, y->overruns - x->overruns,
			 y->overrun_ns - x->overrun_ns, hogs[i].win.max_fg, hogs[i].win.windows);
	}
}

static void report_io(const struct snap *a, const struct snap *b)
{
	const struct qvs_stats *x = &io.start, *y = &io.end;

	if (!io.v) {
		add_line("sched io none");
		return;
	}
	add_line("sched io vcpu=%u U_ppm=%u owner=%u C_ns=%lu T_ns=%lu span_ns=%lu fg_ns=%lu "
		 "bg_ns=%lu activations=%lu overruns=%lu overrun_ns=%lu requests=%lu done=%lu "
		 "ran_fg_ns=%lu ran_bg_ns=%lu",
		 io.v->id, IO_U_PPM, hogs[0].v->id, hogs[0].period * IO_U_PPM / 1000000u,
		 hogs[0].period,
		 io.t_end - io.t_start, y->fg_ns - x->fg_ns, y->bg_ns - x->bg_ns,
		 y->activations - x->activations, y->overruns - x->overruns,
		 y->overrun_ns - x->overrun_ns, io.requests, io.done,
		 clock_tsc_to_ns(io.ran_fg), clock_tsc_to_ns(io.ran_bg));
	/* `sched diag`: why the I/O figures are what they are. The owner hog
	 * (hogs[0]) in phase 2: foreground and background time, its own run
	 * time at foreground (the rest is decisions charged to its chunks),
	 * overruns, replenishments (chunks and debt payments), its checks for
	 * a request at foreground (one each FP_CHECK_EVERY iterations: requests
	 * follow them) and requests that found the bottom half busy. Then
	 * budget interrupts that came after their event, by VCPU (lb2-4), the
	 * latest of them, and the latest budget decision's parts from its event
	 * (timer_latency.worst_*: interrupt entry, handler ready, path). */
	const struct qvs_stats *ox = &a->st[0], *oy = &b->st[0];
	const struct timer_latency *l = &timer_latency;
	add_line("sched diag ofg=%lu obg=%lu oran=%lu oover=%lu orepl=%lu checks=%lu busy=%lu "
		 "lb2=%lu lb3=%lu lb4=%lu lb_max=%lu lb_v=%u w_in=%ld w_rdy=%ld w_path=%lu w_v=%u",
		 oy->fg_ns - ox->fg_ns, oy->bg_ns - ox->bg_ns,
		 clock_tsc_to_ns(b->ran_fg[0] - a->ran_fg[0]), oy->overruns - ox->overruns,
		 oy->replenishments - ox->replenishments, io.checks, io.wake_busy,
		 l->budget_irq_late[2], l->budget_irq_late[3], l->budget_irq_late[4],
		 l->budget_irq_late_max_ns, l->budget_irq_late_vcpu, (long)l->worst_entry_ns,
		 (long)l->worst_ready_ns, l->worst_path_ns, l->worst_vcpu);
}

/* One line per lateness histogram: buckets lt5 .. lt1000 (microseconds),
 * then ge1000. */
static void report_late(const char *kind, const struct timer_late_hist *live)
{
	char buf[LINE_LEN];
	u64 count = 0;
	/* A copy taken with interrupts off: the timer goes on counting. */
	u64 f = irq_off();
	struct timer_late_hist copy = *live;
	irq_restore(f);
	const struct timer_late_hist *h = &copy;

	/* Counted from the buckets: an interrupt may come while this runs. */
	for (u32 b = 0; b < TIMER_LATE_BUCKETS; b++)
		count += h->n[b];
	size_t n = fmt_buf(buf, sizeof(buf), "sched late kind=%s n=%lu max_ns=%lu avg_ns=%lu",
			   kind, count, h->max_ns, h->count ? h->sum_ns / h->count : 0);
	for (u32 b = 0; b < TIMER_LATE_BUCKETS && n < sizeof(buf); b++) {
		if (b < TIMER_LATE_BUCKETS - 1)
			n += fmt_buf(buf + n, sizeof(buf) - n, " lt%u=%lu", timer_late_bounds_us[b],
				     h->n[b]);
		else
			n += fmt_buf(buf + n, sizeof(buf) - n, " ge%u=%lu",
				     timer_late_bounds_us[b - 1], h->n[b]);
	}
	add_line("%s", buf);
}

/* Phase 2 tracks the cut VCPU's windows (struct window) after the cut. */
static void window_add(struct window *w, u64 period, struct sample x)
{
	while (w->head < w->n && x.t - w->s[w->head % WINDOW_SAMPLES].t > period)
		w->head++;
	if (w->head < w->n) {
		const struct sample *o = &w->s[w->head % WINDOW_SAMPLES];
		w->windows++;
		u64 fg = x.fg - o->fg, over = x.overrun - o->overrun;
		if (fg > w->max_fg)
			w->max_fg = fg;
		if (fg - over > w->max_within)
			w->max_within = fg - over;
		if (x.ran_fg - o->ran_fg > w->max_ran)
			w->max_ran = x.ran_fg - o->ran_fg;
	}
	if (w->n - w->head == WINDOW_SAMPLES)
		w->head++;
	w->s[w->n++ % WINDOW_SAMPLES] = x;
}

/* The last SCHED_TRACE_LEN decisions (timer_arm runs once per decision),
 * each with the state of one watched Main VCPU: what ran instead of it
 * when it was released and did not run (the workload reports the trace of
 * the worst release it saw). Off while `watch` is NULL. */
#define SCHED_TRACE_LEN 48u
#define SCHED_TRACE_IDLE 0xFFFFu

struct sched_trace_rec {
	u64 now;          /* the decision's time */
	u64 avail;        /* the watched VCPU's budget available then */
	u64 head_at;      /* when its replenishment queue's head is due */
	u32 debt;         /* its overrun debt (ns) */
	u32 threshold;    /* slack + dispatch: budget a chunk needs to start */
	u16 cur;          /* VCPU chosen (SCHED_TRACE_IDLE: none) */
	u8 fg;            /* ... at foreground priority */
	u8 ready;         /* the watched VCPU had a thread ready */
	u8 rq_len;        /* entries in its queue */
	u8 mark;          /* sched_trace.mark then */
};

struct sched_trace {
	const struct qvs_vcpu *watch;
	volatile u8 mark; /* where the watched VCPU's thread is (its own code) */
	u64 n;            /* decisions recorded (the ring holds the last ones) */
	struct sched_trace_rec r[SCHED_TRACE_LEN];
};
static struct sched_trace sched_trace;

/* One decision into the trace ring (timer_arm, interrupts off). */
void schedtest_decision(const struct qvs_sched *s, u64 now_ns)
{
	const struct qvs_vcpu *w = sched_trace.watch;
	struct sched_trace_rec *r;

	if (!w)
		return;
	r = &sched_trace.r[sched_trace.n++ % SCHED_TRACE_LEN];
	r->now = now_ns;
	r->avail = qvs_vcpu_available(s, w, now_ns);
	r->head_at = w->rq_len ? w->rq[0].time : QVS_NEVER;
	r->debt = (u32)(w->debt < 0xFFFFFFFFu ? w->debt : 0xFFFFFFFFu);
	r->threshold = (u32)(s->slack + s->dispatch);
	r->cur = s->cur ? (u16)s->cur->id : SCHED_TRACE_IDLE;
	r->fg = s->cur_fg;
	r->ready = w->run_head != NULL;
	r->rq_len = (u8)w->rq_len;
	r->mark = sched_trace.mark;
}

/* The decisions around one release (sched_trace): the
 * worst quiet job's (its release to its start) and the first quiet job
 * that ended late (its release to its end). */
struct trace_copy {
	bool taken;
	u64 release, seen, jitter, n;
	struct sched_trace_rec r[SCHED_TRACE_LEN];
};
static struct trace_copy worst_quiet, first_late, hog_trace;

static void trace_take(struct trace_copy *c, u64 release, u64 seen)
{
	u64 f = irq_off();

	c->n = sched_trace.n;
	/* Only the last few: a copy costs emulated instructions (Bochs: 4 per
	 * microsecond) inside the job it is about. */
	for (u64 k = c->n > TRACE_KEEP ? c->n - TRACE_KEEP : 0; k < c->n; k++)
		c->r[k % SCHED_TRACE_LEN] = sched_trace.r[k % SCHED_TRACE_LEN];
	irq_restore(f);
	c->taken = true;
	c->release = release;
	c->seen = seen;
	c->jitter = seen - release;
}

/* Microseconds from `ref` to `t`, negative before it. */
static long us_from(u64 t, u64 ref)
{
	return t >= ref ? (long)((t - ref) / US) : -(long)((ref - t) / US);
}

/* `sched trace kind=K part=P` lines (at most `lines`): each decision from
 * the last one before the release on as d=DT:CUR:FB:AVAIL:THR:DEBT:HEAD:READY:MARK,
 * microseconds from the release (DT, HEAD: when the watched VCPU's next
 * budget is due), the VCPU chosen (65535 idle) and whether at foreground
 * (1) or background (0), the watched VCPU's available budget, what a chunk
 * needs to start, its debt, whether its thread was ready, and where the
 * thread was (MARK: 1 waiting for its release, 2 back from the wait, 3 in
 * its job). */
static void report_trace(const char *kind, const struct trace_copy *c, u32 lines)
{
	char buf[LINE_LEN];
	u64 first = c->n > TRACE_KEEP ? c->n - TRACE_KEEP : 0, i = first;
	u32 part = 0;

	if (!c->taken) {
		add_line("sched trace kind=%s part=0 none=1", kind);
		return;
	}
	/* From the last decision at or before the release. */
	for (u64 k = first; k < c->n; k++)
		if (c->r[k % SCHED_TRACE_LEN].now <= c->release)
			i = k;
	while (part < lines && i < c->n) {
		size_t n = fmt_buf(buf, sizeof(buf), "sched trace kind=%s part=%u", kind, part);
		if (part == 0)
			n += fmt_buf(buf + n, sizeof(buf) - n, " jitter_us=%lu decisions=%lu",
				     c->jitter / US, c->n - i);
		while (i < c->n && n + 48 < sizeof(buf)) {
			const struct sched_trace_rec *r = &c->r[i % SCHED_TRACE_LEN];
			long dt = us_from(r->now, c->release);
			long head = r->head_at == QVS_NEVER ? 999999 : us_from(r->head_at, c->release);
			n += fmt_buf(buf + n, sizeof(buf) - n, " d=%ld:%u:%u:%lu:%u:%u:%ld:%u:%u", dt,
				     r->cur, r->fg, r->avail / US, r->threshold / (u32)US,
				     r->debt / (u32)US, head, r->ready, r->mark);
			i++;
		}
		add_line("%s", buf);
		part++;
	}
}

struct jitter {
	u64 jobs, max, sum;           /* every job */
	u64 quiet_jobs, quiet_max, quiet_sum; /* jobs the heartbeat did not run before */
	u64 late, quiet_late;         /* jobs that ended after their deadline */
	u64 switch_late;              /* ... of them the phase switch */
	u64 misses0, vcpu_misses0;    /* deadline misses before the measurement */
};

static void report_rest(const struct snap *a, const struct snap *b, const struct window *w,
			const struct jitter *j)
{
	const struct hog *h = &hogs[N_HOGS - 1];
	const struct qvs_stats *x = &a->st[N_HOGS - 1], *y = &b->st[N_HOGS - 1];

	add_line("sched phase=2 vcpu=%u C_ns=%lu T_ns=%lu span_ns=%lu fg_ns=%lu bg_ns=%lu "
		 "win_fg_max_ns=%lu win_within_max_ns=%lu win_ran_max_ns=%lu windows=%lu "
		 "overruns=%lu overrun_ns=%lu",
		 h->v->id, CUT_C, h->period, b->t - a->t, y->fg_ns - x->fg_ns, y->bg_ns - x->bg_ns,
		 w->max_fg, w->max_within, clock_tsc_to_ns(w->max_ran), w->windows, y->overruns - x->overruns,
		 y->overrun_ns - x->overrun_ns);
	add_line("sched periodic vcpu=%u C_ns=%lu T_ns=%lu jobs=%lu misses=%lu vcpu_misses=%lu "
		 "jitter_max_ns=%lu jitter_avg_ns=%lu quiet_jobs=%lu quiet_jitter_max_ns=%lu "
		 "quiet_jitter_avg_ns=%lu late=%lu quiet_late=%lu switch_late=%lu",
		 rt_vcpu->id, RT_C, RT_T, j->jobs, kthread_self()->qt.deadline_misses - j->misses0,
		 rt_vcpu->stats.deadline_misses - j->vcpu_misses0, j->max, j->jobs ? j->sum / j->jobs : 0,
		 j->quiet_jobs, j->quiet_max, j->quiet_jobs ? j->quiet_sum / j->quiet_jobs : 0,
		 j->late, j->quiet_late, j->switch_late);
	const struct sched_costs *c = &sched_costs;
	add_line("sched costs tsc_khz=%lu lapic_khz=%lu decisions=%lu decision_avg_ticks=%lu "
		 "decision_max_ticks=%lu switches=%lu switch_avg_ticks=%lu switch_max_ticks=%lu",
		 kboot.tsc_khz, timer_stats.lapic_khz, c->decisions,
		 c->decisions ? c->decision_ticks / c->decisions : 0, c->decision_max, c->switches,
		 c->switches ? c->switch_ticks / c->switches : 0, c->switch_max);
	add_line("sched timer irqs=%lu quiet_irqs=%lu quiet_irq_avg_ticks=%lu late_max_ns=%lu "
		 "late_avg_ns=%lu late_over_100us=%lu u10=%lu u50=%lu early=%lu",
		 timer_stats.irqs, c->quiet_irqs, c->quiet_irqs ? c->quiet_irq_ticks / c->quiet_irqs : 0,
		 timer_stats.late_max_ns, timer_stats.irqs ? timer_stats.late_sum_ns / timer_stats.irqs : 0,
		 timer_stats.late_over_100us, timer_stats.late_under_10us, timer_stats.late_under_50us, timer_stats.early);
	u64 checks = 0, bad = 0;
	for (u32 i = 0; i < N_HOGS; i++) {
		checks += hogs[i].fp_checks;
		bad += hogs[i].fp_bad;
	}
	add_line("sched fpu checks=%lu mismatches=%lu", checks, bad);
	report_io(a, b);
	const struct timer_latency *l = &timer_latency;
	add_line("sched latency early_ns=%lu early_max_ns=%lu slack_ns=%lu slack_max_ns=%lu "
		 "dispatch_ns=%lu dispatch_max_ns=%lu past=%lu waits=%lu wait_avg_ns=%lu",
		 l->early_ns, l->early_max_ns, l->slack_ns, l->slack_max_ns, l->dispatch_ns,
		 l->dispatch_max_ns, l->budget_past, l->waits, l->waits ? l->wait_ns / l->waits : 0);
	report_late("entry", &timer_latency.entry);
	report_late("budget", &timer_latency.budget);
	report_late("all", &timer_latency.all);
	report_trace("quiet", &worst_quiet, TRACE_LINES);
	report_trace("late", &first_late, TRACE_LINES);
	report_trace("hog", &hog_trace, 5);
	add_line("sched done lines=%u", n_lines + 1);
}

static struct snap p1_start, p1_end, p2_start, p2_end;
static struct window win;

static struct sample sample_of(const struct hog *h, u64 now)
{
	return (struct sample){ now, h->v->stats.fg_ns, h->v->stats.overrun_ns, h->ran_fg };
}

/* The bottom half: IO_WORK_NS of its own run time per request, on the I/O
 * VCPU. Blocks with interrupts off after finding no request, so that a
 * request between the check and the block is not lost. */
static void bottom_half_thread(void *arg)
{
	(void)arg;
	u64 need = clock_ns_to_tsc(IO_WORK_NS);

	for (;;) {
		u64 f = irq_off();
		while (io.done == io.requests)
			kthread_block_until(QVS_NEVER);
		irq_restore(f);
		u64 got = 0, last = rdtsc();
		while (got < need) {
			u64 t = rdtsc(), d = t - last;
			if (d < gap_ticks) {
				got += d;
				if (kthread_foreground())
					io.ran_fg += d;
				else
					io.ran_bg += d;
			}
			last = t;
		}
		io.done++;
	}
}

/* Phase 2 adds the I/O VCPU: the cut freed the room admission needs. */
static void io_start(u64 now)
{
	io.v = kvcpu_add_io(hogs[0].v, IO_U_PPM);
	io.thread = io.v ? kthread_spawn(io.v, "bottom-half", bottom_half_thread, NULL) : NULL;
	if (!io.thread)
		io.v = NULL;
	else
		io.start = io.v->stats;
	io.t_start = now;
	io.next_request = now;
	io.open = io.v != NULL;
}

/* The periodic thread: a short job every RT_T that also drives the phases.
 * Its release jitter is split by whether the heartbeat's VCPU ran since the
 * previous job: the heartbeat prints, and a line the monitor writes for it
 * stalls the core for milliseconds (docs/kernel.md), which no scheduling
 * can preempt; the other jobs show what the scheduler itself costs. */
static void periodic_thread(void *arg)
{
	(void)arg;
	u64 t0 = clock_ns() + WARMUP_NS;
	struct jitter j = { 0 };
	int phase = 0;
	u64 cut_at = 0;
	u64 hb_seen = 0, hog_rel = 0;

	bool quiet = false, switched = false;

	for (;;) {
		/* The job ends here. Late is what the scheduler counts as a
		 * deadline miss when the job waits for its next period (checked
		 * at that instant, not at a clock read just before it). The job
		 * that switched phases (cut the budget, created the I/O VCPU and
		 * its thread) is counted apart: its set-up is not the periodic work. */
		u64 missed_before = kthread_self()->qt.deadline_misses;
		u64 prev_release = kthread_self()->qt.release;
		sched_trace.mark = 1;
		kthread_wait_period();
		sched_trace.mark = 2;
		if (phase > 0 && kthread_self()->qt.deadline_misses != missed_before) {
			j.late++;
			if (switched)
				j.switch_late++;
			else
				j.quiet_late += quiet;
			if (!switched && quiet && !first_late.taken)
				trace_take(&first_late, prev_release, clock_ns());
		}
		switched = false;
		u64 now = clock_ns();
		sched_trace.mark = 3;
		u64 jitter = now - kthread_self()->qt.release;
		u64 hb_ran = hb_vcpu->stats.fg_ns + hb_vcpu->stats.bg_ns;
		if (phase > 0) {
			j.jobs++;
			j.sum += jitter;
			if (jitter > j.max)
				j.max = jitter;
			quiet = hb_ran == hb_seen;
			if (quiet) {
				j.quiet_jobs++;
				j.quiet_sum += jitter;
				if (jitter > j.quiet_max) {
					j.quiet_max = jitter;
					trace_take(&worst_quiet, kthread_self()->qt.release, now);
				}
			}
		}
		hb_seen = hb_ran;
		if (phase == 0 && now >= t0) {
			/* Misses count from here: the warm-up's (thread start-up,
			 * the workload's first lines) are not the measurement. */
			j.misses0 = kthread_self()->qt.deadline_misses;
			j.vcpu_misses0 = rt_vcpu->stats.deadline_misses;
			take(&p1_start, now);
			for (u32 i = 0; i < N_HOGS; i++)
				window_add(&hogs[i].win, hogs[i].period, sample_of(&hogs[i], now));
			phase = 1;
		} else if (phase == 1 && now < p1_start.t + PHASE_NS) {
			for (u32 i = 0; i < N_HOGS; i++)
				window_add(&hogs[i].win, hogs[i].period, sample_of(&hogs[i], now));
		} else if (phase == 1) {
			take(&p1_end, now);
			for (u32 i = 0; i < N_HOGS; i++)
				window_add(&hogs[i].win, hogs[i].period, sample_of(&hogs[i], now));
			kvcpu_set(hogs[N_HOGS - 1].v, CUT_C, hogs[N_HOGS - 1].period);
			cut_at = clock_ns();
			take(&p2_start, cut_at);
			window_add(&win, hogs[N_HOGS - 1].period, sample_of(&hogs[N_HOGS - 1], cut_at));
			io_start(cut_at);
			phase = 2;
			switched = true;
		} else if (phase == 2) {
			window_add(&win, hogs[N_HOGS - 1].period, sample_of(&hogs[N_HOGS - 1], now));
			/* Halfway through phase 2 the trace watches the owner hog
			 * for one period (its chunks, budget and debt around the
			 * I/O requests), printed as `sched trace kind=hog`. */
			if (!hog_rel && now >= cut_at + PHASE_NS / 2) {
				sched_trace.watch = hogs[0].v;
				hog_rel = kthread_self()->qt.release;
			} else if (hog_rel && !hog_trace.taken && sched_trace.watch == hogs[0].v) {
				trace_take(&hog_trace, hog_rel, now);
				sched_trace.watch = rt_vcpu;
			}
			if (now >= cut_at + PHASE_NS) {
				take(&p2_end, now);
				if (io.v) {
					io.open = false;
					io.end = io.v->stats;
					io.t_end = now;
				}
				hogs_stop = true;
				report_phase1(&p1_start, &p1_end);
				report_rest(&p2_start, &p2_end, &win, &j);
				results_ready = true;
				return;
			}
		}
	}
}

/* Prints the results a few lines per console slot, then ends. */
static void reporter_thread(void *arg)
{
	(void)arg;
	u32 next = 0;

	while (next < n_lines || !results_ready) {
		kthread_sleep_until(console_slot_ns() + REPORT_OFFSET_NS);
		if (!results_ready)
			continue;
		for (u32 k = 0; k < LINES_PER_SLOT && next < n_lines; k++)
			kprintf("%s", lines[next++]);
	}
}

/* While the workload measures, the heartbeat leaves out its exit report:
 * the monitor writes that line to the UART synchronously, behind every other
 * core's lines, which stalls this core for milliseconds (7 cores: up to
 * ~20 ms) and would be counted as the scheduler's jitter. The first report
 * after the results covers the whole workload (test_sched.py reads it). */
bool schedtest_measuring(void)
{
	return hb_vcpu && !results_ready;
}

void schedtest_setup(void)
{
	if (!armed())
		return;
	gap_ticks = clock_ns_to_tsc(20 * US);
	kprintf("sched workload: hogs 2ms/10ms 4ms/20ms 10ms/80ms, periodic 1ms/10ms, "
		"cut to 4ms/80ms after 2 s, then an I/O VCPU U=5%% for the 2ms/10ms one");
	rt_vcpu = kvcpu_add(RT_C, RT_T);
	for (u32 i = 0; i < N_HOGS; i++)
		hogs[i].v = kvcpu_add(hogs[i].budget, hogs[i].period);
	struct qvs_vcpu *hb = ksched()->vcpus; /* the heartbeat's VCPU: lowest id */
	if (!rt_vcpu || !hogs[0].v || !hogs[1].v || !hogs[2].v || !hb)
		return;
	hb_vcpu = hb;
	sched_trace.watch = rt_vcpu;
	kthread_spawn(rt_vcpu, "periodic", periodic_thread, NULL);
	for (u32 i = 0; i < N_HOGS; i++)
		kthread_spawn(hogs[i].v, "hog", hog_thread, &hogs[i]);
	kthread_spawn(hb, "reporter", reporter_thread, NULL);
}
