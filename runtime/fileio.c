/* Files and the os module on top of the port's file system (struct qv_fs in
 * qv.h): the open() built-in, the file objects it returns, and os.
 *
 * A file object keeps a small read buffer so that readline and iteration do
 * not cost one port call per byte; writes go straight to the port (after
 * handing back whatever was read ahead, by seeking), so nothing is lost if
 * the program never closes the file. Errors from the port are negative
 * errno values and become OSError(errno, "ENAME") as in MicroPython. */
#include "rt.h"

const char *errno_name(int err);
qv_obj oserror_new(qv_ctx *c, int err);

#define FBUF 1024

typedef struct {
	const qv_type *type;
	void *h;               /* the port's handle */
	qv_obj name, mode;
	uint8_t *rbuf;         /* read-ahead: rbuf[rpos..rlen) not yet consumed */
	uint32_t rpos, rlen;
	bool readable, writable, closed;
} qv_file;

extern const qv_type qv_textfile_type, qv_binfile_type;
#define FILE_(o) ((qv_file *)(o))

static _Noreturn void os_err(qv_ctx *c, long err)
{
	rt_raise(c, oserror_new(c, (int)(err < 0 ? -err : err)));
}

static long check(qv_ctx *c, long r)
{
	if (r < 0)
		os_err(c, r);
	return r;
}

static const qv_fs *fs_of(qv_ctx *c)
{
	if (!c->port->fs)
		os_err(c, 19); /* ENODEV: this port has no file system */
	return c->port->fs;
}

/* A path argument as a NUL-terminated string. */
static const char *path_arg(qv_ctx *c, qv_obj p)
{
	if (!IS_STR(p))
		qv_raisef(c, EXC(TypeError), "expected str for a path, not %s", type_name(p));
	if (memchr_s(STR(p)->data, 0, STR(p)->len))
		qv_raisef(c, EXC(ValueError), "embedded null character in path");
	return cstr(c, p);
}

#define OP(c, name) (fs_of(c)->name ? fs_of(c)->name : (os_err(c, 95), fs_of(c)->name))

/* ------------------------------------------------------------ open() */
NATIVE(bi_open, open, 1, 8)
{
	qv_obj mo = n > 1 ? a[1] : native_kw(c, kw, QS(mode));
	if (!mo)
		mo = QS(r);
	if (!IS_STR(mo))
		qv_raisef(c, EXC(TypeError), "open() argument 'mode' must be str, not %s", type_name(mo));
	const char *path = path_arg(c, a[0]);
	int kind = 0, flags = 0;
	bool binary = false, text = false, plus = false;
	for (size_t i = 0; i < STR(mo)->len; i++) {
		char ch = STR(mo)->data[i];
		bool dup;
		switch (ch) {
		case 'r': case 'w': case 'a': case 'x': dup = kind != 0; kind = ch; break;
		case 'b': dup = binary; binary = true; break;
		case 't': dup = text; text = true; break;
		case '+': dup = plus; plus = true; break;
		default: dup = true;
		}
		if (dup)
			qv_raisef(c, EXC(ValueError), "invalid mode: '%S'", mo);
	}
	if (!kind || (binary && text))
		qv_raisef(c, EXC(ValueError), "invalid mode: '%S'", mo);
	switch (kind) {
	case 'r': flags = QV_FS_READ; break;
	case 'w': flags = QV_FS_WRITE | QV_FS_CREATE | QV_FS_TRUNC; break;
	case 'a': flags = QV_FS_WRITE | QV_FS_CREATE | QV_FS_APPEND; break;
	default: flags = QV_FS_WRITE | QV_FS_CREATE; break;
	}
	if (plus)
		flags |= QV_FS_READ | QV_FS_WRITE;
	const qv_fs *fs = fs_of(c);
	if (kind == 'x') {
		qv_fs_stat st;
		int r = OP(c, stat)(c->user, path, &st);
		if (r >= 0)
			os_err(c, 17);
		if (r != -2)
			os_err(c, r);
	}
	qv_file *f = NEW(c, qv_file);
	f->type = binary ? &qv_binfile_type : &qv_textfile_type;
	f->rbuf = gc_alloc(c, FBUF, true);
	f->name = a[0];
	f->mode = mo;
	f->readable = flags & QV_FS_READ;
	f->writable = flags & QV_FS_WRITE;
	void *h = NULL;
	if (!c->open_files)
		c->open_files = list_new(c, 0);
	/* room first, so that a MemoryError cannot strand an open handle */
	list_append(c, c->open_files, NONE);
	qv_listobj *of = (qv_listobj *)c->open_files;
	of->len--;
	check(c, OP(c, open)(c->user, path, flags, &h));
	UNUSED(fs);
	f->h = h;
	of->items[of->len++] = (qv_obj)f;
	return (qv_obj)f;
}

