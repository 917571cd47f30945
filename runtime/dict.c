/* Hash tables: dict (insertion ordered: an entry array plus an index of
 * entry numbers) and set/frozenset (open addressing with the probe sequence
 * and resize policy CPython uses, so that iteration order matches for the
 * same insertions). */
#include "rt.h"

/* ------------------------------------------------------------ dict */
#define D(o) ((qv_dictobj *)(o))

qv_obj dict_new(qv_ctx *c)
{
	qv_dictobj *d = NEW(c, qv_dictobj);
	d->type = &qv_dict_type;
	return (qv_obj)d;
}

static bool keys_eq(qv_ctx *c, qv_obj a, qv_obj b)
{
	if (a == b)
		return true;
	if (IS_STR(a) && IS_STR(b))
		return str_eq(a, b);
	if (IS_INT(a) && IS_INT(b))
		return false;
	return qv_eq(c, a, b);
}

/* Index slot for key, or the first free slot when absent (*found false). */
static size_t lookup(qv_ctx *c, qv_dictobj *d, qv_obj key, intptr_t h, bool *found)
{
	size_t mask = d->mask, i = (size_t)h & mask, perturb = (size_t)h;
	size_t freeslot = SIZE_MAX;
	for (;;) {
		int32_t e = d->index[i];
		if (e == -1) {
			*found = false;
			return freeslot != SIZE_MAX ? freeslot : i;
		}
		if (e == -2) {
			if (freeslot == SIZE_MAX)
				freeslot = i;
		} else {
			qv_dentry *en = &d->entries[e];
			if (en->key == key || (en->hash == h && keys_eq(c, en->key, key))) {
				*found = true;
				return i;
			}
		}
		perturb >>= 5;
		i = (i * 5 + 1 + perturb) & mask;
	}
}

static void dict_resize(qv_ctx *c, qv_dictobj *d, size_t want)
{
	size_t size = 8;
	while (size < want * 3 / 2 + 1)
		size *= 2;
	if (size > ((size_t)1 << 28))
		rt_raise(c, c->memerr);
	qv_dentry *ne = gc_alloc(c, sizeof(qv_dentry) * (size * 2 / 3 + 1), false);
	int32_t *ni = gc_alloc(c, sizeof(int32_t) * size, true);
	for (size_t i = 0; i < size; i++)
		ni[i] = -1;
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (!d->entries[i].key)
			continue;
		ne[k] = d->entries[i];
		size_t mask = size - 1, j = (size_t)ne[k].hash & mask, perturb = (size_t)ne[k].hash;
		while (ni[j] != -1) {
			perturb >>= 5;
			j = (j * 5 + 1 + perturb) & mask;
		}
		ni[j] = (int32_t)k;
		k++;
	}
	d->entries = ne;
	d->index = ni;
	d->mask = size - 1;
	d->n = k;
	d->cap = size * 2 / 3;
}

qv_obj dict_get(qv_ctx *c, qv_obj o, qv_obj k)
{
	qv_dictobj *d = D(o);
	if (!d->used)
		return NULL;
	intptr_t h = qv_hash(c, k);
	bool found;
	size_t i = lookup(c, d, k, h, &found);
	return found ? d->entries[d->index[i]].value : NULL;
}

qv_obj dict_get_str(qv_obj o, qv_obj k)
{
	qv_dictobj *d = D(o);
	if (!d->used)
		return NULL;
	intptr_t h = IS_STR(k) ? (intptr_t)str_hash(k) : 0;
	size_t mask = d->mask, i = (size_t)h & mask, perturb = (size_t)h;
	for (;;) {
		int32_t e = d->index[i];
		if (e == -1)
			return NULL;
		if (e >= 0) {
			qv_dentry *en = &d->entries[e];
			if (en->key == k || (en->hash == h && str_eq(en->key, k)))
				return en->value;
		}
		perturb >>= 5;
		i = (i * 5 + 1 + perturb) & mask;
	}
}

void dict_set(qv_ctx *c, qv_obj o, qv_obj k, qv_obj v)
{
	qv_dictobj *d = D(o);
	intptr_t h = qv_hash(c, k);
	if (!d->index)
		dict_resize(c, d, 5);
	bool found;
	size_t i = lookup(c, d, k, h, &found);
	d->version++;
	if (found) {
		d->entries[d->index[i]].value = v;
		return;
	}
	if (d->n >= d->cap) {
		dict_resize(c, d, d->used + 1 > 4 ? (d->used + 1) * 2 : 5);
		i = lookup(c, d, k, h, &found);
	}
	d->entries[d->n].key = k;
	d->entries[d->n].value = v;
	d->entries[d->n].hash = h;
	d->index[i] = (int32_t)d->n;
	d->n++;
	d->used++;
}

