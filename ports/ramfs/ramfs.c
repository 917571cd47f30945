/* The RAM filesystem (see ramfs.h for the layout and the wiring rules). */
#include "ramfs.h"

enum {
	E_NOENT = 2, E_BADF = 9, E_NOMEM = 12, E_ACCES = 13, E_BUSY = 16, E_EXIST = 17,
	E_NOTDIR = 20, E_ISDIR = 21, E_INVAL = 22, E_MFILE = 24, E_NOSPC = 28, E_RANGE = 34,
	E_NAMETOOLONG = 36, E_NOTEMPTY = 39,
};

enum { K_FREE = 0, K_FILE = 1, K_DIR = 2 };

#define ROOT 0u
#define NO_INODE 0xffffffffu
#define RAMFS_MAGIC 0x53465251u /* "QRFS" */

typedef struct rf_inode {
	uint8_t kind;
	uint8_t orphan;     /* removed while open: freed at the last close */
	uint16_t nopen;
	uint32_t parent;
	uint32_t off, cap, size; /* extent in the arena; cap == 0: none */
	uint64_t mtime;
	char name[RAMFS_NAME_MAX + 1];
} rf_inode;

typedef struct rf_handle {
	uint32_t ino;
	uint8_t used, flags;
	uint32_t pos;
} rf_handle;

struct ramfs {
	uint32_t magic;
	uint32_t ninodes;
	uint32_t cwd;
	rf_inode *inodes;
	uint8_t *arena;
	uint32_t arena_size;
	rf_handle handles[RAMFS_MAX_HANDLES];
	uint64_t (*now_us)(void *);
	void *clock_user;
	void (*lock)(void *);
	void (*unlock)(void *);
	void *lock_user;
};

/* ------------------------------------------------------------ helpers */
static void mem_copy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	if (dp < sp)
		for (size_t i = 0; i < n; i++)
			dp[i] = sp[i];
	else
		for (size_t i = n; i > 0; i--)
			dp[i - 1] = sp[i - 1];
}

static void mem_zero(void *d, size_t n)
{
	uint8_t *dp = d;
	for (size_t i = 0; i < n; i++)
		dp[i] = 0;
}

static void reverse(uint8_t *a, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint8_t t = a[i];
		a[i] = a[j - 1];
		a[j - 1] = t;
	}
}

static size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static bool name_is(const rf_inode *in, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in->name[i] != s[i])
			return false;
	return in->name[n] == 0;
}

static uint64_t now(struct ramfs *fs)
{
	return fs->now_us ? fs->now_us(fs->clock_user) : 0;
}

/* ------------------------------------------------------------ init */
struct ramfs *ramfs_init(void *mem, size_t size)
{
	uintptr_t p = (uintptr_t)mem, end = p + size;
	if (!mem || end < p)
		return NULL;
	p = (p + 15) & ~(uintptr_t)15;
	if (p + sizeof(struct ramfs) > end)
		return NULL;
	struct ramfs *fs = (struct ramfs *)p;
	p += (sizeof(struct ramfs) + 15) & ~(size_t)15;
	size_t n = size / 2048;
	if (n < 8)
		n = 8;
	if (n > 4096)
		n = 4096;
	if (p + n * sizeof(rf_inode) + 1024 > end)
		return NULL;
	mem_zero(fs, sizeof *fs);
	fs->inodes = (rf_inode *)p;
	fs->ninodes = (uint32_t)n;
	mem_zero(fs->inodes, n * sizeof(rf_inode));
	p += n * sizeof(rf_inode);
	size_t arena = end - p;
	if (arena > 0xffff0000u)
		arena = 0xffff0000u;
	fs->arena = (uint8_t *)p;
	fs->arena_size = (uint32_t)arena;
	fs->inodes[ROOT].kind = K_DIR;
	fs->inodes[ROOT].parent = ROOT;
	fs->cwd = ROOT;
	fs->magic = RAMFS_MAGIC;
	return fs;
}

void ramfs_set_clock(struct ramfs *fs, uint64_t (*now_us)(void *user), void *user)
{
	fs->now_us = now_us;
	fs->clock_user = user;
}

