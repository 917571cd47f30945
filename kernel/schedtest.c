/* The scheduling workload of the test boot (kernel-test.elf only): three
 * CPU hogs on VCPUs of 2 ms/10 ms, 4 ms/20 ms and 10 ms/80 ms, and a
 * periodic thread on the highest-priority VCPU (1 ms/10 ms: the same
 * period as the fastest hog, ahead of it by its lower VCPU id). Phase 1 (two
 * seconds) measures each VCPU's foreground share against C/T; then the
 * 10 ms/80 ms VCPU loses budget (4 ms/80 ms) and phase 2 (two seconds)
 * measures that no window of 80 ms gives it more than 4 ms. The periodic
 * thread is the sampler: it runs every 10 ms, records its release jitter and
 * snapshots the counters.
 *
 * Twice the periods of the textbook 1/5, 2/10, 5/40 example: under Bochs a
 * millisecond is 4000 emulated instructions and one scheduling decision
 * about 700 of them, so a 1 ms budget would be mostly scheduler. Results are printed in this sandbox's console slots as
 * `sched ...` lines (tests/system/test_sched.py parses them).
 *
 * Armed like a test attack: test_attacks[boot_count] == QV_TEST_SCHED. */
#include "kernel.h"
#include "thread.h"

#define MS ((u64)1000000)
#define US ((u64)1000)
#define N_HOGS 3u
#define WARMUP_NS (50 * MS)
#define PHASE_NS (2000 * MS)
#define RT_C (1 * MS)
#define RT_T (10 * MS)
#define CUT_C (4 * MS)
#define WINDOW_SAMPLES 64u
#define LINES 12u /* room to spare */
#define LINE_LEN 240u
#define LINES_PER_SLOT 1u
#define FP_CHECK_EVERY 64u
#define REPORT_OFFSET_NS (12 * MS) /* after the heartbeat and exit lines */

struct hog {
	u64 budget, period;
	struct qvs_vcpu *v;
	volatile u64 ran_fg, ran_bg; /* TSC ticks the hog saw itself run */
	u64 fp_checks, fp_bad;       /* its SSE registers and MXCSR checked */
};

struct snap {
	u64 t;
	struct qvs_stats st[N_HOGS];
	u64 ran_fg[N_HOGS], ran_bg[N_HOGS];
};

struct sample {
	u64 t, fg, overrun, ran_fg;
};

static struct hog hogs[N_HOGS] = {
	{ .budget = 2 * MS, .period = 10 * MS },
	{ .budget = 4 * MS, .period = 20 * MS },
	{ .budget = 10 * MS, .period = 80 * MS },
};
static struct qvs_vcpu *rt_vcpu;
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
			 "ran_fg_ns=%lu ran_bg_ns=%lu repl=%lu overruns=%lu overrun_ns=%lu",
			 hogs[i].v->id, hogs[i].budget, hogs[i].period, b->t - a->t,
			 y->fg_ns - x->fg_ns, y->bg_ns - x->bg_ns,
			 clock_tsc_to_ns(b->ran_fg[i] - a->ran_fg[i]),
			 clock_tsc_to_ns(b->ran_bg[i] - a->ran_bg[i]),
			 y->replenishments - x->replenishments, y->overruns - x->overruns,
			 y->overrun_ns - x->overrun_ns);
	}
}

/* Phase 2: the largest foreground time (scheduler's account, the same less
 * the overruns counted in the window, and the hog's own clock) in any window
 * of at most T between two samples taken after the cut. Samples are taken
 * while the hog is preempted, so every chunk lies wholly inside or outside.
 * The counters only grow, so for each new sample the oldest one still
 * within T gives that sample's largest window. */
struct window {
	struct sample s[WINDOW_SAMPLES];
	u32 head, n;
	u64 max_fg, max_within, max_ran, windows;
};

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

static void report_rest(const struct snap *a, const struct snap *b, const struct window *w,
			u64 jobs, u64 jitter_max, u64 jitter_sum)
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
		 "jitter_max_ns=%lu jitter_avg_ns=%lu",
		 rt_vcpu->id, RT_C, RT_T, jobs, kthread_self()->qt.deadline_misses,
		 rt_vcpu->stats.deadline_misses, jitter_max, jobs ? jitter_sum / jobs : 0);
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
	add_line("sched done lines=%u", n_lines + 1);
}

static struct snap p1_start, p1_end, p2_start, p2_end;
static struct window win;

/* The periodic thread: a short job every RT_T that also drives the phases. */
static void periodic_thread(void *arg)
{
	(void)arg;
	u64 t0 = clock_ns() + WARMUP_NS;
	u64 jobs = 0, jitter_max = 0, jitter_sum = 0;
	int phase = 0;
	u64 cut_at = 0;

	for (;;) {
		kthread_wait_period();
		u64 now = clock_ns();
		u64 jitter = now - kthread_self()->qt.release;
		if (phase > 0) {
			jobs++;
			jitter_sum += jitter;
			if (jitter > jitter_max)
				jitter_max = jitter;
		}
		if (phase == 0 && now >= t0) {
			take(&p1_start, now);
			phase = 1;
		} else if (phase == 1 && now >= p1_start.t + PHASE_NS) {
			take(&p1_end, now);
			kvcpu_set(hogs[N_HOGS - 1].v, CUT_C, hogs[N_HOGS - 1].period);
			cut_at = clock_ns();
			take(&p2_start, cut_at);
			const struct hog *h = &hogs[N_HOGS - 1];
			window_add(&win, h->period, (struct sample){ cut_at, h->v->stats.fg_ns,
								    h->v->stats.overrun_ns, h->ran_fg });
			phase = 2;
		} else if (phase == 2) {
			const struct hog *h = &hogs[N_HOGS - 1];
			struct sample x = { now, h->v->stats.fg_ns, h->v->stats.overrun_ns, h->ran_fg };
			window_add(&win, h->period, x);
			if (now >= cut_at + PHASE_NS) {
				take(&p2_end, now);
				hogs_stop = true;
				report_phase1(&p1_start, &p1_end);
				report_rest(&p2_start, &p2_end, &win, jobs, jitter_max, jitter_sum);
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

void schedtest_setup(void)
{
	if (!armed())
		return;
	gap_ticks = clock_ns_to_tsc(20 * US);
	kprintf("sched workload: hogs 2ms/10ms 4ms/20ms 10ms/80ms, periodic 1ms/10ms, "
		"cut to 4ms/80ms after 2 s");
	rt_vcpu = kvcpu_add(RT_C, RT_T);
	for (u32 i = 0; i < N_HOGS; i++)
		hogs[i].v = kvcpu_add(hogs[i].budget, hogs[i].period);
	struct qvs_vcpu *hb = ksched()->vcpus; /* the heartbeat's VCPU: lowest id */
	if (!rt_vcpu || !hogs[0].v || !hogs[1].v || !hogs[2].v || !hb)
		return;
	kthread_spawn(rt_vcpu, "periodic", periodic_thread, NULL);
	for (u32 i = 0; i < N_HOGS; i++)
		kthread_spawn(hogs[i].v, "hog", hog_thread, &hogs[i]);
	kthread_spawn(hb, "reporter", reporter_thread, NULL);
}