bool dict_del(qv_ctx *c, qv_obj o, qv_obj k)
{
	qv_dictobj *d = D(o);
	if (!d->used)
		return false;
	intptr_t h = qv_hash(c, k);
	bool found;
	size_t i = lookup(c, d, k, h, &found);
	if (!found)
		return false;
	qv_dentry *e = &d->entries[d->index[i]];
	d->version++;
	e->key = NULL;
	e->value = NULL;
	d->index[i] = -2;
	d->used--;
	if (d->used == 0) {
		d->n = 0;
		d->index = NULL;
		d->entries = NULL;
		d->cap = 0;
		d->mask = 0;
	}
	return true;
}

static _Noreturn void key_error(qv_ctx *c, qv_obj k)
{
	rt_raise(c, exc_new(c, EXC(KeyError), tuple_pack(c, 1, k)));
}

static qv_obj dict_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_dictobj *d = D(o);
	if (!c->repr_stack)
		c->repr_stack = list_new(c, 0);
	qv_listobj *rs = (qv_listobj *)c->repr_stack;
	for (size_t i = 0; i < rs->len; i++)
		if (rs->items[i] == o)
			return str_cstr(c, "{...}");
	list_append(c, c->repr_stack, o);
	sbuf b;
	sb_init(&b, c, 16 + d->used * 8);
	sb_addc(&b, '{');
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		rs->len--;
		rt_raise(c, c->exc);
	}
	bool first = true;
	for (size_t i = 0; i < d->n; i++) {
		if (!d->entries[i].key)
			continue;
		if (!first)
			sb_adds(&b, ", ");
		first = false;
		sb_addobj(&b, qv_repr(c, d->entries[i].key));
		sb_adds(&b, ": ");
		sb_addobj(&b, qv_repr(c, d->entries[i].value));
	}
	qv_untry(c, &j);
	rs->len--;
	sb_addc(&b, '}');
	return sb_str(&b);
}

static qv_obj dict_subscr(qv_ctx *c, qv_obj o, qv_obj k, qv_obj v)
{
	if (!v) {
		qv_obj r = dict_get(c, o, k);
		if (!r)
			key_error(c, k);
		return r;
	}
	if (v == DELETE) {
		if (!dict_del(c, o, k))
			key_error(c, k);
		return NONE;
	}
	dict_set(c, o, k, v);
	return NONE;
}

static intptr_t dict_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)D(o)->used;
}

/* iterators over keys (0), values (1), items (2) */
static qv_obj dict_iter_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_dictobj *d = D(it->obj);
	if (d->used != (size_t)it->n) {
		it->n = (intptr_t)d->used;
		qv_raisef(c, EXC(RuntimeError), "dictionary changed size during iteration");
	}
	while ((size_t)it->i < d->n && !d->entries[it->i].key)
		it->i++;
	if ((size_t)it->i >= d->n)
		return NULL;
	qv_dentry *e = &d->entries[it->i++];
	switch ((intptr_t)it->a) {
	case 0: return e->key;
	case 1: return e->value;
	default: return tuple_pack(c, 2, e->key, e->value);
	}
}

static qv_obj dict_iter_kind(qv_ctx *c, qv_obj d, int kind)
{
	qv_iterobj *it = NEW(c, qv_iterobj);
	it->type = &qv_iter_type;
	it->obj = d;
	it->next = dict_iter_next;
	it->n = (intptr_t)D(d)->used;
	it->a = (qv_obj)(intptr_t)kind;
	return (qv_obj)it;
}

static qv_obj dict_iter(qv_ctx *c, qv_obj o)
{
	return dict_iter_kind(c, o, 0);
}

static qv_obj dict_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (!IS(a, qv_dict_type) || !IS(b, qv_dict_type))
		return NULL;
	if (o == OP_EQ || o == OP_NE) {
		qv_dictobj *x = D(a), *y = D(b);
		bool eq = x->used == y->used;
		for (size_t i = 0; eq && i < x->n; i++) {
			if (!x->entries[i].key)
				continue;
			qv_obj v = dict_get(c, b, x->entries[i].key);
			if (!v || !(v == x->entries[i].value || qv_eq(c, v, x->entries[i].value)))
				eq = false;
		}
		return BOOL(o == OP_EQ ? eq : !eq);
	}
	if (o == OP_OR) {
		if (op & OP_INPLACE) {
			qv_call_method(c, a, QS(update), 1, &b);
			return a;
		}
		qv_obj r = dict_new(c);
		qv_call_method(c, r, QS(update), 1, &a);
		qv_call_method(c, r, QS(update), 1, &b);
		return r;
	}
	return NULL;
}

/* views */
typedef struct { const qv_type *type; qv_obj dict; intptr_t kind; } dview;
extern const qv_type qv_dictview_type, qv_dictvalues_type, qv_dictitems_type;

static qv_obj make_view(qv_ctx *c, qv_obj d, int kind)
{
	dview *v = NEW(c, dview);
	v->type = kind == 0 ? &qv_dictview_type : kind == 1 ? &qv_dictvalues_type : &qv_dictitems_type;
	v->dict = d;
	v->kind = kind;
	return (qv_obj)v;
}