void ramfs_set_lock(struct ramfs *fs, void (*lock)(void *user), void (*unlock)(void *user),
		    void *user)
{
	fs->lock = lock;
	fs->unlock = unlock;
	fs->lock_user = user;
}

/* ------------------------------------------------------------ paths */
/* Result of walking a path: the directory holding the last component and
 * that component (name/len), and the inode it names (NO_INODE if absent).
 * A path whose last component is the root, "." or ".." has len 0 and
 * names an existing directory. */
typedef struct rf_walk {
	uint32_t dir;
	const char *name;
	size_t len;
	uint32_t ino;
} rf_walk;

static uint32_t lookup(struct ramfs *fs, uint32_t dir, const char *s, size_t n)
{
	for (uint32_t i = 1; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (in->kind != K_FREE && !in->orphan && in->parent == dir && name_is(in, s, n))
			return i;
	}
	return NO_INODE;
}

static int walk(struct ramfs *fs, const char *path, rf_walk *w)
{
	if (!path)
		return -E_INVAL;
	uint32_t cur = path[0] == '/' ? ROOT : fs->cwd;
	const char *s = path;
	w->dir = cur;
	w->name = s;
	w->len = 0;
	w->ino = cur;
	for (;;) {
		while (*s == '/')
			s++;
		if (!*s)
			return 0;
		const char *c = s;
		while (*s && *s != '/')
			s++;
		size_t n = (size_t)(s - c);
		while (*s == '/')
			s++;
		bool last = *s == 0;
		if (w->ino == NO_INODE)
			return -E_NOENT; /* a missing directory in the middle */
		if (fs->inodes[w->ino].kind != K_DIR)
			return -E_NOTDIR;
		cur = w->ino;
		if (n == 1 && c[0] == '.') {
			w->dir = cur;
			w->len = 0;
			continue;
		}
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			w->ino = fs->inodes[cur].parent;
			w->dir = w->ino;
			w->len = 0;
			continue;
		}
		if (n > RAMFS_NAME_MAX)
			return -E_NAMETOOLONG;
		w->dir = cur;
		w->name = c;
		w->len = n;
		w->ino = lookup(fs, cur, c, n);
		if (last)
			return 0;
	}
}

/* An existing inode named by path. */
static int find(struct ramfs *fs, const char *path, uint32_t *ino)
{
	rf_walk w;
	int r = walk(fs, path, &w);
	if (r < 0)
		return r;
	if (w.ino == NO_INODE)
		return -E_NOENT;
	*ino = w.ino;
	return 0;
}

static uint32_t new_inode(struct ramfs *fs, uint32_t dir, const char *name, size_t n, int kind)
{
	for (uint32_t i = 1; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (in->kind == K_FREE) {
			mem_zero(in, sizeof *in);
			in->kind = (uint8_t)kind;
			in->parent = dir;
			mem_copy(in->name, name, n);
			in->name[n] = 0;
			in->mtime = now(fs);
			return i;
		}
	}
	return NO_INODE;
}

static void free_inode(rf_inode *in)
{
	mem_zero(in, sizeof *in);
}

static bool dir_empty(struct ramfs *fs, uint32_t dir)
{
	for (uint32_t i = 1; i < fs->ninodes; i++)
		if (fs->inodes[i].kind != K_FREE && !fs->inodes[i].orphan && fs->inodes[i].parent == dir)
			return false;
	return true;
}

/* Takes a file out of the tree; its space goes when nobody has it open. */
static void unlink_inode(struct ramfs *fs, uint32_t ino)
{
	rf_inode *in = &fs->inodes[ino];
	if (in->nopen) {
		in->orphan = 1;
		in->parent = NO_INODE;
	} else
		free_inode(in);
}

/* ------------------------------------------------------------ space */
static uint32_t used_bytes(struct ramfs *fs, uint32_t except)
{
	uint32_t u = 0;
	for (uint32_t i = 0; i < fs->ninodes; i++)
		if (i != except && fs->inodes[i].kind == K_FILE)
			u += fs->inodes[i].size;
	return u;
}

/* The inode whose extent starts lowest at or after `from` (excluding
 * `skip`), or NO_INODE. */
