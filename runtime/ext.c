/* The port's side of the runtime (qv_ext.h): native modules defined by the
 * port, values and exceptions handed across, roots for callbacks, running a
 * module or a function, and marshalling simple values between contexts.
 *
 * Inside the runtime an exception is a longjmp to the nearest qv_try. Port
 * code must never be jumped over (it may hold its own locks or buffers), so
 * every entry point here catches what it raised and leaves it in
 * c->ext_pending; the wrapper around a port function throws it for real
 * once the port function has returned NULL. */
#include "rt.h"

#define VAL(o) ((qv_val)(o))
#define OBJ(v) ((qv_obj)(v))

/* Runs a statement under a catch; on an exception makes it pending and
 * returns `fail` from the enclosing function. */
#define GUARDED(c, fail, ...) do { \
	qv_jmp j_; \
	if (qv_try(c, &j_)) { \
		qv_catch(c, &j_); \
		(c)->ext_pending = (c)->exc; \
		(c)->exc = NULL; \
		return fail; \
	} \
	__VA_ARGS__; \
	qv_untry(c, &j_); \
} while (0)

/* ------------------------------------------------------------ port functions */
typedef struct { const qv_type *type; const qv_ext_func *f; qv_obj name; } qv_extfn;
extern const qv_type qv_extfn_type;

static qv_obj extfn_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	qv_extfn *e = (qv_extfn *)f;
	const qv_ext_func *d = e->f;
	if (nkw)
		qv_raisef(c, EXC(TypeError), "%s() takes no keyword arguments", d->name);
	if (npos < d->min_args || npos > d->max_args) {
		if (d->min_args == d->max_args)
			qv_raisef(c, EXC(TypeError), "%s() takes %d positional arguments but %d were given",
				  d->name, (int)d->min_args, (int)npos);
		qv_raisef(c, EXC(TypeError), "%s() takes from %d to %d positional arguments but %d were given",
			  d->name, (int)d->min_args, (int)d->max_args, (int)npos);
	}
	c->ext_pending = NULL;
	/* args points into the caller's frame, which the collector scans */
	qv_val r = d->fn(c, c->user, npos, (qv_val *)args);
	qv_obj exc = c->ext_pending;
	c->ext_pending = NULL;
	if (r)
		return OBJ(r);
	if (!exc)
		exc = exc_msgf(c, EXC(SystemError), "%s() returned NULL without raising", d->name);
	rt_raise(c, exc);
}

static qv_obj extfn_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<built-in function %S>", ((qv_extfn *)o)->name);
}

static qv_obj extfn_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(c);
	UNUSED(self);
	if (name == QS(__name__) || name == QS(__qualname__))
		return ((qv_extfn *)o)->name;
	return NULL;
}

const qv_type qv_extfn_type = {
	.type = &qv_type_type, .name = QS_builtin_function_or_method, .call = extfn_call,
	.repr = extfn_repr, .getattr = extfn_getattr,
};

bool qv_add_module(qv_ctx *c, const qv_ext_module *m)
{
	if (!m || !m->name || !m->name[0] || c->n_ext >= QV_MAX_EXT_MODULES)
		return false;
	for (size_t i = 0; i < m->n_funcs; i++)
		if (!m->funcs[i].name || !m->funcs[i].fn || m->funcs[i].min_args > m->funcs[i].max_args)
			return false;
	for (size_t i = 0; i < m->n_consts; i++)
		if (!m->consts[i].name)
			return false;
	c->ext_mods[c->n_ext++] = m;
	return true;
}

qv_obj ext_load(qv_ctx *c, qv_obj name)
{
	/* the latest registration of a name wins */
	for (int i = c->n_ext - 1; i >= 0; i--) {
		const qv_ext_module *m = c->ext_mods[i];
		if (rt_strcmp(m->name, STR(name)->data) != 0)
			continue;
		qv_obj mod = module_new(c, name);
		qv_obj d = ((qv_module *)mod)->dict;
		for (size_t k = 0; k < m->n_funcs; k++) {
			qv_extfn *f = NEW(c, qv_extfn);
			f->type = &qv_extfn_type;
			f->f = &m->funcs[k];
			f->name = str_intern(c, m->funcs[k].name, rt_strlen(m->funcs[k].name));
			dict_set(c, d, f->name, (qv_obj)f);
		}
		for (size_t k = 0; k < m->n_consts; k++)
			dict_set(c, d, str_intern(c, m->consts[k].name, rt_strlen(m->consts[k].name)),
				 int_from_i64(c, m->consts[k].value));
		dict_set(c, c->modules, name, mod);
		return mod;
	}
	return NULL;
}