static qv_obj view_iter(qv_ctx *c, qv_obj o)
{
	return dict_iter_kind(c, ((dview *)o)->dict, (int)((dview *)o)->kind);
}

static intptr_t view_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)D(((dview *)o)->dict)->used;
}

static qv_obj view_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	static const char *const names[] = {"dict_keys", "dict_values", "dict_items"};
	qv_obj l = list_from_iter(c, o);
	return str_fmt(c, "%s(%R)", names[((dview *)o)->kind], l);
}

static qv_obj view_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (o == OP_IN && (op & OP_REFLECT)) {
		dview *v = (dview *)b;
		if (v->kind == 0)
			return BOOL(dict_get(c, v->dict, a) != NULL);
		if (v->kind == 2) {
			if (!IS(a, qv_tuple_type) || ((qv_tupleobj *)a)->len != 2)
				return FALSE_;
			qv_obj val = dict_get(c, v->dict, ((qv_tupleobj *)a)->items[0]);
			return BOOL(val && qv_eq(c, val, ((qv_tupleobj *)a)->items[1]));
		}
		return NULL;
	}
	if ((o == OP_AND || o == OP_OR || o == OP_SUB || o == OP_XOR || (o >= OP_LT && o <= OP_GE))) {
		qv_obj x = IS(a, qv_dictview_type) || IS(a, qv_dictitems_type) ? qv_call1(c, (qv_obj)&qv_set_type, a) : a;
		qv_obj y = IS(b, qv_dictview_type) || IS(b, qv_dictitems_type) ? qv_call1(c, (qv_obj)&qv_set_type, b) : b;
		if (o >= OP_LT && o <= OP_GE && !(IS(x, qv_set_type) && IS(y, qv_set_type)))
			return NULL;
		return qv_binop(c, o, x, y);
	}
	return NULL;
}

const qv_type qv_dictview_type = {
	.type = &qv_type_type, .name = QS_dict_keys, .iter = view_iter, .len = view_len, .repr = view_repr,
	.binop = view_binop, .getattr = builtin_getattr,
};
const qv_type qv_dictvalues_type = {
	.type = &qv_type_type, .name = QS_dict_values, .iter = view_iter, .len = view_len, .repr = view_repr,
	.binop = view_binop, .getattr = builtin_getattr,
};
const qv_type qv_dictitems_type = {
	.type = &qv_type_type, .name = QS_dict_items, .iter = view_iter, .len = view_len, .repr = view_repr,
	.binop = view_binop, .getattr = builtin_getattr,
};