static uint32_t next_extent(struct ramfs *fs, uint32_t from, uint32_t skip)
{
	uint32_t best = NO_INODE;
	for (uint32_t i = 0; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (i == skip || in->kind != K_FILE || in->cap == 0 || in->off < from)
			continue;
		if (best == NO_INODE || in->off < fs->inodes[best].off)
			best = i;
	}
	return best;
}

/* Slides every extent down to the start of the arena (in address order,
 * caps trimmed to sizes), then rotates `ino` to the end of the used part so
 * that it can grow into all the free space. Data is only moved, never
 * dropped, so an interrupted growth loses nothing. */
static void compact(struct ramfs *fs, uint32_t ino)
{
	uint32_t cursor = 0, from = 0;
	for (;;) {
		uint32_t i = next_extent(fs, from, NO_INODE);
		if (i == NO_INODE)
			break;
		rf_inode *in = &fs->inodes[i];
		from = in->off + in->cap;
		if (in->size == 0) {
			in->cap = 0;
			in->off = 0;
			continue;
		}
		if (in->off != cursor)
			mem_copy(fs->arena + cursor, fs->arena + in->off, in->size);
		in->off = cursor;
		in->cap = in->size;
		cursor += in->size;
		if (from <= in->off) /* the extent moved below `from`: keep scanning after it */
			from = in->off + 1;
	}
	rf_inode *g = &fs->inodes[ino];
	if (g->cap == 0) {
		g->off = cursor;
		return;
	}
	/* rotate [g->off, cursor) left by g->size: the files after g move down */
	uint32_t a = g->off, len = cursor - a, k = g->size;
	reverse(fs->arena + a, k);
	reverse(fs->arena + a + k, len - k);
	reverse(fs->arena + a, len);
	for (uint32_t i = 0; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (i != ino && in->kind == K_FILE && in->cap && in->off > a)
			in->off -= k;
	}
	g->off = cursor - k;
}

/* Makes room for `need` bytes in file `ino`, keeping its bytes. */
static int reserve(struct ramfs *fs, uint32_t ino, uint32_t need)
{
	rf_inode *in = &fs->inodes[ino];
	if (need <= in->cap)
		return 0;
	if ((uint64_t)used_bytes(fs, ino) + need > fs->arena_size)
		return -E_NOSPC;
	/* grow in place when the gap after the extent allows */
	if (in->cap) {
		uint32_t nx = next_extent(fs, in->off + 1, ino);
		uint32_t end = nx == NO_INODE ? fs->arena_size : fs->inodes[nx].off;
		if ((uint64_t)in->off + need <= end) {
			in->cap = need;
			return 0;
		}
	}
	/* first free gap that fits */
	uint32_t pos = 0, from = 0;
	for (;;) {
		uint32_t nx = next_extent(fs, from, ino);
		uint32_t end = nx == NO_INODE ? fs->arena_size : fs->inodes[nx].off;
		if (end >= pos && end - pos >= need) {
			if (in->size)
				mem_copy(fs->arena + pos, fs->arena + in->off, in->size);
			in->off = pos;
			in->cap = need;
			return 0;
		}
		if (nx == NO_INODE)
			break;
		pos = fs->inodes[nx].off + fs->inodes[nx].cap;
		from = fs->inodes[nx].off + 1;
	}
	compact(fs, ino);
	in->cap = need;
	return 0;
}

/* ------------------------------------------------------------ handles */
static struct ramfs *FS(void *user)
{
	return *(struct ramfs **)user;
}

static void lock(struct ramfs *fs)
{
	if (fs->lock)
		fs->lock(fs->lock_user);
}

static void unlock(struct ramfs *fs)
{
	if (fs->unlock)
		fs->unlock(fs->lock_user);
}

static rf_handle *handle_of(struct ramfs *fs, void *h)
{
	for (int i = 0; i < RAMFS_MAX_HANDLES; i++)
		if ((void *)&fs->handles[i] == h)
			return fs->handles[i].used ? &fs->handles[i] : NULL;
	return NULL;
}

