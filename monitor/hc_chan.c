/* Channels created at run time (QV_HC_CHAN_CREATE) and doorbells
 * (QV_HC_DOORBELL); the protocol is in docs/channels.md.
 *
 * Agreement. A channel exists only once both ends asked for it with the
 * same name and geometry and opposite roles. The first request is kept as
 * PENDING (the caller gets QV_HC_EBUSY and asks again); the second makes
 * the channel LIVE: its pages come from the run-time pool (zeroed), and
 * each end's own monitor maps that end's side into that end's EPT on that
 * end's core, when that end calls (the second caller at once, the first at
 * its next call). No monitor ever edits another sandbox's EPT or channel
 * list. The table below is the only state the monitors share, under
 * rt_lock; every hypercall takes it once, briefly.
 *
 * Names are one namespace with the manifest's channels. A pending request
 * binds only its caller: a third sandbox asking for a name first cannot
 * squat it (its request never matches the real pair's), and once the pair
 * agreed, its next call is refused with EPERM.
 *
 * Restarts. A run-time channel outlives a restart of either end, like a
 * declared one: its memory is not the sandbox's, the mappings stay in the
 * EPT, and the restarted sandbox finds it in its channel list again (the
 * ring re-attaches and resumes). Its pending requests are dropped. */
#include "mon.h"
#include "chan.h"
#include "manifest.h"
#include "ept.h"
#include "questv/hypercall.h"
#include "questv/chaninfo.h"
#include "../kernel/chan/chan.h"

#define RT_PENDING_MAX   4u    /* requests one sandbox may have waiting */
#define RT_REFUSALS_SHOWN 8u   /* refusal lines per sandbox and boot */
#define RT_WINDOW_END    (4ull << 30) /* kernels identity-map the low 4 GiB */
#define RT_STASH         16u
#define CMD_JOIN         0u
#define CMD_WITHDRAW     1u

enum rt_state { RT_FREE, RT_PENDING, RT_LIVE };

struct rt_chan {
	u32 state;
	char name[QV_NAME_LEN];
	u32 end[2];           /* sandbox ids: [QV_CHAN_ROLE_PRODUCER], [..._CONSUMER] */
	u32 slot_size, slot_count;
	struct qv_chan_layout lay;
	u32 asker;            /* PENDING: the role of the sandbox that asked */
	u64 host;             /* LIVE: producer region; the consumer page follows */
	u64 gpa[2];           /* LIVE: where each end has it mapped, 0 until then */
};

struct rt_sandbox {
	u64 next_gpa;         /* next free page of its run-time window */
	u32 refusals;         /* all refusals, since boot of the machine */
	u32 refusals_shown_boot;
};

static struct spinlock rt_lock;
static struct rt_chan rt[QV_CHAN_RT_MAX];
static struct rt_sandbox rt_sb[QV_MAX_SANDBOXES];

/* The pool: pages handed out from the bottom; table pages reserved for a
 * mapping and not used go back on a small stack of clean pages. */
static struct {
	u64 base, next, end;
	u64 spare[RT_STASH];
	u32 n_spare;
} pool;

u64 chan_rt_pool_bytes(void)
{
	return (u64)QV_CHAN_RT_POOL_PAGES * PAGE_SIZE;
}

void chan_rt_pool_place(u64 base)
{
	pool.base = pool.next = base;
	pool.end = base + chan_rt_pool_bytes();
}

/* Zeroed pages from the pool, 0 if it has not n left. Under rt_lock. */
static u64 pool_take(u32 n)
{
	if (n == 1 && pool.n_spare)
		return pool.spare[--pool.n_spare];
	if ((pool.end - pool.next) / PAGE_SIZE < n)
		return 0;
	u64 p = pool.next;
	pool.next += (u64)n * PAGE_SIZE;
	memset((void *)(uintptr_t)p, 0, (u64)n * PAGE_SIZE);
	return p;
}

static void pool_give_back(u64 page)
{
	if (pool.n_spare < RT_STASH)
		pool.spare[pool.n_spare++] = page;
}

/* Table pages for one mapping, taken before it starts so that it cannot
 * fail half way through. */
struct stash {
	u64 page[RT_STASH];
	u32 n, used;
};

static u64 stash_page(void *ctx)
{
	struct stash *s = ctx;

	return s->used < s->n ? s->page[s->used++] : 0;
}

static bool is_live_end(const struct rt_chan *c, u32 id)
{
	return c->state == RT_LIVE && (c->end[0] == id || c->end[1] == id);
}

static u32 role_of(const struct rt_chan *c, u32 id)
{
	return c->end[QV_CHAN_ROLE_PRODUCER] == id ? QV_CHAN_ROLE_PRODUCER : QV_CHAN_ROLE_CONSUMER;
}

static void chan_rt_fill_entry(const struct sandbox *sb, u32 n, struct qv_chaninfo_entry *e);