#define M(name) static qv_obj name(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
M(d_keys) { UNUSED(n); UNUSED(kw); return make_view(c, a[0], 0); }
M(d_values) { UNUSED(n); UNUSED(kw); return make_view(c, a[0], 1); }
M(d_items) { UNUSED(n); UNUSED(kw); return make_view(c, a[0], 2); }
M(d_get)
{
	UNUSED(kw);
	qv_obj v = dict_get(c, a[0], a[1]);
	return v ? v : n > 2 ? a[2] : NONE;
}
M(d_pop)
{
	UNUSED(kw);
	qv_obj v = dict_get(c, a[0], a[1]);
	if (!v) {
		if (n > 2)
			return a[2];
		key_error(c, a[1]);
	}
	dict_del(c, a[0], a[1]);
	return v;
}
M(d_popitem)
{
	UNUSED(n); UNUSED(kw);
	qv_dictobj *d = D(a[0]);
	for (size_t i = d->n; i-- > 0;) {
		if (!d->entries[i].key)
			continue;
		qv_obj k = d->entries[i].key, v = d->entries[i].value;
		dict_del(c, a[0], k);
		return tuple_pack(c, 2, k, v);
	}
	qv_raisef(c, EXC(KeyError), "popitem(): dictionary is empty");
}
M(d_setdefault)
{
	UNUSED(kw);
	qv_obj v = dict_get(c, a[0], a[1]);
	if (v)
		return v;
	v = n > 2 ? a[2] : NONE;
	dict_set(c, a[0], a[1], v);
	return v;
}
static void dict_update_from(qv_ctx *c, qv_obj d, qv_obj src)
{
	if (IS(src, qv_dict_type)) {
		qv_dictobj *s = D(src);
		for (size_t i = 0; i < s->n; i++)
			if (s->entries[i].key)
				dict_set(c, d, s->entries[i].key, s->entries[i].value);
		return;
	}
	qv_obj keys = qv_getattr_opt(c, src, QS(keys));
	if (keys) {
		qv_obj it = qv_iter(c, qv_call0(c, keys)), k;
		while ((k = qv_next(c, it)))
			dict_set(c, d, k, qv_getitem(c, src, k));
		return;
	}
	qv_obj it = qv_iter(c, src), p;
	size_t idx = 0;
	while ((p = qv_next(c, it))) {
		size_t pn;
		qv_obj *pi;
		if (IS(p, qv_tuple_type) || IS(p, qv_list_type))
			pi = seq_array(c, p, &pn);
		else {
			qv_obj l = list_from_iter(c, p);
			pi = seq_array(c, l, &pn);
		}
		if (pn != 2)
			qv_raisef(c, EXC(ValueError), "dictionary update sequence element #%u has length %u; 2 is required", (unsigned)idx, (unsigned)pn);
		dict_set(c, d, pi[0], pi[1]);
		idx++;
	}
}
M(d_update)
{
	if (n > 1)
		dict_update_from(c, a[0], a[1]);
	if (kw)
		dict_update_from(c, a[0], kw);
	return NONE;
}
M(d_clear)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_dictobj *d = D(a[0]);
	d->version++;
	d->used = d->n = d->cap = d->mask = 0;
	d->entries = NULL;
	d->index = NULL;
	return NONE;
}
M(d_copy)
{
	UNUSED(n); UNUSED(kw);
	qv_obj r = dict_new(c);
	dict_update_from(c, r, a[0]);
	return r;
}
M(d_fromkeys)
{
	UNUSED(kw);
	qv_obj r = a[0] == (qv_obj)&qv_dict_type ? dict_new(c) : qv_call0(c, a[0]);
	qv_obj it = qv_iter(c, a[1]), k;
	qv_obj v = n > 2 ? a[2] : NONE;
	while ((k = qv_next(c, it)))
		qv_setitem(c, r, k, v);
	return r;
}
M(d_getitem) { UNUSED(n); UNUSED(kw); return dict_subscr(c, a[0], a[1], NULL); }
M(d_setitem) { UNUSED(n); UNUSED(kw); return dict_subscr(c, a[0], a[1], a[2]); }
M(d_delitem) { UNUSED(n); UNUSED(kw); return dict_subscr(c, a[0], a[1], DELETE); }
M(d_contains) { UNUSED(n); UNUSED(kw); return BOOL(dict_get(c, a[0], a[1]) != NULL); }
M(d_len) { UNUSED(c); UNUSED(n); UNUSED(kw); return MKINT(D(a[0])->used); }
M(d_iter) { UNUSED(n); UNUSED(kw); return dict_iter(c, a[0]); }
M(d_init) { return d_update(c, n, a, kw); }
M(d_reversed)
{
	UNUSED(n); UNUSED(kw);
	qv_obj l = list_from_iter(c, a[0]);
	qv_listobj *ll = (qv_listobj *)l;
	for (size_t i = 0; i < ll->len / 2; i++) {
		qv_obj t = ll->items[i];
		ll->items[i] = ll->items[ll->len - 1 - i];
		ll->items[ll->len - 1 - i] = t;
	}
	return qv_iter(c, l);
}
M(d_repr) { UNUSED(n); UNUSED(kw); return dict_repr(c, a[0], false); }
M(d_eq)
{
	UNUSED(n); UNUSED(kw);
	qv_obj b = a[1];
	if (!IS_INT(b) && (TYPE(b)->flags & TF_USER) && ((qv_inst *)b)->native)
		b = ((qv_inst *)b)->native;
	qv_obj r = dict_binop(c, OP_EQ, a[0], b);
	return r ? r : NOTIMPL;
}

static const qv_method dict_methods[] = {
	METH(keys, 1, 1, d_keys), METH(values, 1, 1, d_values), METH(items, 1, 1, d_items),
	METH(get, 2, 3, d_get), METH(pop, 2, 3, d_pop), METH(popitem, 1, 1, d_popitem),
	METH(setdefault, 2, 3, d_setdefault), METH(update, 1, 2, d_update), METH(clear, 1, 1, d_clear),
	METH(copy, 1, 1, d_copy), CMETH(fromkeys, 2, 3, d_fromkeys), METH(__getitem__, 2, 2, d_getitem),
	METH(__setitem__, 3, 3, d_setitem), METH(__delitem__, 2, 2, d_delitem),
	METH(__contains__, 2, 2, d_contains), METH(__len__, 1, 1, d_len), METH(__iter__, 1, 1, d_iter),
	METH(__init__, 1, 2, d_init), METH(__repr__, 1, 1, d_repr), METH(__eq__, 2, 2, d_eq),
	METH(__reversed__, 1, 1, d_reversed), METH_END,
};

static qv_obj dict_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	qv_obj d = dict_new(c);
	if (npos > 1)
		qv_raisef(c, EXC(TypeError), "dict expected at most 1 argument, got %u", (unsigned)npos);
	if (npos)
		dict_update_from(c, d, args[0]);
	for (size_t i = 0; i < nkw; i++)
		dict_set(c, d, args[npos + 2 * i], args[npos + 2 * i + 1]);
	return d;
}

const qv_type qv_dict_type = {
	.type = &qv_type_type, .name = QS_dict, .flags = TF_BASETYPE, .repr = dict_repr, .subscr = dict_subscr,
	.len = dict_len, .iter = dict_iter, .binop = dict_binop, .methods = dict_methods, .make = dict_make,
	.getattr = builtin_getattr,
};