static int do_open(struct ramfs *fs, const char *path, int flags, void **handle)
{
	if (!(flags & (QV_FS_READ | QV_FS_WRITE)) || !handle)
		return -E_INVAL;
	if ((flags & (QV_FS_TRUNC | QV_FS_APPEND)) && !(flags & QV_FS_WRITE))
		return -E_INVAL;
	rf_walk w;
	int r = walk(fs, path, &w);
	if (r < 0)
		return r;
	rf_handle *h = NULL;
	for (int i = 0; i < RAMFS_MAX_HANDLES; i++)
		if (!fs->handles[i].used) {
			h = &fs->handles[i];
			break;
		}
	uint32_t ino = w.ino;
	if (ino != NO_INODE && fs->inodes[ino].kind == K_DIR)
		return -E_ISDIR;
	if (ino == NO_INODE) {
		if (!(flags & QV_FS_CREATE))
			return -E_NOENT;
		if (w.len == 0)
			return -E_ISDIR;
		if (!h)
			return -E_MFILE;
		ino = new_inode(fs, w.dir, w.name, w.len, K_FILE);
		if (ino == NO_INODE)
			return -E_NOSPC;
	} else if (!h)
		return -E_MFILE;
	rf_inode *in = &fs->inodes[ino];
	if ((flags & QV_FS_TRUNC) && in->size) {
		in->size = 0;
		in->cap = 0;
		in->off = 0;
		in->mtime = now(fs);
	}
	in->nopen++;
	h->used = 1;
	h->ino = ino;
	h->flags = (uint8_t)flags;
	h->pos = 0;
	*handle = h;
	return 0;
}

static long do_read(struct ramfs *fs, void *hp, void *buf, size_t n)
{
	rf_handle *h = handle_of(fs, hp);
	if (!h || !(h->flags & QV_FS_READ))
		return -E_BADF;
	rf_inode *in = &fs->inodes[h->ino];
	if (h->pos >= in->size)
		return 0;
	size_t avail = in->size - h->pos;
	if (n > avail)
		n = avail;
	mem_copy(buf, fs->arena + in->off + h->pos, n);
	h->pos += (uint32_t)n;
	return (long)n;
}

/* All or nothing: a write that does not fit fails with ENOSPC and leaves
 * the file as it was. */
static long do_write(struct ramfs *fs, void *hp, const void *buf, size_t n)
{
	rf_handle *h = handle_of(fs, hp);
	if (!h || !(h->flags & QV_FS_WRITE))
		return -E_BADF;
	rf_inode *in = &fs->inodes[h->ino];
	uint64_t pos = (h->flags & QV_FS_APPEND) ? in->size : h->pos;
	uint64_t end = pos + n;
	if (end > fs->arena_size)
		return -E_NOSPC;
	if (n == 0)
		return 0;
	if (end > in->size) {
		int r = reserve(fs, h->ino, (uint32_t)end);
		if (r < 0)
			return r;
		if (pos > in->size)
			mem_zero(fs->arena + in->off + in->size, pos - in->size);
	}
	mem_copy(fs->arena + in->off + pos, buf, n);
	if (end > in->size)
		in->size = (uint32_t)end;
	h->pos = (uint32_t)end;
	in->mtime = now(fs);
	return (long)n;
}

static long do_seek(struct ramfs *fs, void *hp, long off, int whence)
{
	rf_handle *h = handle_of(fs, hp);
	if (!h)
		return -E_BADF;
	int64_t base;
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = h->pos; break;
	case 2: base = fs->inodes[h->ino].size; break;
	default: return -E_INVAL;
	}
	int64_t p = base + (int64_t)off;
	if (p < 0 || p > (int64_t)fs->arena_size)
		return -E_INVAL;
	h->pos = (uint32_t)p;
	return (long)p;
}

static int do_close(struct ramfs *fs, void *hp)
{
	rf_handle *h = handle_of(fs, hp);
	if (!h)
		return -E_BADF;
	rf_inode *in = &fs->inodes[h->ino];
	if (in->nopen)
		in->nopen--;
	if (in->orphan && in->nopen == 0)
		free_inode(in);
	h->used = 0;
	return 0;
}