/* Appends every run-time channel mapped into sb to its list; drops sb's
 * pending requests (its new life has made none). Called by chan_fill_info
 * at every (re)start, on sb's own core. */
void chan_rt_fill_info(const struct sandbox *sb, struct qv_chaninfo *ci)
{
	u32 id = sb->cfg.id;

	ci->rt_window_gpa = chan_rt_window_gpa(sb);
	spin_lock(&rt_lock);
	if (!rt_sb[id].next_gpa)
		rt_sb[id].next_gpa = ci->rt_window_gpa;
	rt_sb[id].refusals_shown_boot = 0;
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++) {
		struct rt_chan *c = &rt[n];
		if (c->state == RT_PENDING && c->end[c->asker] == id)
			c->state = RT_FREE;
		if (is_live_end(c, id) && c->gpa[role_of(c, id)] && ci->n_channels < QV_CHANINFO_MAX) {
			chan_rt_fill_entry(sb, n, &ci->ch[ci->n_channels++]);
			chan_list_append(sb, QV_CHANINFO_RT_INDEX + n);
		}
	}
	spin_unlock(&rt_lock);
}

static void chan_rt_fill_entry(const struct sandbox *sb, u32 n, struct qv_chaninfo_entry *e)
{
	const struct rt_chan *c = &rt[n];
	u32 role = role_of(c, sb->cfg.id);

	memcpy(e->name, c->name, QV_NAME_LEN);
	e->index = QV_CHANINFO_RT_INDEX + n;
	e->role = role;
	e->peer = c->end[role ^ 1];
	e->slot_size = c->slot_size;
	e->slot_count = c->slot_count;
	e->producer_pages = c->lay.producer_pages;
	e->prod_gpa = c->gpa[role];
	e->cons_gpa = c->gpa[role] + (u64)c->lay.producer_pages * PAGE_SIZE;
}

/* Test builds: the host pages of every live run-time channel, refreshed in
 * the caller's own list so that the outsider attack can aim at them. */
static void fill_test_hosts(const struct sandbox *sb)
{
	struct qv_chaninfo *ci = (void *)(uintptr_t)(sb->region.base + QV_CHANINFO_GPA);

	if (!(mon.manifest->flags & QV_MANIFEST_F_TEST_BUILD))
		return;
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++) {
		const struct rt_chan *c = &rt[n];
		bool live = c->state == RT_LIVE;
		ci->test_rt_host_prod[n] = live ? c->host : 0;
		ci->test_rt_host_cons[n] = live ? c->host + (u64)c->lay.producer_pages * PAGE_SIZE : 0;
	}
}

/* Maps sb's side of live channel n into sb's EPT at the next free place of
 * its run-time window and appends it to sb's channel list. Runs on sb's
 * core, under rt_lock. Returns the list position or an error. */
static s64 map_side(struct sandbox *sb, u32 n)
{
	struct rt_chan *c = &rt[n];
	struct qv_chaninfo *ci = (void *)(uintptr_t)(sb->region.base + QV_CHANINFO_GPA);
	u32 id = sb->cfg.id, role = role_of(c, id);
	u32 pages = c->lay.total_pages, prod = c->lay.producer_pages;
	u64 gpa = rt_sb[id].next_gpa;
	struct stash st = { .n = 0 };
	struct ept_alloc a = { stash_page, &st };

	/* The monitor keeps its own count: the page is the guest's, and a
	 * kernel that scribbled on n_channels must not steer this write. */
	u32 listed = chan_listed(sb);
	if (listed >= QV_CHANINFO_MAX)
		return QV_HC_ENOMEM;
	if (gpa + (u64)pages * PAGE_SIZE > RT_WINDOW_END)
		return QV_HC_ENOMEM;
	u32 need = 4 + pages / 512 + 2; /* tables a fresh range can need */
	if (need > RT_STASH)
		need = RT_STASH;
	for (; st.n < need; st.n++)
		if (!(st.page[st.n] = pool_take(1)))
			break;
	int bad = st.n < need;
	for (u32 p = 0; !bad && p < pages; p++) {
		bool writable = (p < prod) == (role == QV_CHAN_ROLE_PRODUCER);
		u64 flags = EPT_R | EPT_WB | (writable ? EPT_W : 0);
		bad = ept_map_page(sb->ept_root, gpa + (u64)p * PAGE_SIZE, c->host + (u64)p * PAGE_SIZE,
				   flags, &a);
	}
	for (u32 i = st.used; i < st.n; i++)
		pool_give_back(st.page[i]);
	if (bad)
		return QV_HC_ENOMEM; /* a partial mapping stays unlisted and unused */
	chan_hw_invept(sb);
	rt_sb[id].next_gpa = gpa + (u64)pages * PAGE_SIZE;
	c->gpa[role] = gpa;
	chan_rt_fill_entry(sb, n, &ci->ch[listed]);
	chan_list_append(sb, QV_CHANINFO_RT_INDEX + n);
	ci->n_channels = listed + 1;
	ci->generation++;
	return listed;
}