/* ------------------------------------------------------------ set */
#define S(o) ((qv_set *)(o))
static const struct qv_head set_dummy_obj = {&qv_none_type};
#define DUMMY ((qv_obj)&set_dummy_obj)
#define LINEAR_PROBES 9

qv_obj set_new(qv_ctx *c, const qv_type *t)
{
	qv_set *s = NEW(c, qv_set);
	s->type = t;
	return (qv_obj)s;
}

static void set_alloc(qv_ctx *c, qv_set *s, size_t size)
{
	s->table = gc_alloc(c, sizeof(qv_obj) * size, false);
	s->hashes = gc_alloc(c, sizeof(intptr_t) * size, true);
	s->mask = size - 1;
}

static void insert_clean(qv_set *s, qv_obj key, intptr_t h)
{
	size_t mask = s->mask, i = (size_t)h & mask, perturb = (size_t)h;
	for (;;) {
		if (!s->table[i])
			goto found;
		if (i + LINEAR_PROBES <= mask) {
			for (size_t j = 1; j <= LINEAR_PROBES; j++)
				if (!s->table[i + j]) {
					i += j;
					goto found;
				}
		}
		perturb >>= 5;
		i = (i * 5 + 1 + perturb) & mask;
	}
found:
	s->table[i] = key;
	s->hashes[i] = h;
}

static void set_resize(qv_ctx *c, qv_set *s, size_t minused)
{
	size_t newsize = 8;
	while (newsize <= minused)
		newsize <<= 1;
	if (newsize > ((size_t)1 << 28))
		rt_raise(c, c->memerr);
	qv_obj *ot = s->table;
	intptr_t *oh = s->hashes;
	size_t osize = ot ? s->mask + 1 : 0;
	set_alloc(c, s, newsize);
	s->fill = s->used;
	for (size_t i = 0; i < osize; i++)
		if (ot[i] && ot[i] != DUMMY)
			insert_clean(s, ot[i], oh[i]);
}

static void set_add_hash(qv_ctx *c, qv_set *s, qv_obj key, intptr_t h)
{
	if (!s->table)
		set_alloc(c, s, 8);
restart:;
	size_t mask = s->mask, i = (size_t)h & mask, perturb = (size_t)h;
	intptr_t freeslot = -1;
	for (;;) {
		size_t probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
		size_t k = i;
		for (;;) {
			qv_obj e = s->table[k];
			if (!e)
				goto found_unused;
			if (e == DUMMY) {
				if (freeslot < 0)
					freeslot = (intptr_t)k;
			} else if (s->hashes[k] == h && keys_eq(c, e, key)) {
				return;
			}
			if (s->table != NULL && mask != s->mask)
				goto restart;
			if (probes-- == 0)
				break;
			k++;
		}
		perturb >>= 5;
		i = (i * 5 + 1 + perturb) & mask;
		continue;
found_unused:
		if (freeslot >= 0) {
			s->table[freeslot] = key;
			s->hashes[freeslot] = h;
			s->used++;
			return;
		}
		s->table[k] = key;
		s->hashes[k] = h;
		s->fill++;
		s->used++;
		if (s->fill * 5 >= mask * 3)
			set_resize(c, s, s->used > 50000 ? s->used * 2 : s->used * 4);
		return;
	}
}

void set_add(qv_ctx *c, qv_obj o, qv_obj key)
{
	set_add_hash(c, S(o), key, qv_hash(c, key));
}

static intptr_t set_find(qv_ctx *c, qv_set *s, qv_obj key, intptr_t h)
{
	if (!s->table)
		return -1;
	size_t mask = s->mask, i = (size_t)h & mask, perturb = (size_t)h;
	for (;;) {
		size_t probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
		size_t k = i;
		for (;;) {
			qv_obj e = s->table[k];
			if (!e)
				return -1;
			if (e != DUMMY && s->hashes[k] == h && keys_eq(c, e, key))
				return (intptr_t)k;
			if (probes-- == 0)
				break;
			k++;
		}
		perturb >>= 5;
		i = (i * 5 + 1 + perturb) & mask;
	}
}

static qv_obj frozen_key(qv_ctx *c, qv_obj key)
{
	/* a set used as a key is looked up as the frozenset with the same items */
	if (IS(key, qv_set_type)) {
		qv_obj f = set_new(c, &qv_frozenset_type);
		set_update(c, f, key);
		return f;
	}
	return key;
}

bool set_has(qv_ctx *c, qv_obj o, qv_obj key)
{
	key = frozen_key(c, key);
	return set_find(c, S(o), key, qv_hash(c, key)) >= 0;
}

bool set_discard(qv_ctx *c, qv_obj o, qv_obj key)
{
	qv_set *s = S(o);
	key = frozen_key(c, key);
	intptr_t k = set_find(c, s, key, qv_hash(c, key));
	if (k < 0)
		return false;
	s->table[k] = DUMMY;
	s->hashes[k] = -1;
	s->used--;
	return true;
}