static int do_stat(struct ramfs *fs, const char *path, qv_fs_stat *st)
{
	uint32_t ino;
	int r = find(fs, path, &ino);
	if (r < 0)
		return r;
	rf_inode *in = &fs->inodes[ino];
	st->mode = in->kind == K_DIR ? 0x4000 | 0755 : 0x8000 | 0644;
	st->size = in->kind == K_DIR ? 0 : in->size;
	st->mtime = in->mtime / 1000000u; /* qv_fs_stat wants seconds */
	return 0;
}

static int do_listdir(struct ramfs *fs, const char *path, size_t index, char *name, size_t cap)
{
	uint32_t dir;
	int r = find(fs, path && *path ? path : ".", &dir);
	if (r < 0)
		return r;
	if (fs->inodes[dir].kind != K_DIR)
		return -E_NOTDIR;
	size_t k = 0;
	for (uint32_t i = 1; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (in->kind == K_FREE || in->orphan || in->parent != dir)
			continue;
		if (k++ != index)
			continue;
		size_t n = str_len(in->name);
		if (n + 1 > cap)
			return -E_RANGE;
		mem_copy(name, in->name, n + 1);
		return 1;
	}
	return 0;
}

static int do_remove(struct ramfs *fs, const char *path)
{
	uint32_t ino;
	int r = find(fs, path, &ino);
	if (r < 0)
		return r;
	if (fs->inodes[ino].kind == K_DIR)
		return -E_ISDIR;
	unlink_inode(fs, ino);
	return 0;
}

static bool is_ancestor(struct ramfs *fs, uint32_t a, uint32_t d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d == ROOT)
			return false;
		d = fs->inodes[d].parent;
	}
}

static int do_rename(struct ramfs *fs, const char *from, const char *to)
{
	rf_walk a, b;
	int r = walk(fs, from, &a);
	if (r < 0)
		return r;
	if (a.ino == NO_INODE)
		return -E_NOENT;
	if (a.len == 0)
		return -E_BUSY; /* ".", ".." or the root */
	r = walk(fs, to, &b);
	if (r < 0)
		return r;
	if (b.len == 0)
		return b.ino == a.ino ? 0 : -E_EXIST;
	if (b.ino == a.ino)
		return 0;
	rf_inode *src = &fs->inodes[a.ino];
	if (src->kind == K_DIR && is_ancestor(fs, a.ino, b.dir))
		return -E_INVAL; /* a directory into itself */
	if (b.ino != NO_INODE) {
		rf_inode *dst = &fs->inodes[b.ino];
		if (src->kind == K_DIR && dst->kind != K_DIR)
			return -E_NOTDIR;
		if (src->kind != K_DIR && dst->kind == K_DIR)
			return -E_ISDIR;
		if (dst->kind == K_DIR && !dir_empty(fs, b.ino))
			return -E_NOTEMPTY;
		if (dst->kind == K_DIR && fs->cwd == b.ino)
			return -E_BUSY;
		unlink_inode(fs, b.ino);
	}
	src->parent = b.dir;
	mem_copy(src->name, b.name, b.len);
	src->name[b.len] = 0;
	src->mtime = now(fs);
	return 0;
}

static int do_mkdir(struct ramfs *fs, const char *path)
{
	rf_walk w;
	int r = walk(fs, path, &w);
	if (r < 0)
		return r;
	if (w.ino != NO_INODE)
		return -E_EXIST;
	if (new_inode(fs, w.dir, w.name, w.len, K_DIR) == NO_INODE)
		return -E_NOSPC;
	return 0;
}

static int do_rmdir(struct ramfs *fs, const char *path)
{
	rf_walk w;
	int r = walk(fs, path, &w);
	if (r < 0)
		return r;
	if (w.ino == NO_INODE)
		return -E_NOENT;
	if (fs->inodes[w.ino].kind != K_DIR)
		return -E_NOTDIR;
	if (w.ino == ROOT || w.len == 0 || w.ino == fs->cwd)
		return -E_BUSY;
	if (!dir_empty(fs, w.ino))
		return -E_NOTEMPTY;
	free_inode(&fs->inodes[w.ino]);
	return 0;
}