/* A NULL handed in is the result of a constructor that failed: its
 * exception is pending already (else this is a port bug: SystemError).
 * Checking here lets port code nest calls: qv_dict_set(c, d, "k", qv_int(c, v)). */
static bool null_arg(qv_ctx *c, const void *v, const char *fn)
{
	if (v)
		return false;
	if (!c->ext_pending)
		qv_raise(c, "SystemError", fn);
	return true;
}

/* ------------------------------------------------------------ values */
qv_val qv_none(qv_ctx *c)
{
	UNUSED(c);
	return VAL(NONE);
}

qv_val qv_bool(qv_ctx *c, bool b)
{
	UNUSED(c);
	return VAL(BOOL(b));
}

bool qv_is_none(qv_val v)
{
	return OBJ(v) == NONE;
}

qv_val qv_int(qv_ctx *c, int64_t v)
{
	if (FITS_SMALL(v))
		return VAL(MKINT(v));
	qv_obj r;
	GUARDED(c, NULL, r = int_from_i64(c, v));
	return VAL(r);
}

qv_val qv_float(qv_ctx *c, double v)
{
	qv_obj r;
	GUARDED(c, NULL, r = float_new(c, v));
	return VAL(r);
}

qv_val qv_str(qv_ctx *c, const char *s, size_t n)
{
	qv_obj r;
	GUARDED(c, NULL, {
		if (!utf8_valid(s, n))
			qv_raisef(c, EXC(UnicodeError), "invalid UTF-8 in a string from the port");
		r = str_new(c, s, n);
	});
	return VAL(r);
}

qv_val qv_bytes(qv_ctx *c, const void *p, size_t n)
{
	qv_obj r;
	GUARDED(c, NULL, r = bytes_new(c, p, n));
	return VAL(r);
}

qv_val qv_tuple(qv_ctx *c, size_t n, qv_val *items)
{
	qv_obj r;
	for (size_t i = 0; i < n; i++)
		if (null_arg(c, items[i], "qv_tuple: NULL item"))
			return NULL;
	GUARDED(c, NULL, r = tuple_from(c, n, (const qv_obj *)items));
	return VAL(r);
}

qv_val qv_list(qv_ctx *c)
{
	qv_obj r;
	GUARDED(c, NULL, r = list_new(c, 0));
	return VAL(r);
}

bool qv_list_append(qv_ctx *c, qv_val list, qv_val item)
{
	if (null_arg(c, list, "qv_list_append: NULL list") || null_arg(c, item, "qv_list_append: NULL item"))
		return false;
	GUARDED(c, false, {
		if (!IS(OBJ(list), qv_list_type))
			qv_raisef(c, EXC(TypeError), "expected list, got %s", type_name(OBJ(list)));
		list_append(c, OBJ(list), OBJ(item));
	});
	return true;
}

qv_val qv_dict(qv_ctx *c)
{
	qv_obj r;
	GUARDED(c, NULL, r = dict_new(c));
	return VAL(r);
}

bool qv_dict_set(qv_ctx *c, qv_val d, const char *key, qv_val v)
{
	if (null_arg(c, d, "qv_dict_set: NULL dict") || null_arg(c, key, "qv_dict_set: NULL key") ||
	    null_arg(c, v, "qv_dict_set: NULL value"))
		return false;
	GUARDED(c, false, {
		if (!IS(OBJ(d), qv_dict_type))
			qv_raisef(c, EXC(TypeError), "expected dict, got %s", type_name(OBJ(d)));
		size_t n = rt_strlen(key);
		if (!utf8_valid(key, n))
			qv_raisef(c, EXC(UnicodeError), "invalid UTF-8 in a key from the port");
		dict_set(c, OBJ(d), str_new(c, key, n), OBJ(v));
	});
	return true;
}