/* Forgets a closed file in the context's list of open ones. */
static void forget(qv_ctx *c, qv_file *f)
{
	qv_listobj *of = (qv_listobj *)c->open_files;
	for (size_t i = 0; of && i < of->len; i++)
		if (of->items[i] == (qv_obj)f) {
			of->items[i] = of->items[--of->len];
			return;
		}
}

int qv_close_files(qv_ctx *c)
{
	qv_listobj *of = (qv_listobj *)c->open_files;
	int n = 0;
	while (of && of->len) {
		qv_file *f = FILE_(of->items[--of->len]);
		if (!f->closed && c->port->fs && c->port->fs->close) {
			f->closed = true;
			c->port->fs->close(c->user, f->h);
			n++;
		}
	}
	return n;
}

static qv_file *live(qv_ctx *c, qv_obj o)
{
	qv_file *f = FILE_(o);
	if (f->closed)
		qv_raisef(c, EXC(ValueError), "I/O operation on closed file.");
	return f;
}

static qv_file *for_read(qv_ctx *c, qv_obj o)
{
	qv_file *f = live(c, o);
	if (!f->readable)
		os_err(c, 9);
	return f;
}

/* Refills the read-ahead when it is empty; returns the bytes available. */
static size_t fill(qv_ctx *c, qv_file *f)
{
	if (f->rpos < f->rlen)
		return f->rlen - f->rpos;
	long r = check(c, OP(c, read)(c->user, f->h, f->rbuf, FBUF));
	f->rpos = 0;
	f->rlen = (uint32_t)r;
	return (size_t)r;
}

static int getb(qv_ctx *c, qv_file *f)
{
	if (!fill(c, f))
		return -1;
	return f->rbuf[f->rpos++];
}

/* Gives the read-ahead back to the port so its offset is the program's. */
static void unread(qv_ctx *c, qv_file *f)
{
	if (f->rpos < f->rlen)
		check(c, OP(c, seek)(c->user, f->h, -(long)(f->rlen - f->rpos), 1));
	f->rpos = f->rlen = 0;
}

/* Up to want bytes (all that is left when want < 0) appended to b. */
static void read_bytes(qv_ctx *c, qv_file *f, sbuf *b, intptr_t want)
{
	while (want < 0 || (intptr_t)b->n < want) {
		size_t avail = fill(c, f);
		if (!avail)
			break;
		size_t k = want < 0 || avail < (size_t)want - b->n ? avail : (size_t)want - b->n;
		sb_add(b, (const char *)f->rbuf + f->rpos, k);
		f->rpos += (uint32_t)k;
	}
}

static qv_obj decoded(qv_ctx *c, sbuf *b)
{
	if (!utf8_valid(b->p, b->n))
		qv_raisef(c, EXC(UnicodeError), "'utf-8' codec can't decode the file's bytes");
	return sb_str(b);
}

static intptr_t size_arg(qv_ctx *c, size_t n, qv_obj *a)
{
	return n > 1 && a[1] != NONE ? get_int(c, a[1]) : -1;
}