static int do_chdir(struct ramfs *fs, const char *path)
{
	uint32_t ino;
	int r = find(fs, path, &ino);
	if (r < 0)
		return r;
	if (fs->inodes[ino].kind != K_DIR)
		return -E_NOTDIR;
	fs->cwd = ino;
	return 0;
}

/* Absolute path of a directory or file into buf. */
static int path_of(struct ramfs *fs, uint32_t ino, char *buf, size_t cap)
{
	if (cap < 2)
		return -E_RANGE;
	if (ino == ROOT) {
		buf[0] = '/';
		buf[1] = 0;
		return 0;
	}
	/* build backwards from the end of buf, then slide to the front */
	size_t p = cap - 1;
	buf[p] = 0;
	for (uint32_t i = ino; i != ROOT; i = fs->inodes[i].parent) {
		size_t n = str_len(fs->inodes[i].name);
		if (p < n + 1)
			return -E_RANGE;
		p -= n;
		mem_copy(buf + p, fs->inodes[i].name, n);
		buf[--p] = '/';
	}
	mem_copy(buf, buf + p, cap - p);
	return 0;
}

static int do_getcwd(struct ramfs *fs, char *buf, size_t cap)
{
	return path_of(fs, fs->cwd, buf, cap);
}

static int do_statvfs(struct ramfs *fs, uint64_t *total, uint64_t *free)
{
	*total = fs->arena_size;
	*free = fs->arena_size - used_bytes(fs, NO_INODE);
	return 0;
}

/* ------------------------------------------------------------ qv_fs */
#define LOCKED(T, call)                \
	do {                           \
		struct ramfs *fs = FS(user); \
		lock(fs);              \
		T r_ = call;           \
		unlock(fs);            \
		return r_;             \
	} while (0)

static int op_open(void *user, const char *path, int flags, void **h) { LOCKED(int, do_open(fs, path, flags, h)); }
static long op_read(void *user, void *h, void *buf, size_t n) { LOCKED(long, do_read(fs, h, buf, n)); }
static long op_write(void *user, void *h, const void *buf, size_t n) { LOCKED(long, do_write(fs, h, buf, n)); }
static long op_seek(void *user, void *h, long off, int whence) { LOCKED(long, do_seek(fs, h, off, whence)); }
static int op_close(void *user, void *h) { LOCKED(int, do_close(fs, h)); }
static int op_stat(void *user, const char *path, qv_fs_stat *st) { LOCKED(int, do_stat(fs, path, st)); }
static int op_listdir(void *user, const char *path, size_t index, char *name, size_t cap) { LOCKED(int, do_listdir(fs, path, index, name, cap)); }
static int op_remove(void *user, const char *path) { LOCKED(int, do_remove(fs, path)); }
static int op_rename(void *user, const char *a, const char *b) { LOCKED(int, do_rename(fs, a, b)); }
static int op_mkdir(void *user, const char *path) { LOCKED(int, do_mkdir(fs, path)); }
static int op_rmdir(void *user, const char *path) { LOCKED(int, do_rmdir(fs, path)); }
static int op_chdir(void *user, const char *path) { LOCKED(int, do_chdir(fs, path)); }
static int op_getcwd(void *user, char *buf, size_t cap) { LOCKED(int, do_getcwd(fs, buf, cap)); }
static int op_statvfs(void *user, uint64_t *t, uint64_t *f) { LOCKED(int, do_statvfs(fs, t, f)); }

static const qv_fs ramfs_table = {
	.open = op_open, .read = op_read, .write = op_write, .seek = op_seek, .close = op_close,
	.stat = op_stat, .listdir = op_listdir, .remove = op_remove, .rename = op_rename,
	.mkdir = op_mkdir, .rmdir = op_rmdir, .chdir = op_chdir, .getcwd = op_getcwd,
	.statvfs = op_statvfs,
};

const qv_fs *ramfs_ops(void)
{
	return &ramfs_table;
}