void set_update(qv_ctx *c, qv_obj o, qv_obj it)
{
	qv_set *s = S(o);
	if (IS(it, qv_set_type) || IS(it, qv_frozenset_type)) {
		qv_set *t = S(it);
		if (!t->used)
			return;
		if ((s->fill + t->used) * 5 >= s->mask * 3 || !s->table)
			set_resize(c, s, (s->used + t->used) * 2);
		if (s->fill == 0 && s->mask == t->mask) {
			for (size_t i = 0; i <= t->mask; i++)
				if (t->table[i] && t->table[i] != DUMMY) {
					s->table[i] = t->table[i];
					s->hashes[i] = t->hashes[i];
				}
			s->fill = s->used = t->used;
			return;
		}
		if (s->fill == 0) {
			for (size_t i = 0; i <= t->mask; i++)
				if (t->table[i] && t->table[i] != DUMMY)
					insert_clean(s, t->table[i], t->hashes[i]);
			s->fill = s->used = t->used;
			return;
		}
		for (size_t i = 0; i <= t->mask; i++)
			if (t->table[i] && t->table[i] != DUMMY)
				set_add_hash(c, s, t->table[i], t->hashes[i]);
		return;
	}
	if (IS(it, qv_dict_type)) {
		qv_dictobj *d = D(it);
		for (size_t i = 0; i < d->n; i++)
			if (d->entries[i].key)
				set_add_hash(c, s, d->entries[i].key, d->entries[i].hash);
		return;
	}
	qv_obj i = qv_iter(c, it), v;
	while ((v = qv_next(c, i)))
		set_add(c, o, v);
}

static qv_obj set_copy_as(qv_ctx *c, qv_obj o, const qv_type *t)
{
	qv_obj r = set_new(c, t);
	set_update(c, r, o);
	return r;
}

static qv_obj set_repr(qv_ctx *c, qv_obj o, bool str)
{
	UNUSED(str);
	qv_set *s = S(o);
	bool frozen = o->type == &qv_frozenset_type;
	if (!s->used)
		return str_cstr(c, frozen ? "frozenset()" : "set()");
	if (!c->repr_stack)
		c->repr_stack = list_new(c, 0);
	qv_listobj *rs = (qv_listobj *)c->repr_stack;
	for (size_t i = 0; i < rs->len; i++)
		if (rs->items[i] == o)
			return str_fmt(c, "%s(...)", type_name(o));
	list_append(c, c->repr_stack, o);
	sbuf b;
	sb_init(&b, c, 16 + s->used * 4);
	if (frozen)
		sb_adds(&b, "frozenset(");
	sb_addc(&b, '{');
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		rs->len--;
		rt_raise(c, c->exc);
	}
	bool first = true;
	for (size_t i = 0; i <= s->mask; i++) {
		qv_obj k = s->table[i];
		if (!k || k == DUMMY)
			continue;
		if (!first)
			sb_adds(&b, ", ");
		first = false;
		sb_addobj(&b, qv_repr(c, k));
	}
	qv_untry(c, &j);
	rs->len--;
	sb_addc(&b, '}');
	if (frozen)
		sb_addc(&b, ')');
	return sb_str(&b);
}

static qv_obj set_iter_next(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = (qv_iterobj *)o;
	qv_set *s = S(it->obj);
	if (s->used != (size_t)it->n) {
		it->n = (intptr_t)s->used;
		qv_raisef(c, EXC(RuntimeError), "Set changed size during iteration");
	}
	if (!s->table)
		return NULL;
	while ((size_t)it->i <= s->mask) {
		qv_obj k = s->table[it->i++];
		if (k && k != DUMMY)
			return k;
	}
	return NULL;
}

static qv_obj set_iter(qv_ctx *c, qv_obj o)
{
	qv_iterobj *it = NEW(c, qv_iterobj);
	it->type = &qv_iter_type;
	it->obj = o;
	it->next = set_iter_next;
	it->n = (intptr_t)S(o)->used;
	return (qv_obj)it;
}

static intptr_t set_len(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)S(o)->used;
}

static bool is_anyset(qv_obj o)
{
	return IS(o, qv_set_type) || IS(o, qv_frozenset_type);
}

static bool subset(qv_ctx *c, qv_obj a, qv_obj b)
{
	qv_set *x = S(a);
	if (x->used > S(b)->used)
		return false;
	for (size_t i = 0; x->table && i <= x->mask; i++)
		if (x->table[i] && x->table[i] != DUMMY && set_find(c, S(b), x->table[i], x->hashes[i]) < 0)
			return false;
	return true;
}