static qv_obj f_read(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_file *f = for_read(c, a[0]);
	intptr_t want = size_arg(c, n, a);
	sbuf b;
	sb_init(&b, c, want >= 0 && want < 4096 ? (size_t)want + 1 : 4096);
	if (f->type == &qv_binfile_type || want < 0) {
		read_bytes(c, f, &b, want);
		return f->type == &qv_binfile_type ? sb_bytes(&b) : decoded(c, &b);
	}
	/* text: want characters; stop before the lead byte of one too many */
	intptr_t chars = 0;
	int ch;
	while ((ch = getb(c, f)) >= 0) {
		if ((ch & 0xc0) != 0x80) {
			if (chars == want) {
				f->rpos--;
				break;
			}
			chars++;
		}
		sb_addc(&b, (char)ch);
	}
	return decoded(c, &b);
}

static qv_obj readline(qv_ctx *c, qv_file *f, intptr_t limit)
{
	sbuf b;
	sb_init(&b, c, 80);
	int ch;
	while ((limit < 0 || (intptr_t)b.n < limit) && (ch = getb(c, f)) >= 0) {
		sb_addc(&b, (char)ch);
		if (ch == '\n')
			break;
	}
	return f->type == &qv_binfile_type ? sb_bytes(&b) : decoded(c, &b);
}

static qv_obj f_readline(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	return readline(c, for_read(c, a[0]), size_arg(c, n, a));
}

static qv_obj f_readlines(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_file *f = for_read(c, a[0]);
	qv_obj l = list_new(c, 0);
	for (;;) {
		qv_obj s = readline(c, f, -1);
		if (!STR(s)->len)
			return l;
		list_append(c, l, s);
	}
}

static qv_obj f_next(qv_ctx *c, qv_obj o)
{
	qv_obj s = readline(c, for_read(c, o), -1);
	return STR(s)->len ? s : NULL;
}

static qv_obj f_iter(qv_ctx *c, qv_obj o)
{
	live(c, o);
	return o;
}

static qv_obj f_readinto(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_file *f = for_read(c, a[0]);
	qv_obj buf = a[1];
	if (!(IS(buf, qv_bytearray_type) || (IS(buf, qv_memview_type) && !((qv_memview *)buf)->ro)))
		qv_raisef(c, EXC(TypeError), "readinto() argument must be a writable bytes-like object, not '%s'", type_name(buf));
	size_t cap;
	char *p = (char *)buf_view(c, buf, &cap);
	size_t got = 0;
	while (got < cap) {
		size_t avail = fill(c, f);
		if (!avail)
			break;
		size_t k = avail < cap - got ? avail : cap - got;
		__builtin_memcpy(p + got, f->rbuf + f->rpos, k);
		f->rpos += (uint32_t)k;
		got += k;
	}
	return MKINT((intptr_t)got);
}

static qv_obj f_write(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_file *f = live(c, a[0]);
	if (!f->writable)
		os_err(c, 9);
	const char *p;
	size_t len;
	qv_obj count;
	if (f->type == &qv_textfile_type) {
		if (!IS_STR(a[1]))
			qv_raisef(c, EXC(TypeError), "write() argument must be str, not %s", type_name(a[1]));
		p = STR(a[1])->data;
		len = STR(a[1])->len;
		count = MKINT(STR(a[1])->clen);
	} else {
		p = buf_view(c, a[1], &len);
		count = MKINT((intptr_t)len);
	}
	unread(c, f);
	for (size_t done = 0; done < len;) {
		long r = check(c, OP(c, write)(c->user, f->h, p + done, len - done));
		if (r == 0)
			os_err(c, 28); /* the port took nothing: out of space */
		done += (size_t)r;
	}
	return count;
}