bool qv_get_int(qv_ctx *c, qv_val v, int64_t *out)
{
	if (null_arg(c, v, "qv_get_int: NULL value"))
		return false;
	GUARDED(c, false, {
		qv_obj o = OBJ(v);
		if (!is_intlike(o))
			qv_raisef(c, EXC(TypeError), "expected int, got %s", type_name(o));
		if (o == TRUE_ || o == FALSE_)
			*out = o == TRUE_;
		else if (!int_to_i64(o, out))
			qv_raisef(c, EXC(OverflowError), "int too big to convert");
	});
	return true;
}

bool qv_get_float(qv_ctx *c, qv_val v, double *out)
{
	if (null_arg(c, v, "qv_get_float: NULL value"))
		return false;
	GUARDED(c, false, {
		qv_obj o = OBJ(v);
		if (!is_intlike(o) && !IS(o, qv_float_type) && !(native_of(o) && IS(native_of(o), qv_float_type)))
			qv_raisef(c, EXC(TypeError), "expected float, got %s", type_name(o));
		*out = get_float(c, o);
	});
	return true;
}

bool qv_get_str(qv_ctx *c, qv_val v, const char **s, size_t *n)
{
	if (null_arg(c, v, "qv_get_str: NULL value"))
		return false;
	GUARDED(c, false, {
		qv_obj o = OBJ(v);
		if (!IS_STR(o)) {
			qv_obj nat = native_of(o);
			if (!nat || !IS_STR(nat))
				qv_raisef(c, EXC(TypeError), "expected str, got %s", type_name(o));
			o = nat;
		}
		*s = STR(o)->data;
		*n = STR(o)->len;
	});
	return true;
}

bool qv_get_buffer(qv_ctx *c, qv_val v, const void **p, size_t *n)
{
	if (null_arg(c, v, "qv_get_buffer: NULL value"))
		return false;
	GUARDED(c, false, {
		qv_obj o = OBJ(v);
		qv_obj nat = IS_INT(o) ? NULL : native_of(o);
		*p = buf_view(c, nat ? nat : o, n);
	});
	return true;
}

bool qv_truth(qv_ctx *c, qv_val v, bool *out)
{
	if (null_arg(c, v, "qv_truth: NULL value"))
		return false;
	GUARDED(c, false, *out = rt_truth(c, OBJ(v)));
	return true;
}

/* ------------------------------------------------------------ exceptions */
static const qv_type *exc_by_name(const char *name)
{
	for (int i = 0; i < EXC_COUNT; i++)
		if (rt_strcmp(qv_qstrs[qv_exc_types[i].name].data, name) == 0)
			return &qv_exc_types[i];
	return NULL;
}

qv_val qv_raise(qv_ctx *c, const char *type, const char *msg)
{
	const qv_type *t = type ? exc_by_name(type) : NULL;
	if (t == EXC(MemoryError) && !msg) {
		/* preallocated: raising it must not need the heap */
		c->ext_pending = c->memerr;
		return NULL;
	}
	GUARDED(c, NULL, {
		if (!t)
			c->ext_pending = exc_msgf(c, EXC(SystemError), "port raised unknown exception type '%s': %s",
						  type ? type : "(null)", msg ? msg : "");
		else if (msg)
			c->ext_pending = exc_new(c, t, tuple_pack(c, 1, str_cstr(c, msg)));
		else
			c->ext_pending = exc_new(c, t, EMPTY_TUPLE);
	});
	if (!c->ext_pending)
		c->ext_pending = c->memerr;
	return NULL;
}

/* The names MicroPython prints for the errno values ports report. */
static const struct { uint16_t code; const char *name; } errnames[] = {
	{1, "EPERM"}, {2, "ENOENT"}, {5, "EIO"}, {9, "EBADF"}, {11, "EAGAIN"}, {12, "ENOMEM"},
	{13, "EACCES"}, {16, "EBUSY"}, {17, "EEXIST"}, {18, "EXDEV"}, {19, "ENODEV"}, {20, "ENOTDIR"},
	{21, "EISDIR"}, {22, "EINVAL"}, {24, "EMFILE"}, {27, "EFBIG"}, {28, "ENOSPC"}, {30, "EROFS"},
	{32, "EPIPE"}, {36, "ENAMETOOLONG"}, {38, "ENOSYS"}, {39, "ENOTEMPTY"}, {95, "EOPNOTSUPP"},
	{104, "ECONNRESET"}, {110, "ETIMEDOUT"}, {111, "ECONNREFUSED"}, {115, "EINPROGRESS"},
};