static qv_obj set_op(qv_ctx *c, int o, qv_obj a, qv_obj b, const qv_type *rt)
{
	qv_set *x = S(a), *y = S(b);
	qv_obj r;
	switch (o) {
	case OP_OR:
		r = set_copy_as(c, a, rt);
		set_update(c, r, b);
		return r;
	case OP_AND: {
		r = set_new(c, rt);
		qv_set *small = x, *big = y;
		if (x->used > y->used) {
			small = y;
			big = x;
		}
		for (size_t i = 0; small->table && i <= small->mask; i++)
			if (small->table[i] && small->table[i] != DUMMY && set_find(c, big, small->table[i], small->hashes[i]) >= 0)
				set_add_hash(c, S(r), small->table[i], small->hashes[i]);
		return r;
	}
	case OP_SUB:
		r = set_new(c, rt);
		for (size_t i = 0; x->table && i <= x->mask; i++)
			if (x->table[i] && x->table[i] != DUMMY && set_find(c, y, x->table[i], x->hashes[i]) < 0)
				set_add_hash(c, S(r), x->table[i], x->hashes[i]);
		return r;
	case OP_XOR:
		r = set_copy_as(c, a, rt);
		for (size_t i = 0; y->table && i <= y->mask; i++) {
			qv_obj k = y->table[i];
			if (!k || k == DUMMY)
				continue;
			intptr_t f = set_find(c, S(r), k, y->hashes[i]);
			if (f >= 0) {
				S(r)->table[f] = DUMMY;
				S(r)->hashes[f] = -1;
				S(r)->used--;
			} else
				set_add_hash(c, S(r), k, y->hashes[i]);
		}
		return r;
	case OP_EQ: return BOOL(x->used == y->used && subset(c, a, b));
	case OP_NE: return BOOL(!(x->used == y->used && subset(c, a, b)));
	case OP_LE: return BOOL(subset(c, a, b));
	case OP_LT: return BOOL(x->used < y->used && subset(c, a, b));
	case OP_GE: return BOOL(subset(c, b, a));
	case OP_GT: return BOOL(x->used > y->used && subset(c, b, a));
	default: return NULL;
	}
}

static qv_obj set_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	if (o == OP_IN && (op & OP_REFLECT))
		return BOOL(set_has(c, b, a));
	if (!is_anyset(a) || !is_anyset(b))
		return NULL;
	if ((op & OP_INPLACE) && IS(a, qv_set_type) && (o == OP_OR || o == OP_AND || o == OP_SUB || o == OP_XOR)) {
		qv_obj r = set_op(c, o, a, b, &qv_set_type);
		if (o == OP_OR) {
			set_update(c, a, b);
			return a;
		}
		*S(a) = *S(r);
		return a;
	}
	return set_op(c, o, a, b, a->type);
}

static intptr_t frozenset_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_set *s = S(o);
	uint64_t h = 0;
	for (size_t i = 0; s->table && i <= s->mask; i++)
		if (s->table[i] && s->table[i] != DUMMY) {
			uint64_t x = (uint64_t)s->hashes[i];
			h ^= ((x ^ 89869747ULL) ^ (x << 16)) * 3644798167ULL;
		}
	h ^= ((uint64_t)s->used + 1) * 1927868237ULL;
	h ^= (h >> 11) ^ (h >> 25);
	h = h * 69069U + 907133923ULL;
	if (h == (uint64_t)-1)
		h = 590923713ULL;
	return (intptr_t)h;
}

#define SELFS S(a[0])
static qv_obj arg_set(qv_ctx *c, qv_obj x)
{
	return is_anyset(x) ? x : set_copy_as(c, x, &qv_set_type);
}