static qv_obj f_seek(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	qv_file *f = live(c, a[0]);
	intptr_t off = get_int(c, a[1]), whence = n > 2 ? get_int(c, a[2]) : 0;
	if (whence < 0 || whence > 2)
		qv_raisef(c, EXC(ValueError), "invalid whence (%d, should be 0, 1 or 2)", (int)whence);
	if (whence == 0 && off < 0)
		qv_raisef(c, EXC(ValueError), "negative seek position %d", (int)off);
	if (whence == 1)
		off -= (intptr_t)(f->rlen - f->rpos);
	f->rpos = f->rlen = 0;
	return int_from_i64(c, check(c, OP(c, seek)(c->user, f->h, (long)off, (int)whence)));
}

static qv_obj f_tell(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_file *f = live(c, a[0]);
	long pos = check(c, OP(c, seek)(c->user, f->h, 0, 1));
	return int_from_i64(c, pos - (long)(f->rlen - f->rpos));
}

static qv_obj f_flush(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	live(c, a[0]);
	return NONE;
}

static qv_obj f_close(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	qv_file *f = FILE_(a[0]);
	if (f->closed)
		return NONE;
	f->closed = true;
	f->rpos = f->rlen = 0;
	forget(c, f);
	check(c, OP(c, close)(c->user, f->h));
	return NONE;
}

static qv_obj f_enter(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw); UNUSED(n);
	live(c, a[0]);
	return a[0];
}

static qv_obj f_exit(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	f_close(c, 1, a, kw);
	return NONE;
}

static qv_obj f_closed(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return BOOL(FILE_(a[0])->closed); }
static qv_obj f_name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return FILE_(a[0])->name; }
static qv_obj f_mode(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return FILE_(a[0])->mode; }
static qv_obj f_readable(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return BOOL(live(c, a[0])->readable); }
static qv_obj f_writable(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return BOOL(live(c, a[0])->writable); }

static qv_obj f_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_file *f = FILE_(o);
	return str_fmt(c, "<io.%s name=%R mode=%R%s>", tname(f->type), f->name, f->mode, f->closed ? " closed" : "");
}

static const qv_method file_methods[] = {
	METH(read, 1, 2, f_read), METH(readline, 1, 2, f_readline), METH(readlines, 1, 2, f_readlines),
	METH(readinto, 2, 2, f_readinto), METH(write, 2, 2, f_write), METH(seek, 2, 3, f_seek),
	METH(tell, 1, 1, f_tell), METH(flush, 1, 1, f_flush), METH(close, 1, 1, f_close),
	METH(__enter__, 1, 1, f_enter), METH(__exit__, 1, 4, f_exit), METH(readable, 1, 1, f_readable),
	METH(writable, 1, 1, f_writable), ATTR(closed, f_closed), ATTR(name, f_name), ATTR(mode, f_mode),
	METH_END,
};
const qv_type qv_textfile_type = {
	.type = &qv_type_type, .name = QS_TextIOWrapper, .methods = file_methods, .getattr = builtin_getattr,
	.repr = f_repr, .iter = f_iter, .next = f_next,
};
const qv_type qv_binfile_type = {
	.type = &qv_type_type, .name = QS_FileIO, .methods = file_methods, .getattr = builtin_getattr,
	.repr = f_repr, .iter = f_iter, .next = f_next,
};

/* ------------------------------------------------------------ os */
static const char *dir_arg(qv_ctx *c, size_t n, qv_obj *a)
{
	if (!n || a[0] == NONE || (IS_STR(a[0]) && STR(a[0])->len == 0))
		return ".";
	return path_arg(c, a[0]);
}

/* Calls fn for each entry of a directory with its name. */
static void each_entry(qv_ctx *c, const char *dir, void (*fn)(qv_ctx *, const char *, qv_obj, qv_obj), qv_obj acc)
{
	char *name = gc_alloc(c, 256, true);
	for (size_t i = 0;; i++) {
		int r = (int)check(c, OP(c, listdir)(c->user, dir, i, name, 256));
		if (r == 0)
			return;
		name[255] = 0;
		size_t len = rt_strlen(name);
		fn(c, dir, str_new(c, name, len), acc);
	}
}