const char *errno_name(int err)
{
	for (size_t i = 0; i < sizeof errnames / sizeof *errnames; i++)
		if (errnames[i].code == err)
			return errnames[i].name;
	return NULL;
}

qv_obj oserror_new(qv_ctx *c, int err)
{
	const char *nm = errno_name(err);
	qv_obj text = nm ? str_cstr(c, nm) : str_fmt(c, "error %d", err);
	/* plain OSError whatever the code, as MicroPython: mpremote looks for
	 * "OSError" and the errno name in the traceback */
	return exc_new(c, EXC(OSError), tuple_pack(c, 2, MKINT(err), text));
}

qv_val qv_raise_errno(qv_ctx *c, int err)
{
	if (err < 0)
		err = -err;
	qv_obj e = NULL;
	GUARDED(c, NULL, e = oserror_new(c, err));
	c->ext_pending = e;
	return NULL;
}

bool qv_exc_pending(qv_ctx *c)
{
	return c->ext_pending != NULL;
}

bool qv_exc_clear(qv_ctx *c, bool print)
{
	qv_obj e = c->ext_pending;
	c->ext_pending = NULL;
	if (!e)
		return false;
	if (print) {
		qv_jmp j;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			c->exc = NULL;
			return true;
		}
		exc_print(c, e);
		qv_untry(c, &j);
	}
	return true;
}

/* ------------------------------------------------------------ calls */
/* Outside any run (the port calling back from its main loop) there is no
 * frame: start from a clean interpreter state as qv_exec does. */
static void enter_outside(qv_ctx *c)
{
	if (!c->jmp) {
		c->depth = 0;
		c->frame = NULL;
		c->fs_top = c->fs_base;
		c->cur_exc = NULL;
	}
}

qv_val qv_call(qv_ctx *c, qv_val fn, size_t argc, qv_val *argv)
{
	if (null_arg(c, fn, "qv_call: NULL function"))
		return NULL;
	for (size_t i = 0; i < argc; i++)
		if (null_arg(c, argv[i], "qv_call: NULL argument"))
			return NULL;
	enter_outside(c);
	qv_obj r;
	c->ext_pending = NULL;
	GUARDED(c, NULL, r = rt_call(c, OBJ(fn), argc, 0, (qv_obj *)argv));
	return VAL(r);
}

int qv_root_add(qv_ctx *c, qv_val v)
{
	if (!v)
		return -1;
	for (int i = 0; i < QV_MAX_ROOTS; i++)
		if (!c->roots[i]) {
			c->roots[i] = OBJ(v);
			return i;
		}
	return -1;
}

qv_val qv_root_get(qv_ctx *c, int slot)
{
	if (slot < 0 || slot >= QV_MAX_ROOTS)
		return NULL;
	return VAL(c->roots[slot]);
}

void qv_root_drop(qv_ctx *c, int slot)
{
	if (slot >= 0 && slot < QV_MAX_ROOTS)
		c->roots[slot] = NULL;
}

qv_val qv_get_global(qv_ctx *c, const char *name)
{
	qv_obj r;
	c->ext_pending = NULL;
	GUARDED(c, NULL, r = dict_get(c, c->main_dict, str_cstr(c, name)));
	return VAL(r);
}

bool qv_set_global(qv_ctx *c, const char *name, qv_val v)
{
	if (null_arg(c, v, "qv_set_global: NULL value"))
		return false;
	GUARDED(c, false, dict_set(c, c->main_dict, str_intern(c, name, rt_strlen(name)), OBJ(v)));
	return true;
}