/* The list position of live channel n in sb's list, mapping sb's side
 * first if it is not yet. */
static s64 side_position(struct sandbox *sb, u32 n)
{
	const struct rt_chan *c = &rt[n];

	if (!c->gpa[role_of(c, sb->cfg.id)])
		return map_side(sb, n);
	s64 pos = chan_list_find(sb, QV_CHANINFO_RT_INDEX + n);
	return pos < 0 ? QV_HC_ENOMEM : pos;
}

static bool name_ok(const char *name)
{
	u32 len = 0;

	while (len < QV_NAME_LEN && name[len])
		len++;
	if (!len)
		return false;
	for (u32 i = 0; i < QV_NAME_LEN; i++)
		if (i < len ? name[i] <= ' ' || name[i] > '~' : name[i] != 0)
			return false;
	return true;
}

static bool same_name(const char *a, const char *b)
{
	return memcmp(a, b, QV_NAME_LEN) == 0;
}

static bool matches(const struct rt_chan *c, const struct qv_chan_request *q, u32 id)
{
	return c->slot_size == q->slot_size && c->slot_count == q->slot_count &&
	       c->end[q->role] == id && c->end[q->role ^ 1] == q->peer;
}

/* A refusal is said on the console (at most a few lines per boot, then
 * only counted) and returned. */
static s64 refuse(struct sandbox *sb, const struct qv_chan_request *q, s64 err, const char *why)
{
	struct rt_sandbox *s = &rt_sb[sb->cfg.id];
	char name[QV_NAME_LEN + 1] = { 0 };

	if (q)
		for (u32 i = 0; i < QV_NAME_LEN && q->name[i] >= ' ' && q->name[i] <= '~'; i++)
			name[i] = q->name[i];
	s->refusals++;
	if (s->refusals_shown_boot < RT_REFUSALS_SHOWN) {
		s->refusals_shown_boot++;
		mon_printf("sandbox %u: run-time channel '%s' refused (%ld): %s", sb->cfg.id, name,
			   err, why);
	}
	return err;
}

static void drop_pending_of(u32 id, const char *name)
{
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++)
		if (rt[n].state == RT_PENDING && rt[n].end[rt[n].asker] == id &&
		    same_name(rt[n].name, name))
			rt[n].state = RT_FREE;
}

static s64 agree(struct sandbox *sb, struct rt_chan *c)
{
	u64 host = pool_take(c->lay.total_pages);

	if (!host) {
		c->state = RT_FREE; /* the asker's next call starts over */
		return QV_HC_ENOMEM;
	}
	c->host = host;
	c->gpa[0] = c->gpa[1] = 0;
	c->state = RT_LIVE;
	char name[QV_NAME_LEN + 1] = { 0 };
	memcpy(name, c->name, QV_NAME_LEN);
	mon_printf("run-time channel %u '%s': sb%u -> sb%u, %u B x %u slots, %u+1 pages, "
		   "host 0x%lx-0x%lx", (u32)(c - rt), name, c->end[0], c->end[1], c->slot_size,
		   c->slot_count, c->lay.producer_pages, host,
		   (u64)(host + c->lay.total_pages * PAGE_SIZE));
	return side_position(sb, (u32)(c - rt));
}