static void add_name(qv_ctx *c, const char *dir, qv_obj name, qv_obj l)
{
	UNUSED(dir);
	list_append(c, l, name);
}

NATIVE(os_listdir, listdir, 0, 1)
{
	UNUSED(kw);
	qv_obj l = list_new(c, 0);
	each_entry(c, dir_arg(c, n, a), add_name, l);
	return l;
}

static void stat_path(qv_ctx *c, const char *path, qv_fs_stat *st)
{
	__builtin_memset(st, 0, sizeof *st);
	check(c, OP(c, stat)(c->user, path, st));
}

static void add_entry(qv_ctx *c, const char *dir, qv_obj name, qv_obj l)
{
	sbuf b;
	sb_init(&b, c, 64);
	if (!(dir[0] == '.' && dir[1] == 0)) {
		sb_adds(&b, dir);
		if (b.n && b.p[b.n - 1] != '/')
			sb_addc(&b, '/');
	}
	sb_addobj(&b, name);
	sb_addc(&b, 0);
	qv_fs_stat st;
	stat_path(c, b.p, &st);
	qv_obj t[4] = {name, MKINT(st.mode & 0xf000), MKINT(0), int_from_u64(c, st.size)};
	list_append(c, l, tuple_from(c, 4, t));
}

NATIVE(os_ilistdir, ilistdir, 0, 1)
{
	UNUSED(kw);
	qv_obj l = list_new(c, 0);
	each_entry(c, dir_arg(c, n, a), add_entry, l);
	return qv_iter(c, l);
}

NATIVE(os_stat, stat, 1, 1)
{
	UNUSED(kw); UNUSED(n);
	qv_fs_stat st;
	stat_path(c, path_arg(c, a[0]), &st);
	qv_obj t = int_from_u64(c, st.mtime);
	qv_obj v[10] = {MKINT(st.mode), MKINT(0), MKINT(0), MKINT(1), MKINT(0), MKINT(0),
			int_from_u64(c, st.size), t, t, t};
	return tuple_from(c, 10, v);
}

NATIVE(os_remove, remove, 1, 1) { UNUSED(kw); UNUSED(n); check(c, OP(c, remove)(c->user, path_arg(c, a[0]))); return NONE; }
NATIVE(os_unlink, unlink, 1, 1) { UNUSED(kw); UNUSED(n); check(c, OP(c, remove)(c->user, path_arg(c, a[0]))); return NONE; }
NATIVE(os_mkdir, mkdir, 1, 2) { UNUSED(kw); UNUSED(n); check(c, OP(c, mkdir)(c->user, path_arg(c, a[0]))); return NONE; }
NATIVE(os_rmdir, rmdir, 1, 1) { UNUSED(kw); UNUSED(n); check(c, OP(c, rmdir)(c->user, path_arg(c, a[0]))); return NONE; }
NATIVE(os_chdir, chdir, 1, 1) { UNUSED(kw); UNUSED(n); check(c, OP(c, chdir)(c->user, path_arg(c, a[0]))); return NONE; }
NATIVE(os_rename, rename, 2, 2)
{
	UNUSED(kw); UNUSED(n);
	const char *from = path_arg(c, a[0]), *to = path_arg(c, a[1]);
	check(c, OP(c, rename)(c->user, from, to));
	return NONE;
}

NATIVE(os_getcwd, getcwd, 0, 0)
{
	UNUSED(kw); UNUSED(n); UNUSED(a);
	char *buf = gc_alloc(c, 1024, true);
	buf[0] = 0;
	check(c, OP(c, getcwd)(c->user, buf, 1024));
	buf[1023] = 0;
	return str_new(c, buf, rt_strlen(buf));
}

NATIVE(os_statvfs, statvfs, 1, 1)
{
	UNUSED(kw); UNUSED(n);
	path_arg(c, a[0]);
	uint64_t total = 0, avail = 0;
	check(c, OP(c, statvfs)(c->user, &total, &avail));
	/* (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax) */
	const uint64_t bs = 512;
	qv_obj v[10] = {MKINT(bs), MKINT(bs), int_from_u64(c, total / bs), int_from_u64(c, avail / bs),
			int_from_u64(c, avail / bs), MKINT(0), MKINT(0), MKINT(0), MKINT(0), MKINT(255)};
	return tuple_from(c, 10, v);
}