/* ------------------------------------------------------------ marshal
 * A tag byte per value; counts and lengths are 32-bit little-endian.
 *   N None, T True, F False, i int64, I big int (length + decimal text),
 *   f float64, s str, b bytes, a bytearray (length + bytes),
 *   t tuple, l list (count + values), d dict (count + str key, value pairs)
 * after a 4-byte header "QVM1". */
#define MARSHAL_DEPTH 64

typedef struct { uint8_t *buf; size_t cap, n; } mwriter;

static void mw_put(mwriter *w, const void *p, size_t n)
{
	if (w->n + n <= w->cap && w->buf)
		__builtin_memcpy(w->buf + w->n, p, n);
	w->n += n;
}

static void mw_u32(qv_ctx *c, mwriter *w, size_t v)
{
	if (v > 0xffffffffu)
		qv_raisef(c, EXC(ValueError), "marshal: object too large");
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	mw_put(w, b, 4);
}

static void mw_tagged(qv_ctx *c, mwriter *w, char tag, const void *p, size_t n)
{
	mw_put(w, &tag, 1);
	mw_u32(c, w, n);
	mw_put(w, p, n);
}

static void mw_value(qv_ctx *c, mwriter *w, qv_obj o, int depth)
{
	if (depth > MARSHAL_DEPTH)
		qv_raisef(c, EXC(ValueError), "marshal: nested too deep");
	if (o == NONE || o == TRUE_ || o == FALSE_) {
		char t = o == NONE ? 'N' : o == TRUE_ ? 'T' : 'F';
		mw_put(w, &t, 1);
		return;
	}
	const qv_type *t = TYPE(o);
	if (t == &qv_int_type || t == &qv_bigint_type) {
		int64_t v;
		if (int_to_i64(o, &v)) {
			uint8_t b[9] = {'i'};
			for (int k = 0; k < 8; k++)
				b[1 + k] = (uint8_t)((uint64_t)v >> (8 * k));
			mw_put(w, b, 9);
		} else {
			qv_obj s = int_repr_base(c, o, 10, false);
			mw_tagged(c, w, 'I', STR(s)->data, STR(s)->len);
		}
	} else if (t == &qv_float_type) {
		uint64_t bits;
		double d = FLOAT_VAL(o);
		__builtin_memcpy(&bits, &d, 8);
		uint8_t b[9] = {'f'};
		for (int k = 0; k < 8; k++)
			b[1 + k] = (uint8_t)(bits >> (8 * k));
		mw_put(w, b, 9);
	} else if (t == &qv_str_type)
		mw_tagged(c, w, 's', STR(o)->data, STR(o)->len);
	else if (t == &qv_bytes_type)
		mw_tagged(c, w, 'b', STR(o)->data, STR(o)->len);
	else if (t == &qv_bytearray_type)
		mw_tagged(c, w, 'a', ((qv_bytearray *)o)->data, ((qv_bytearray *)o)->len);
	else if (t == &qv_tuple_type || t == &qv_list_type) {
		size_t n;
		qv_obj *items = seq_array(c, o, &n);
		char tag = t == &qv_tuple_type ? 't' : 'l';
		mw_put(w, &tag, 1);
		mw_u32(c, w, n);
		/* a list may change under a __repr__-free walk only if code runs:
		 * none does here, so items stays valid */
		for (size_t i = 0; i < n; i++)
			mw_value(c, w, items[i], depth + 1);
	} else if (t == &qv_dict_type) {
		qv_dictobj *d = (qv_dictobj *)o;
		mw_put(w, "d", 1);
		mw_u32(c, w, d->used);
		for (size_t i = 0; i < d->n; i++) {
			qv_dentry *e = &d->entries[i];
			if (!e->key)
				continue;
			if (!IS_STR(e->key))
				qv_raisef(c, EXC(ValueError), "marshal: dict keys must be str, not %s", type_name(e->key));
			mw_value(c, w, e->key, depth + 1);
			mw_value(c, w, e->value, depth + 1);
		}
	} else
		qv_raisef(c, EXC(ValueError), "marshal: unsupported type '%s'", type_name(o));
}