/* ------------------------------------------------------------ direct */
static const char *file_data(struct ramfs *fs, const char *path, size_t *len, int *err)
{
	uint32_t ino;
	int r = find(fs, path, &ino);
	if (r == 0 && fs->inodes[ino].kind != K_FILE)
		r = -E_ISDIR;
	if (r < 0) {
		if (err)
			*err = r;
		return NULL;
	}
	*len = fs->inodes[ino].size;
	/* an empty file has no extent; any valid non-NULL pointer will do */
	return (const char *)fs->arena + (fs->inodes[ino].cap ? fs->inodes[ino].off : 0);
}

const char *ramfs_file_data(struct ramfs *fs, const char *path, size_t *len, int *err)
{
	lock(fs);
	const char *p = file_data(fs, path, len, err);
	unlock(fs);
	return p;
}

const char *ramfs_find_module(struct ramfs *fs, const char *dotted, size_t *len,
			      bool *is_bytecode, char *origin, size_t origin_cap)
{
	static const char *const suffix[] = {".py", "/__init__.py", ".qbc"};
	char rel[256];
	size_t n = str_len(dotted);
	if (n == 0 || n + 16 > sizeof rel)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		rel[i] = dotted[i] == '.' ? '/' : dotted[i];
	lock(fs);
	char dirs[3][256];
	int nd = 0;
	if (path_of(fs, fs->cwd, dirs[0], sizeof dirs[0]) == 0)
		nd++;
	static const char *const fixed[] = {"/", "/lib"};
	for (int k = 0; k < 2; k++) {
		bool dup = false;
		for (int j = 0; j < nd; j++) {
			size_t a = str_len(dirs[j]), b = str_len(fixed[k]);
			if (a == b) {
				bool same = true;
				for (size_t q = 0; q < a; q++)
					same &= dirs[j][q] == fixed[k][q];
				dup |= same;
			}
		}
		if (!dup) {
			mem_copy(dirs[nd], fixed[k], str_len(fixed[k]) + 1);
			nd++;
		}
	}
	const char *found = NULL;
	for (int d = 0; d < nd && !found; d++)
		for (int s = 0; s < 3 && !found; s++) {
			char path[600];
			size_t p = 0, dl = str_len(dirs[d]), rl = str_len(rel), sl = str_len(suffix[s]);
			mem_copy(path, dirs[d], dl);
			p = dl;
			if (p == 0 || path[p - 1] != '/')
				path[p++] = '/';
			mem_copy(path + p, rel, rl);
			p += rl;
			mem_copy(path + p, suffix[s], sl + 1);
			int err;
			found = file_data(fs, path, len, &err);
			if (found) {
				*is_bytecode = s == 2;
				if (origin && origin_cap) {
					size_t k = str_len(path);
					if (k + 1 > origin_cap)
						k = origin_cap - 1;
					mem_copy(origin, path, k);
					origin[k] = 0;
				}
			}
		}
	unlock(fs);
	return found;
}

int ramfs_check(struct ramfs *fs)
{
	if (fs->magic != RAMFS_MAGIC)
		return -1;
	if (fs->inodes[ROOT].kind != K_DIR)
		return -2;
	for (uint32_t i = 0; i < fs->ninodes; i++) {
		rf_inode *in = &fs->inodes[i];
		if (in->kind == K_FREE)
			continue;
		if (in->kind == K_FILE && in->size > in->cap)
			return -3;
		if (in->cap && (uint64_t)in->off + in->cap > fs->arena_size)
			return -4;
		if (i != ROOT && !in->orphan) {
			if (in->parent >= fs->ninodes || fs->inodes[in->parent].kind != K_DIR)
				return -5;
			if (lookup(fs, in->parent, in->name, str_len(in->name)) != i)
				return -6; /* duplicate name */
		}
		if (in->orphan && in->nopen == 0)
			return -7;
		unsigned opens = 0;
		for (int h = 0; h < RAMFS_MAX_HANDLES; h++)
			opens += fs->handles[h].used && fs->handles[h].ino == i;
		if (opens != in->nopen)
			return -8;
		for (uint32_t j = i + 1; j < fs->ninodes; j++) {
			rf_inode *o = &fs->inodes[j];
			if (o->kind != K_FILE || !o->cap || !in->cap)
				continue;
			if (in->off < o->off + o->cap && o->off < in->off + in->cap)
				return -9;
		}
	}
	return 0;
}