/* os.uname(): a tuple whose fields also have names, as MicroPython's. */
typedef struct { const qv_type *type; } qv_uname;
static const char *const uname_fields[5] = {"sysname", "nodename", "release", "version", "machine"};
static const char *const uname_values[5] = {"questv", "questv", "0.1", "questv runtime", "x86_64"};

static qv_obj uname_tuple(qv_ctx *c)
{
	qv_obj v[5];
	for (int i = 0; i < 5; i++)
		v[i] = str_cstr(c, uname_values[i]);
	return tuple_from(c, 5, v);
}

static qv_obj un_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	for (int i = 0; i < 5; i++)
		if (IS_STR(name) && rt_strcmp(STR(name)->data, uname_fields[i]) == 0)
			return str_cstr(c, uname_values[i]);
	return builtin_getattr(c, o, name, self);
}

static qv_obj un_subscr(qv_ctx *c, qv_obj o, qv_obj idx, qv_obj v)
{
	UNUSED(o);
	if (v)
		qv_raisef(c, EXC(TypeError), "'uname_result' object does not support item assignment");
	return qv_getitem(c, uname_tuple(c), idx);
}

static qv_obj un_iter(qv_ctx *c, qv_obj o)
{
	UNUSED(o);
	return qv_iter(c, uname_tuple(c));
}

static intptr_t un_len(qv_ctx *c, qv_obj o) { UNUSED(c); UNUSED(o); return 5; }

static qv_obj un_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(o); UNUSED(s);
	sbuf b;
	sb_init(&b, c, 128);
	sb_addc(&b, '(');
	for (int i = 0; i < 5; i++)
		sb_printf(&b, "%s%s='%s'", i ? ", " : "", uname_fields[i], uname_values[i]);
	sb_addc(&b, ')');
	return sb_str(&b);
}

static const qv_type qv_uname_type = {
	.type = &qv_type_type, .name = QS_uname_result, .getattr = un_getattr, .subscr = un_subscr,
	.iter = un_iter, .len = un_len, .repr = un_repr,
};
static const qv_uname the_uname = {&qv_uname_type};

NATIVE(os_uname, uname, 0, 0) { UNUSED(c); UNUSED(kw); UNUSED(n); UNUSED(a); return (qv_obj)&the_uname; }

NATIVE(os_urandom, urandom, 1, 1)
{
	UNUSED(kw); UNUSED(n);
	intptr_t k = get_int(c, a[0]);
	if (k < 0)
		qv_raisef(c, EXC(ValueError), "negative argument not allowed");
	/* not cryptographic: the context's generator stirred with the clock */
	uint64_t s = (c->port->ticks_us ? c->port->ticks_us(c->user) : 0) ^ ((uint64_t)c->rand_state[0] << 32 | c->rand_state[1]) ^ 0x9e3779b97f4a7c15u;
	char *p = gc_alloc(c, (size_t)k + 1, true);
	for (intptr_t i = 0; i < k; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = (char)(s >> 24);
	}
	c->rand_state[0] ^= (uint32_t)s;
	return bytes_new(c, p, (size_t)k);
}

void init_os(qv_ctx *c, qv_obj d)
{
	static const qv_native *const fns[] = {&os_listdir, &os_ilistdir, &os_stat, &os_remove, &os_unlink,
		&os_mkdir, &os_rmdir, &os_chdir, &os_rename, &os_getcwd, &os_statvfs, &os_uname, &os_urandom, NULL};
	mod_add_natives(c, d, fns);
	dict_set(c, d, QS(sep), QS(slash));
	dict_set(c, d, QS(error), (qv_obj)EXC(OSError));
}