int qv_marshal_out(qv_ctx *c, qv_val v, uint8_t *buf, size_t cap, size_t *len)
{
	mwriter w = {buf, cap, 0};
	*len = 0;
	if (null_arg(c, v, "qv_marshal_out: NULL value"))
		return QV_EXC;
	c->ext_pending = NULL;
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		c->ext_pending = c->exc;
		c->exc = NULL;
		return QV_EXC;
	}
	mw_put(&w, "QVM1", 4);
	mw_value(c, &w, OBJ(v), 0);
	if (w.n > cap) {
		*len = w.n;
		qv_raisef(c, EXC(ValueError), "marshal: needs %u bytes, buffer has %u", (unsigned)w.n, (unsigned)cap);
	}
	qv_untry(c, &j);
	*len = w.n;
	return QV_OK;
}

typedef struct { const uint8_t *p, *end; } mreader;

static _Noreturn void mr_bad(qv_ctx *c)
{
	qv_raisef(c, EXC(ValueError), "marshal: bad data");
}

static const uint8_t *mr_take(qv_ctx *c, mreader *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		mr_bad(c);
	const uint8_t *p = r->p;
	r->p += n;
	return p;
}

static size_t mr_u32(qv_ctx *c, mreader *r)
{
	const uint8_t *b = mr_take(c, r, 4);
	return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

static uint64_t mr_u64(qv_ctx *c, mreader *r)
{
	const uint8_t *b = mr_take(c, r, 8);
	uint64_t v = 0;
	for (int k = 0; k < 8; k++)
		v |= (uint64_t)b[k] << (8 * k);
	return v;
}

static qv_obj mr_value(qv_ctx *c, mreader *r, int depth)
{
	if (depth > MARSHAL_DEPTH)
		mr_bad(c);
	uint8_t tag = *mr_take(c, r, 1);
	switch (tag) {
	case 'N': return NONE;
	case 'T': return TRUE_;
	case 'F': return FALSE_;
	case 'i': return int_from_i64(c, (int64_t)mr_u64(c, r));
	case 'f': {
		uint64_t bits = mr_u64(c, r);
		double d;
		__builtin_memcpy(&d, &bits, 8);
		return float_new(c, d);
	}
	case 'I': case 's': case 'b': case 'a': {
		size_t n = mr_u32(c, r);
		const char *p = (const char *)mr_take(c, r, n);
		if (tag == 's') {
			if (!utf8_valid(p, n))
				mr_bad(c);
			return str_new(c, p, n);
		}
		if (tag == 'b')
			return bytes_new(c, p, n);
		if (tag == 'a')
			return ba_new(c, p, n);
		bool ok;
		qv_obj v = n ? int_parse(c, p, n, 10, &ok) : NULL;
		if (!v || !ok)
			mr_bad(c);
		return v;
	}
	case 't': case 'l': {
		size_t n = mr_u32(c, r);
		if (n > (size_t)(r->end - r->p)) /* every item takes at least a byte */
			mr_bad(c);
		qv_obj l = list_new(c, 0);
		for (size_t i = 0; i < n; i++)
			list_append(c, l, mr_value(c, r, depth + 1));
		return tag == 'l' ? l : tuple_from(c, n, ((qv_listobj *)l)->items);
	}
	case 'd': {
		size_t n = mr_u32(c, r);
		if (n > (size_t)(r->end - r->p) / 2)
			mr_bad(c);
		qv_obj d = dict_new(c);
		for (size_t i = 0; i < n; i++) {
			qv_obj k = mr_value(c, r, depth + 1);
			if (!IS_STR(k))
				mr_bad(c);
			dict_set(c, d, k, mr_value(c, r, depth + 1));
		}
		return d;
	}
	default:
		mr_bad(c);
	}
}

qv_val qv_marshal_in(qv_ctx *c, const uint8_t *buf, size_t len)
{
	mreader r = {buf, buf + len};
	qv_obj v;
	c->ext_pending = NULL;
	GUARDED(c, NULL, {
		const uint8_t *h = mr_take(c, &r, 4);
		if (h[0] != 'Q' || h[1] != 'V' || h[2] != 'M' || h[3] != '1')
			mr_bad(c);
		v = mr_value(c, &r, 0);
		if (r.p != r.end)
			mr_bad(c);
	});
	return VAL(v);
}