M(st_add) { UNUSED(n); UNUSED(kw); set_add(c, a[0], a[1]); return NONE; }
M(st_discard) { UNUSED(n); UNUSED(kw); set_discard(c, a[0], a[1]); return NONE; }
M(st_remove)
{
	UNUSED(n); UNUSED(kw);
	if (!set_discard(c, a[0], a[1]))
		key_error(c, a[1]);
	return NONE;
}
M(st_pop)
{
	UNUSED(n); UNUSED(kw);
	qv_set *s = SELFS;
	if (!s->used)
		qv_raisef(c, EXC(KeyError), "pop from an empty set");
	size_t i = s->finger & s->mask;
	while (!s->table[i] || s->table[i] == DUMMY) {
		i++;
		if (i > s->mask)
			i = 0;
	}
	qv_obj k = s->table[i];
	s->table[i] = DUMMY;
	s->hashes[i] = -1;
	s->used--;
	s->finger = i + 1;
	return k;
}
M(st_clear)
{
	UNUSED(c); UNUSED(n); UNUSED(kw);
	qv_set *s = SELFS;
	s->table = NULL;
	s->hashes = NULL;
	s->used = s->fill = s->mask = 0;
	return NONE;
}
M(st_copy) { UNUSED(n); UNUSED(kw); return set_copy_as(c, a[0], a[0]->type); }
M(st_update)
{
	UNUSED(kw);
	for (size_t i = 1; i < n; i++)
		set_update(c, a[0], a[i]);
	return NONE;
}
static qv_obj multi(qv_ctx *c, size_t n, qv_obj *a, int op)
{
	qv_obj r = set_copy_as(c, a[0], a[0]->type);
	for (size_t i = 1; i < n; i++)
		r = set_op(c, op, r, arg_set(c, a[i]), a[0]->type);
	return r;
}
M(st_union) { UNUSED(kw); return multi(c, n, a, OP_OR); }
M(st_intersection) { UNUSED(kw); return multi(c, n, a, OP_AND); }
M(st_difference) { UNUSED(kw); return multi(c, n, a, OP_SUB); }
M(st_symdiff) { UNUSED(kw); UNUSED(n); return set_op(c, OP_XOR, a[0], arg_set(c, a[1]), a[0]->type); }
static void inplace(qv_ctx *c, qv_obj self, qv_obj r)
{
	UNUSED(c);
	*S(self) = *S(r);
	S(self)->type = self->type;
}
M(st_iupdate_and) { UNUSED(kw); inplace(c, a[0], multi(c, n, a, OP_AND)); return NONE; }
M(st_iupdate_sub) { UNUSED(kw); inplace(c, a[0], multi(c, n, a, OP_SUB)); return NONE; }
M(st_iupdate_xor) { UNUSED(kw); UNUSED(n); inplace(c, a[0], set_op(c, OP_XOR, a[0], arg_set(c, a[1]), &qv_set_type)); return NONE; }
M(st_issubset) { UNUSED(kw); UNUSED(n); return BOOL(subset(c, a[0], arg_set(c, a[1]))); }
M(st_issuperset) { UNUSED(kw); UNUSED(n); return BOOL(subset(c, arg_set(c, a[1]), a[0])); }
M(st_isdisjoint)
{
	UNUSED(kw); UNUSED(n);
	qv_obj r = set_op(c, OP_AND, a[0], arg_set(c, a[1]), &qv_set_type);
	return BOOL(S(r)->used == 0);
}
M(st_contains) { UNUSED(n); UNUSED(kw); return BOOL(set_has(c, a[0], a[1])); }
M(st_len) { UNUSED(c); UNUSED(n); UNUSED(kw); return MKINT(SELFS->used); }
M(st_init)
{
	UNUSED(kw);
	st_clear(c, 1, a, NULL);
	if (n > 1)
		set_update(c, a[0], a[1]);
	return NONE;
}
M(st_iter) { UNUSED(n); UNUSED(kw); return set_iter(c, a[0]); }

static const qv_method set_methods[] = {
	METH(add, 2, 2, st_add), METH(discard, 2, 2, st_discard), METH(remove, 2, 2, st_remove),
	METH(pop, 1, 1, st_pop), METH(clear, 1, 1, st_clear), METH(copy, 1, 1, st_copy),
	METH(update, 1, ARGS_MAX, st_update), METH(union, 1, ARGS_MAX, st_union),
	METH(intersection, 1, ARGS_MAX, st_intersection), METH(difference, 1, ARGS_MAX, st_difference),
	METH(symmetric_difference, 2, 2, st_symdiff), METH(intersection_update, 1, ARGS_MAX, st_iupdate_and),
	METH(difference_update, 1, ARGS_MAX, st_iupdate_sub), METH(symmetric_difference_update, 2, 2, st_iupdate_xor),
	METH(issubset, 2, 2, st_issubset), METH(issuperset, 2, 2, st_issuperset),
	METH(isdisjoint, 2, 2, st_isdisjoint), METH(__contains__, 2, 2, st_contains),
	METH(__len__, 1, 1, st_len), METH(__iter__, 1, 1, st_iter), METH(__init__, 1, 2, st_init), METH_END,
};

static const qv_method frozenset_methods[] = {
	METH(copy, 1, 1, st_copy), METH(union, 1, ARGS_MAX, st_union),
	METH(intersection, 1, ARGS_MAX, st_intersection), METH(difference, 1, ARGS_MAX, st_difference),
	METH(symmetric_difference, 2, 2, st_symdiff), METH(issubset, 2, 2, st_issubset),
	METH(issuperset, 2, 2, st_issuperset), METH(isdisjoint, 2, 2, st_isdisjoint),
	METH(__contains__, 2, 2, st_contains), METH(__len__, 1, 1, st_len), METH(__iter__, 1, 1, st_iter), METH_END,
};

static qv_obj set_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(nkw);
	if (npos > 1)
		qv_raisef(c, EXC(TypeError), "%s expected at most 1 argument, got %u", tname(t), (unsigned)npos);
	qv_obj s = set_new(c, t);
	if (npos)
		set_update(c, s, args[0]);
	return s;
}

const qv_type qv_set_type = {
	.type = &qv_type_type, .name = QS_set, .flags = TF_BASETYPE, .repr = set_repr, .iter = set_iter,
	.len = set_len, .binop = set_binop, .methods = set_methods, .make = set_make, .getattr = builtin_getattr,
};

const qv_type qv_frozenset_type = {
	.type = &qv_type_type, .name = QS_frozenset, .flags = TF_BASETYPE, .repr = set_repr, .iter = set_iter,
	.len = set_len, .binop = set_binop, .methods = frozenset_methods, .make = set_make, .hash = frozenset_hash,
	.getattr = builtin_getattr,
};