static s64 create_locked(struct sandbox *sb, const struct qv_chan_request *q, u64 cmd)
{
	u32 id = sb->cfg.id;
	struct qv_chan_layout lay;

	if (cmd == CMD_WITHDRAW) {
		drop_pending_of(id, q->name);
		return 0;
	}
	if (!name_ok(q->name))
		return refuse(sb, q, QV_HC_EINVAL, "bad name");
	if (q->role > QV_CHAN_ROLE_CONSUMER || q->peer >= mon.n_sandboxes || q->peer == id)
		return refuse(sb, q, QV_HC_EINVAL, "peer must be another existing sandbox");
	if (qv_chan_layout(q->slot_size, q->slot_count, &lay) != QV_CHAN_OK)
		return refuse(sb, q, QV_HC_EINVAL, "slot size or slot count out of range");
	if (chan_declared(q->name))
		return refuse(sb, q, QV_HC_EPERM, "name of a declared channel");
	fill_test_hosts(sb);
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++) {
		struct rt_chan *c = &rt[n];
		if (c->state != RT_LIVE || !same_name(c->name, q->name))
			continue;
		drop_pending_of(id, q->name);
		if (!is_live_end(c, id))
			return refuse(sb, q, QV_HC_EPERM, "not an end of that channel");
		if (!matches(c, q, id))
			return refuse(sb, q, QV_HC_EINVAL, "does not match the channel");
		s64 pos = side_position(sb, n);
		fill_test_hosts(sb);
		return pos < 0 ? refuse(sb, q, pos, "no room to map it") : pos;
	}
	/* The peer's request for this pair, waiting for ours. */
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++) {
		struct rt_chan *c = &rt[n];
		if (c->state != RT_PENDING || !same_name(c->name, q->name) ||
		    c->end[c->asker] != q->peer || c->end[c->asker ^ 1] != id)
			continue;
		if (!matches(c, q, id))
			return refuse(sb, q, QV_HC_EINVAL, "does not match the peer's request");
		drop_pending_of(id, q->name);
		s64 pos = agree(sb, c);
		fill_test_hosts(sb);
		return pos < 0 ? refuse(sb, q, pos, "run-time channel pool exhausted") : pos;
	}
	/* Ours: a new one, or the same asked again (kept, or replaced). */
	u32 mine = 0, slot = QV_CHAN_RT_MAX;
	for (u32 n = 0; n < QV_CHAN_RT_MAX; n++) {
		struct rt_chan *c = &rt[n];
		if (c->state == RT_PENDING && c->end[c->asker] == id) {
			mine++;
			if (same_name(c->name, q->name)) {
				slot = n;
				mine = 0;
				break;
			}
		}
		if (c->state == RT_FREE && slot == QV_CHAN_RT_MAX)
			slot = n;
	}
	if (slot == QV_CHAN_RT_MAX || mine >= RT_PENDING_MAX)
		return refuse(sb, q, QV_HC_ENOMEM, "too many channels or requests");
	struct rt_chan *c = &rt[slot];
	memcpy(c->name, q->name, QV_NAME_LEN);
	c->end[q->role] = id;
	c->end[q->role ^ 1] = q->peer;
	c->asker = q->role;
	c->slot_size = q->slot_size;
	c->slot_count = q->slot_count;
	c->lay = lay;
	c->state = RT_PENDING;
	return QV_HC_EBUSY;
}

/* RBX: guest-physical address of a struct qv_chan_request; RCX: its size;
 * RDX: 0 to create or join, 1 to withdraw this sandbox's pending request
 * of that name (a kernel that gave up waiting). */
s64 hc_chan_create(struct sandbox *sb, struct guest_regs *r)
{
	struct qv_chan_request q;
	const void *src = guest_bytes(sb, r->rbx, sizeof(q));

	if (r->rcx != sizeof(q) || !src || r->rdx > CMD_WITHDRAW) {
		spin_lock(&rt_lock);
		s64 e = refuse(sb, NULL, QV_HC_EINVAL, "bad request address, size or command");
		spin_unlock(&rt_lock);
		return e;
	}
	/* One copy: the guest may change its memory meanwhile. */
	memcpy(&q, src, sizeof(q));
	spin_lock(&rt_lock);
	s64 ret = create_locked(sb, &q, r->rdx);
	spin_unlock(&rt_lock);
	return ret;
}

/* RBX: the channel's index as in the caller's channel list. The caller
 * must be its producer; the monitor sends QV_DOORBELL_VECTOR to the core of
 * its consumer, the one destination and the one vector it ever sends. A
 * producer that rings too often spends its own time in VM exits; the
 * consumer's cost per ring is one interrupt. */
s64 hc_doorbell(struct sandbox *sb, struct guest_regs *r)
{
	u64 index = r->rbx;
	u32 consumer;

	if (index < mon.manifest->n_channels) {
		const struct qv_manifest_channel *c = manifest_channel(mon.manifest, (u32)index);
		if (c->producer != sb->cfg.id)
			return QV_HC_EPERM;
		consumer = c->consumer;
	} else if (index >= QV_CHANINFO_RT_INDEX && index < QV_CHANINFO_RT_INDEX + QV_CHAN_RT_MAX) {
		spin_lock(&rt_lock);
		const struct rt_chan *c = &rt[index - QV_CHANINFO_RT_INDEX];
		bool live = c->state == RT_LIVE;
		bool mine = live && c->end[QV_CHAN_ROLE_PRODUCER] == sb->cfg.id &&
			    c->gpa[QV_CHAN_ROLE_PRODUCER];
		consumer = c->end[QV_CHAN_ROLE_CONSUMER];
		spin_unlock(&rt_lock);
		if (!live)
			return QV_HC_EINVAL;
		if (!mine)
			return QV_HC_EPERM;
	} else {
		return QV_HC_EINVAL;
	}
	const struct sandbox *peer = &mon.sandboxes[consumer];
	if (__atomic_load_n(&peer->stopped, __ATOMIC_RELAXED) || peer->core >= mon.n_cpus)
		return QV_HC_EBUSY;
	return chan_hw_doorbell(peer->core) ? 0 : QV_HC_ENOSYS;
}
