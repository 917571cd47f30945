/* Types, classes and instances: type and object, user classes and the
 * special-method dispatch of their instances, bound methods, native
 * functions, descriptors (property, staticmethod, classmethod), super,
 * functions, modules, cells and the singletons. */
#include "rt.h"

qv_obj vm_run_class_body(qv_ctx *c, qv_func *fn, qv_obj ns);
static qv_obj slot_wrapper(qv_ctx *c, const qv_type *t, qv_obj name);

/* ------------------------------------------------------------ lookup */
/* Method tables name their entries by interned-name number, so a lookup
 * compares numbers; a name that is not in the constant table cannot name a
 * built-in method. */
static int static_name(qv_obj name)
{
	const qv_strobj *s = (const qv_strobj *)name;
	if (s >= qv_qstrs && s < qv_qstrs + QS__COUNT)
		return (int)(s - qv_qstrs);
	if (!IS_STR(name))
		return -1;
	return qstr_find_hashed(s->data, s->len, str_hash(name));
}

static qv_obj methods_lookup_idx(const qv_type *t, int k)
{
	const qv_method *m = t->methods;
	if (!m || k < 0)
		return NULL;
	for (; m->type; m++)
		if (m->name == k)
			return (qv_obj)m;
	return NULL;
}

static qv_obj methods_lookup(const qv_type *t, qv_obj name)
{
	return methods_lookup_idx(t, static_name(name));
}

qv_obj type_lookup(const qv_type *t, qv_obj name)
{
	int k = -2;
	if (t->flags & TF_USER) {
		qv_tupleobj *mro = (qv_tupleobj *)t->mro;
		for (size_t i = 0; i < mro->len; i++) {
			const qv_type *b = (const qv_type *)mro->items[i];
			qv_obj v;
			if (b->flags & TF_USER)
				v = dict_get_str(b->dict, name);
			else {
				if (k == -2)
					k = static_name(name);
				v = methods_lookup_idx(b, k);
			}
			if (v)
				return v;
		}
		return NULL;
	}
	k = static_name(name);
	if (k < 0)
		return NULL;
	for (; t; t = t->base) {
		qv_obj v = methods_lookup_idx(t, k);
		if (v)
			return v;
	}
	return methods_lookup_idx(&qv_object_type, k);
}

static qv_obj bind(qv_ctx *c, qv_obj self, qv_obj fn)
{
	qv_bound *b = NEW(c, qv_bound);
	b->type = &qv_bound_type;
	b->self = self;
	b->func = fn;
	return (qv_obj)b;
}

/* Turns a class attribute into what instance.attr gives; self_out set means
 * "call fn with self prepended" (the method-call fast path). */
static qv_obj descr_get(qv_ctx *c, qv_obj v, qv_obj inst, const qv_type *t, qv_obj *self_out)
{
	const qv_type *vt = TYPE(v);
	if (vt == &qv_func_type) {
		if (self_out) {
			*self_out = inst;
			return v;
		}
		return bind(c, inst, v);
	}
	if (vt == &qv_native_type) {
		const qv_native *n = (const qv_native *)v;
		if (!IS_INT(inst) && (TYPE(inst)->flags & TF_USER) && !(TYPE(inst)->flags & TF_EXC) && ((qv_inst *)inst)->native)
			inst = ((qv_inst *)inst)->native;
		switch (n->kind) {
		case M_ATTR:
			return n->fn(c, 1, &inst, NULL);
		case M_STATIC: case M_FUNC:
			return v;
		case M_CLASS:
			return bind(c, (qv_obj)t, v);
		default:
			if (self_out) {
				*self_out = inst;
				return v;
			}
			return bind(c, inst, v);
		}
	}
	if (vt == &qv_staticmethod_type)
		return ((qv_wrap *)v)->func;
	if (vt == &qv_classmethod_type)
		return bind(c, (qv_obj)t, ((qv_wrap *)v)->func);
	if (vt == &qv_property_type) {
		qv_property *p = (qv_property *)v;
		if (!p->fget || p->fget == NONE)
			qv_raisef(c, EXC(AttributeError), "property object has no getter");
		return qv_call1(c, p->fget, inst);
	}
	if (vt->flags & TF_USER) {
		qv_obj g = type_lookup(vt, QS(__get__));
		if (g) {
			qv_obj args[3] = {v, inst, (qv_obj)t};
			return rt_call(c, g, 3, 0, args);
		}
	}
	return v;
}

/* ------------------------------------------------------------ native fns */
static qv_obj call_native_fn(qv_ctx *c, qv_native_fn fn, const char *name, size_t min, size_t max,
			     size_t npos, size_t nkw, qv_obj *args)
{
	if (npos < min || npos > max)
		arg_check(c, name, npos, min, max);
	qv_obj kw = NULL;
	if (nkw) {
		kw = dict_new(c);
		for (size_t i = 0; i < nkw; i++)
			dict_set(c, kw, args[npos + 2 * i], args[npos + 2 * i + 1]);
	}
	return fn(c, npos, args, kw);
}

qv_obj native_of(qv_obj o)
{
	if (IS_INT(o) || !(o->type->flags & TF_USER) || (o->type->flags & TF_EXC))
		return NULL;
	return ((qv_inst *)o)->native;
}

static qv_obj native_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	const qv_native *n = (const qv_native *)f;
	/* a built-in type's method works on the built-in value of a subclass */
	if (n->kind == M_METHOD && npos && native_of(args[0])) {
		qv_obj *a = gc_alloc(c, sizeof(qv_obj) * (npos + 2 * nkw + 1), false);
		for (size_t i = 0; i < npos + 2 * nkw; i++)
			a[i] = args[i];
		a[0] = native_of(args[0]);
		args = a;
	}
	return call_native_fn(c, n->fn, qv_qstrs[n->name].data, n->min, n->max, npos, nkw, args);
}

static qv_obj native_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<built-in function %s>", qv_qstrs[((const qv_native *)o)->name].data);
}

static qv_obj native_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(c);
	UNUSED(self);
	if (name == QS(__name__) || name == QS(__qualname__))
		return QSI(((const qv_native *)o)->name);
	return NULL;
}

const qv_type qv_native_type = {
	.type = &qv_type_type, .name = QS_builtin_function_or_method, .repr = native_repr,
	.call = native_call, .getattr = native_getattr,
};

static qv_obj cnative_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	qv_closure_native *n = (qv_closure_native *)f;
	/* the data travels as the first argument */
	qv_obj *a = gc_alloc(c, sizeof(qv_obj) * (npos + 2 * nkw + 1), false);
	a[0] = n->data;
	for (size_t i = 0; i < npos + 2 * nkw; i++)
		a[i + 1] = args[i];
	return call_native_fn(c, n->fn, cstr(c, n->name), 0, ARGS_MAX, npos + 1, nkw, a);
}

static qv_obj cnative_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(c);
	UNUSED(self);
	if (name == QS(__name__) || name == QS(__qualname__))
		return ((qv_closure_native *)o)->name;
	return NULL;
}

static qv_obj cnative_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<built-in function %S>", ((qv_closure_native *)o)->name);
}

const qv_type qv_cnative_type = {
	.type = &qv_type_type, .name = QS_builtin_function_or_method, .call = cnative_call,
	.getattr = cnative_getattr, .repr = cnative_repr,
};

qv_obj make_native_closure(qv_ctx *c, qv_native_fn fn, qv_obj data, qv_obj name)
{
	qv_closure_native *n = NEW(c, qv_closure_native);
	n->type = &qv_cnative_type;
	n->fn = fn;
	n->data = data;
	n->name = name;
	return (qv_obj)n;
}

/* ------------------------------------------------------------ bound methods */
static qv_obj bound_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	qv_bound *b = (qv_bound *)f;
	qv_obj tmp[10];
	size_t tot = npos + 2 * nkw;
	qv_obj *a = tot < 9 ? tmp : gc_alloc(c, sizeof(qv_obj) * (tot + 1), false);
	a[0] = b->self;
	for (size_t i = 0; i < tot; i++)
		a[i + 1] = args[i];
	return rt_call(c, b->func, npos + 1, nkw, a);
}

static qv_obj bound_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_bound *b = (qv_bound *)o;
	qv_obj name = qv_getattr_opt(c, b->func, QS(__name__));
	if (IS(b->func, qv_native_type))
		return str_fmt(c, "<built-in method %S of %s object at 0x%x>", name, type_name(b->self), (unsigned long)(uintptr_t)b->self);
	qv_obj tn = TYPE(b->self) == &qv_type_type ? ((qv_obj)((qv_type *)b->self)->qualname) : NULL;
	if (TYPE(b->self) == &qv_type_type && !(((const qv_type *)b->self)->flags & TF_USER))
		tn = NULL;
	return str_fmt(c, "<bound method %s.%S of %R>", tn ? cstr(c, tn) : type_name(b->self), name, b->self);
}

static qv_obj bound_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(self);
	qv_bound *b = (qv_bound *)o;
	if (name == QS(__self__))
		return b->self;
	if (name == QS(__func__))
		return b->func;
	return qv_getattr_opt(c, b->func, name);
}

static qv_obj bound_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	UNUSED(c);
	op &= OP_MASK;
	if ((op == OP_EQ || op == OP_NE) && IS(a, qv_bound_type) && IS(b, qv_bound_type)) {
		bool eq = ((qv_bound *)a)->self == ((qv_bound *)b)->self && ((qv_bound *)a)->func == ((qv_bound *)b)->func;
		return BOOL(op == OP_EQ ? eq : !eq);
	}
	return NULL;
}

static intptr_t bound_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	qv_bound *b = (qv_bound *)o;
	return (intptr_t)(((uintptr_t)b->self >> 4) ^ ((uintptr_t)b->func >> 4));
}

const qv_type qv_bound_type = {
	.type = &qv_type_type, .name = QS_method, .repr = bound_repr, .call = bound_call,
	.getattr = bound_getattr, .binop = bound_binop, .hash = bound_hash,
};

/* ------------------------------------------------------------ functions */
static qv_obj func_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	qv_func *f = (qv_func *)o;
	return str_fmt(c, "<function %S at 0x%x>", f->name, (unsigned long)(uintptr_t)o);
}

static qv_obj func_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(self);
	qv_func *f = (qv_func *)o;
	if (name == QS(__name__) || name == QS(__qualname__))
		return f->name;
	if (name == QS(__module__)) {
		qv_obj m = dict_get_str(f->globals, QS(__name__));
		return m ? m : NONE;
	}
	if (name == QS(__doc__))
		return (f->code->flags & CO_DOC) && f->code->nconsts ? f->code->consts[0] : NONE;
	if (name == QS(__annotations__)) {
		if (!f->dict)
			f->dict = dict_new(c);
		qv_obj an = dict_get_str(f->dict, QS(__annotations__));
		if (!an) {
			an = dict_new(c);
			dict_set(c, f->dict, QS(__annotations__), an);
		}
		return an;
	}
	if (name == QS(__defaults__))
		return f->defaults ? f->defaults : NONE;
	if (name == QS(__code__))
		return (qv_obj)f->code;
	if (name == QS(__globals__))
		return f->globals;
	if (name == QS(__dict__)) {
		if (!f->dict)
			f->dict = dict_new(c);
		return f->dict;
	}
	if (f->dict) {
		qv_obj v = dict_get_str(f->dict, name);
		if (v)
			return v;
	}
	return NULL;
}

static bool func_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	qv_func *f = (qv_func *)o;
	if (name == QS(__name__) || name == QS(__qualname__)) {
		if (v && IS_STR(v))
			f->name = v;
		return true;
	}
	if (!f->dict)
		f->dict = dict_new(c);
	if (!v)
		return dict_del(c, f->dict, name);
	dict_set(c, f->dict, name, v);
	return true;
}

static intptr_t id_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((uintptr_t)o >> 4);
}

const qv_type qv_func_type = {
	.type = &qv_type_type, .name = QS_function, .repr = func_repr, .getattr = func_getattr,
	.setattr = func_setattr, .hash = id_hash,
};

/* ------------------------------------------------------------ descriptors */
static qv_obj wrap_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(nkw);
	arg_check(c, tname(t), npos, 1, 1);
	qv_wrap *w = NEW(c, qv_wrap);
	w->type = t;
	w->func = args[0];
	return (qv_obj)w;
}

static qv_obj wrap_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(self);
	if (name == QS(__func__))
		return ((qv_wrap *)o)->func;
	return qv_getattr_opt(c, ((qv_wrap *)o)->func, name);
}

static qv_obj staticmethod_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	return rt_call(c, ((qv_wrap *)f)->func, npos, nkw, args);
}

const qv_type qv_staticmethod_type = {
	.type = &qv_type_type, .name = QS_staticmethod, .make = wrap_make, .getattr = wrap_getattr,
	.call = staticmethod_call,
};
const qv_type qv_classmethod_type = {
	.type = &qv_type_type, .name = QS_classmethod, .make = wrap_make, .getattr = wrap_getattr,
};

static qv_obj property_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	qv_property *p = NEW(c, qv_property);
	p->type = &qv_property_type;
	p->fget = npos > 0 ? args[0] : NONE;
	p->fset = npos > 1 ? args[1] : NONE;
	p->fdel = npos > 2 ? args[2] : NONE;
	p->doc = npos > 3 ? args[3] : NONE;
	for (size_t i = 0; i < nkw; i++) {
		qv_obj k = args[npos + 2 * i], v = args[npos + 2 * i + 1];
		if (str_eq(k, QS(fget))) p->fget = v;
		else if (str_eq(k, QS(fset))) p->fset = v;
		else if (str_eq(k, QS(fdel))) p->fdel = v;
		else if (str_eq(k, QS(doc))) p->doc = v;
	}
	return (qv_obj)p;
}

static qv_obj prop_copy(qv_ctx *c, qv_obj o, int which, qv_obj fn)
{
	qv_property *p = NEW(c, qv_property);
	*p = *(qv_property *)o;
	if (which == 0) p->fget = fn;
	if (which == 1) p->fset = fn;
	if (which == 2) p->fdel = fn;
	return (qv_obj)p;
}

static qv_obj prop_getter(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return prop_copy(c, a[0], 0, a[1]); }
static qv_obj prop_setter(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return prop_copy(c, a[0], 1, a[1]); }
static qv_obj prop_deleter(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(n); UNUSED(kw); return prop_copy(c, a[0], 2, a[1]); }
static qv_obj prop_fget(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(kw); return ((qv_property *)a[0])->fget; }
static qv_obj prop_get(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	return qv_call1(c, ((qv_property *)a[0])->fget, a[1]);
}

static const qv_method property_methods[] = {
	METH(getter, 2, 2, prop_getter), METH(setter, 2, 2, prop_setter),
	METH(deleter, 2, 2, prop_deleter), ATTR(fget, prop_fget), METH(__get__, 2, 3, prop_get), METH_END,
};

const qv_type qv_property_type = {
	.type = &qv_type_type, .name = QS_property, .make = property_make, .methods = property_methods,
	.getattr = builtin_getattr,
};

/* ------------------------------------------------------------ instances */
static qv_obj inst_dict(qv_ctx *c, qv_obj o)
{
	qv_inst *i = (qv_inst *)o;
	if (!i->dict)
		i->dict = dict_new(c);
	return i->dict;
}

qv_obj exc_attr(qv_ctx *c, qv_obj o, qv_obj name);

static bool is_data_descr(qv_obj v)
{
	if (IS_INT(v))
		return false;
	if (v->type == &qv_property_type)
		return true;
	return (v->type->flags & TF_USER) && (type_lookup(v->type, QS(__set__)) || type_lookup(v->type, QS(__delete__)));
}

static qv_obj inst_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self_out)
{
	const qv_type *t = TYPE(o);
	if (!(t->flags & TF_DATADESCR) && ((qv_inst *)o)->dict) {
		/* no data descriptor can shadow the instance dict: look there first */
		qv_obj v = dict_get_str(((qv_inst *)o)->dict, name);
		if (v)
			return v;
	}
	qv_obj ta = type_lookup(t, name);
	if (ta && IS(ta, qv_property_type))
		return descr_get(c, ta, o, t, NULL);
	if (ta && !IS_INT(ta) && (TYPE(ta)->flags & TF_USER) && type_lookup(TYPE(ta), QS(__set__)))
		return descr_get(c, ta, o, t, NULL);
	qv_inst *in = (qv_inst *)o;
	if (in->dict) {
		qv_obj v = dict_get_str(in->dict, name);
		if (v)
			return v;
	}
	if (name == QS(__dict__))
		return inst_dict(c, o);
	if (name == QS(__class__))
		return (qv_obj)t;
	if (ta)
		return descr_get(c, ta, o, t, self_out);
	if (t->flags & TF_EXC) {
		qv_obj v = exc_attr(c, o, name);
		if (v)
			return v;
	}
	qv_obj ga = type_lookup(t, QS(__getattr__));
	if (ga) {
		qv_jmp j;
		qv_obj r;
		if (qv_try(c, &j)) {
			qv_catch(c, &j);
			if (isinstance(c->exc, EXC(AttributeError)) && 0)
				return NULL;
			rt_raise(c, c->exc);
		}
		r = qv_call2(c, ga, o, name);
		qv_untry(c, &j);
		return r;
	}
	return NULL;
}

bool exc_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v);

static bool generic_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	const qv_type *t = TYPE(o);
	qv_obj ta = type_lookup(t, name);
	if (ta && IS(ta, qv_property_type)) {
		qv_property *p = (qv_property *)ta;
		qv_obj fn = v ? p->fset : p->fdel;
		if (!fn || fn == NONE)
			qv_raisef(c, EXC(AttributeError), "can't %s attribute", v ? "set" : "delete");
		if (v)
			qv_call2(c, fn, o, v);
		else
			qv_call1(c, fn, o);
		return true;
	}
	if (ta && !IS_INT(ta) && (TYPE(ta)->flags & TF_USER)) {
		qv_obj s = type_lookup(TYPE(ta), v ? QS(__set__) : QS(__delete__));
		if (s) {
			qv_obj args[3] = {ta, o, v};
			rt_call(c, s, v ? 3 : 2, 0, args);
			return true;
		}
	}
	if ((t->flags & TF_EXC) && exc_setattr(c, o, name, v))
		return true;
	if (t->flags & TF_SLOTS) {
		/* only the names some class in the MRO lists in __slots__ */
		bool ok = false;
		qv_tupleobj *mro = (qv_tupleobj *)t->mro;
		for (size_t i = 0; i < mro->len && !ok; i++) {
			const qv_type *b = (const qv_type *)mro->items[i];
			qv_obj sl = (b->flags & TF_USER) ? dict_get_str(b->dict, QS(__slots__)) : NULL;
			if (!sl)
				continue;
			if (IS_STR(sl))
				ok = str_eq(sl, name);
			else {
				qv_obj it = qv_iter(c, sl), x;
				while (!ok && (x = qv_next(c, it)))
					ok = str_eq(x, name) || (IS_STR(x) && str_eq(x, QS(__dict__)));
			}
		}
		if (!ok)
			qv_raisef(c, EXC(AttributeError), "'%s' object has no attribute '%S'", tname(t), name);
	}
	if (!v)
		return dict_del(c, inst_dict(c, o), name);
	dict_set(c, inst_dict(c, o), name, v);
	return true;
}

static bool inst_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	const qv_type *t = TYPE(o);
	qv_obj sa = type_lookup(t, v ? QS(__setattr__) : QS(__delattr__));
	if (sa && !IS(sa, qv_native_type)) {
		if (v)
			rt_call(c, sa, 3, 0, (qv_obj[]){o, name, v});
		else
			qv_call2(c, sa, o, name);
		return true;
	}
	return generic_setattr(c, o, name, v);
}

static qv_obj call_special(qv_ctx *c, qv_obj o, qv_obj name, size_t n, qv_obj *args, bool *found)
{
	qv_obj m = type_lookup(TYPE(o), name);
	*found = m != NULL && m != NONE;
	if (!*found)
		return NULL;
	qv_obj a[4];
	a[0] = o;
	if (IS(m, qv_native_type) && ((qv_inst *)o)->native && !(TYPE(o)->flags & TF_EXC))
		a[0] = ((qv_inst *)o)->native;
	for (size_t i = 0; i < n; i++)
		a[i + 1] = args[i];
	if (IS(m, qv_func_type) || IS(m, qv_native_type))
		return rt_call(c, m, n + 1, 0, a);
	m = descr_get(c, m, o, TYPE(o), NULL);
	return rt_call(c, m, n, 0, args);
}

static qv_obj inst_repr(qv_ctx *c, qv_obj o, bool is_str)
{
	bool f;
	qv_obj r = NULL;
	if (is_str) {
		qv_obj m = type_lookup(TYPE(o), QS(__str__));
		if (m && !IS(m, qv_native_type))
			r = call_special(c, o, QS(__str__), 0, NULL, &f);
	}
	if (!r) {
		qv_obj m = type_lookup(TYPE(o), QS(__repr__));
		if (m && !IS(m, qv_native_type))
			r = call_special(c, o, QS(__repr__), 0, NULL, &f);
		else if (TYPE(o)->flags & TF_EXC) {
			r = qv_exc_types[0].repr(c, o, is_str);
		} else if (((qv_inst *)o)->native) {
			r = is_str ? qv_str_of(c, ((qv_inst *)o)->native) : qv_repr(c, ((qv_inst *)o)->native);
		} else {
			const qv_type *t = TYPE(o);
			qv_obj mod = dict_get_str(t->dict, QS(__module__));
			r = str_fmt(c, "<%S.%S object at 0x%x>", mod ? mod : QS(__main__), t->qualname, (unsigned long)(uintptr_t)o);
		}
	}
	if (!IS_STR(r))
		qv_raisef(c, EXC(TypeError), "__%s__ returned non-string (type %s)", is_str ? "str" : "repr", type_name(r));
	return r;
}

static intptr_t inst_hash(qv_ctx *c, qv_obj o)
{
	qv_obj m = type_lookup(TYPE(o), QS(__hash__));
	if (m == NONE)
		qv_raisef(c, EXC(TypeError), "unhashable type: '%s'", type_name(o));
	if (m && !IS(m, qv_native_type)) {
		bool f;
		qv_obj r = call_special(c, o, QS(__hash__), 0, NULL, &f);
		if (!is_intlike(r))
			qv_raisef(c, EXC(TypeError), "__hash__ method should return an integer");
		intptr_t h = IS_INT(r) ? INT_VAL(r) : int_hash(r);
		return h == -1 ? -2 : h;
	}
	if (native_of(o))
		return qv_hash(c, native_of(o));
	return (intptr_t)((uintptr_t)o >> 4);
}

/* dunder names per operator: forward, reflected, in-place */
static const uint16_t op_names[][3] = {
	{QS___add__, QS___radd__, QS___iadd__}, {QS___sub__, QS___rsub__, QS___isub__},
	{QS___mul__, QS___rmul__, QS___imul__}, {QS___truediv__, QS___rtruediv__, QS___itruediv__},
	{QS___floordiv__, QS___rfloordiv__, QS___ifloordiv__}, {QS___mod__, QS___rmod__, QS___imod__},
	{QS___pow__, QS___rpow__, QS___ipow__}, {QS___lshift__, QS___rlshift__, QS___ilshift__},
	{QS___rshift__, QS___rrshift__, QS___irshift__}, {QS___and__, QS___rand__, QS___iand__},
	{QS___or__, QS___ror__, QS___ior__}, {QS___xor__, QS___rxor__, QS___ixor__},
	{QS___matmul__, QS___rmatmul__, QS___imatmul__},
	{QS___lt__, 0, 0}, {QS___le__, 0, 0}, {QS___eq__, 0, 0}, {QS___ne__, 0, 0},
	{QS___gt__, 0, 0}, {QS___ge__, 0, 0},
};

static qv_obj inst_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	int o = op & OP_MASK;
	bool f;
	qv_obj r;
	if (o >= OP_LT && o <= OP_GE) {
		/* for comparisons the caller already swapped for the reflection */
		qv_obj m = type_lookup(TYPE(a), QSI(op_names[o][0]));
		if (native_of(a) && (!m || (IS(m, qv_native_type) && (o == OP_EQ || o == OP_NE) &&
					     type_lookup(&qv_object_type, QSI(op_names[o][0])) == m))) {
			qv_obj nb = native_of(b) ? native_of(b) : b;
			return qv_compare(c, o, native_of(a), nb);
		}
		r = call_special(c, a, QSI(op_names[o][0]), 1, &b, &f);
		if (f && r != NOTIMPL)
			return r;
		if (o == OP_NE) {
			r = call_special(c, a, QS(__eq__), 1, &b, &f);
			if (f && r != NOTIMPL)
				return BOOL(!rt_truth(c, r));
		}
		return NULL;
	}
	if (o > OP_MATMUL)
		return NULL;
	if (op & OP_REFLECT) {
		r = call_special(c, b, QSI(op_names[o][1]), 1, &a, &f);
		return f ? r : NULL;
	}
	if (op & OP_INPLACE) {
		r = call_special(c, a, QSI(op_names[o][2]), 1, &b, &f);
		if (f && r != NOTIMPL)
			return r;
	}
	if (!(TYPE(a)->flags & TF_USER))
		return NULL;
	r = call_special(c, a, QSI(op_names[o][0]), 1, &b, &f);
	if (f && r != NOTIMPL)
		return r;
	if (TYPE(b) == TYPE(a)) {
		r = call_special(c, b, QSI(op_names[o][1]), 1, &a, &f);
		if (f)
			return r;
	}
	if (native_of(a)) {
		qv_obj nb = native_of(b) ? native_of(b) : b;
		return qv_binop(c, op & ~OP_INPLACE, native_of(a), nb);
	}
	return NULL;
}

static qv_obj inst_unop(qv_ctx *c, int op, qv_obj a)
{
	static const uint16_t names[] = {QS___neg__, QS___pos__, QS___invert__};
	bool f;
	if (op > UOP_INVERT)
		return NULL;
	qv_obj r = call_special(c, a, QSI(names[op]), 0, NULL, &f);
	return f ? r : NULL;
}

static qv_obj inst_call(qv_ctx *c, qv_obj o, size_t npos, size_t nkw, qv_obj *args)
{
	qv_obj m = type_lookup(TYPE(o), QS(__call__));
	if (!m)
		qv_raisef(c, EXC(TypeError), "'%s' object is not callable", type_name(o));
	qv_obj *a = gc_alloc(c, sizeof(qv_obj) * (npos + 2 * nkw + 1), false);
	a[0] = o;
	for (size_t i = 0; i < npos + 2 * nkw; i++)
		a[i + 1] = args[i];
	return rt_call(c, m, npos + 1, nkw, a);
}

static qv_obj inst_iter(qv_ctx *c, qv_obj o)
{
	bool f;
	qv_obj r = call_special(c, o, QS(__iter__), 0, NULL, &f);
	if (f) {
		if (!TYPE(r)->next)
			qv_raisef(c, EXC(TypeError), "iter() returned non-iterator of type '%s'", type_name(r));
		return r;
	}
	if (native_of(o))
		return qv_iter(c, native_of(o));
	if (type_lookup(TYPE(o), QS(__getitem__))) {
		qv_iterobj *it = NEW(c, qv_iterobj);
		it->type = &qv_iter_type;
		it->obj = o;
		return (qv_obj)it;
	}
	qv_raisef(c, EXC(TypeError), "'%s' object is not iterable", type_name(o));
}

static qv_obj inst_next(qv_ctx *c, qv_obj o)
{
	qv_obj m = type_lookup(TYPE(o), QS(__next__));
	if (!m)
		qv_raisef(c, EXC(TypeError), "'%s' object is not an iterator", type_name(o));
	qv_jmp j;
	if (qv_try(c, &j)) {
		qv_catch(c, &j);
		if (isinstance(c->exc, EXC(StopIteration)))
			return NULL;
		rt_raise(c, c->exc);
	}
	qv_obj r = qv_call1(c, m, o);
	qv_untry(c, &j);
	return r;
}

static qv_obj inst_subscr(qv_ctx *c, qv_obj o, qv_obj k, qv_obj v)
{
	bool f;
	qv_obj r;
	qv_obj nat = native_of(o);
	if (!v) {
		if (nat && IS(nat, qv_dict_type)) {
			qv_obj gi = type_lookup(TYPE(o), QS(__getitem__));
			qv_obj miss = type_lookup(TYPE(o), QS(__missing__));
			if (gi && IS(gi, qv_native_type) && miss) {
				r = dict_get(c, nat, k);
				return r ? r : qv_call2(c, miss, o, k);
			}
		}
		r = call_special(c, o, QS(__getitem__), 1, &k, &f);
		if (!f) {
			if (nat)
				return qv_getitem(c, nat, k);
			qv_raisef(c, EXC(TypeError), "'%s' object is not subscriptable", type_name(o));
		}
		return r;
	}
	if (nat && !type_lookup(TYPE(o), v == DELETE ? QS(__delitem__) : QS(__setitem__))) {
		if (v == DELETE)
			qv_delitem(c, nat, k);
		else
			qv_setitem(c, nat, k, v);
		return NONE;
	}
	if (v == DELETE) {
		call_special(c, o, QS(__delitem__), 1, &k, &f);
		if (!f)
			qv_raisef(c, EXC(TypeError), "'%s' object does not support item deletion", type_name(o));
		return NONE;
	}
	qv_obj a[2] = {k, v};
	call_special(c, o, QS(__setitem__), 2, a, &f);
	if (!f)
		qv_raisef(c, EXC(TypeError), "'%s' object does not support item assignment", type_name(o));
	return NONE;
}

static intptr_t inst_len(qv_ctx *c, qv_obj o)
{
	bool f;
	qv_obj r = call_special(c, o, QS(__len__), 0, NULL, &f);
	if (!f) {
		if (native_of(o))
			return qv_len(c, native_of(o));
		qv_raisef(c, EXC(TypeError), "object of type '%s' has no len()", type_name(o));
	}
	if (!IS_INT(r))
		qv_raisef(c, EXC(TypeError), "'%s' object cannot be interpreted as an integer", type_name(r));
	if (INT_VAL(r) < 0)
		qv_raisef(c, EXC(ValueError), "__len__() should return >= 0");
	return INT_VAL(r);
}

static int inst_truth(qv_ctx *c, qv_obj o)
{
	bool f;
	qv_obj r = call_special(c, o, QS(__bool__), 0, NULL, &f);
	if (f) {
		if (r != TRUE_ && r != FALSE_)
			qv_raisef(c, EXC(TypeError), "__bool__ should return bool, returned %s", type_name(r));
		return r == TRUE_;
	}
	if (type_lookup(TYPE(o), QS(__len__)))
		return inst_len(c, o) != 0;
	if (native_of(o))
		return rt_truth(c, native_of(o));
	return 1;
}

/* ------------------------------------------------------------ type */
static qv_obj type_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	const qv_type *t = (const qv_type *)o;
	if (t->flags & TF_USER) {
		qv_obj mod = dict_get_str(t->dict, QS(__module__));
		if (mod && IS_STR(mod) && !str_eq(mod, QS(builtins)))
			return str_fmt(c, "<class '%S.%S'>", mod, t->qualname);
		return str_fmt(c, "<class '%S'>", t->qualname);
	}
	return str_fmt(c, "<class '%s'>", tname(t));
}

static qv_obj alloc_instance(qv_ctx *c, const qv_type *t)
{
	if (t->flags & TF_EXC) {
		qv_exc *e = gc_alloc(c, sizeof(qv_exc), false);
		e->type = t;
		e->args = EMPTY_TUPLE;
		return (qv_obj)e;
	}
	qv_inst *i = gc_alloc(c, sizeof(qv_inst), false);
	i->type = t;
	return (qv_obj)i;
}

/* The first built-in type in the MRO of a user class. */
static const qv_type *native_base(const qv_type *t)
{
	qv_tupleobj *mro = (qv_tupleobj *)t->mro;
	for (size_t i = 0; i < mro->len; i++) {
		const qv_type *b = (const qv_type *)mro->items[i];
		if (!(b->flags & TF_USER))
			return b;
	}
	return &qv_object_type;
}

static qv_obj type_call(qv_ctx *c, qv_obj f, size_t npos, size_t nkw, qv_obj *args)
{
	const qv_type *t = (const qv_type *)f;
	if (t == &qv_type_type) {
		if (npos == 1 && nkw == 0)
			return TYPE(args[0]) == &qv_bigint_type ? (qv_obj)&qv_int_type : (qv_obj)TYPE(args[0]);
		if (npos == 3)
			return type_new_user(c, args[0], args[1], args[2]);
		qv_raisef(c, EXC(TypeError), "type() takes 1 or 3 arguments");
	}
	if (!(t->flags & TF_USER)) {
		if (!t->make)
			qv_raisef(c, EXC(TypeError), "cannot create '%s' instances", tname(t));
		return t->make(c, t, npos, nkw, args);
	}
	qv_obj *a = gc_alloc(c, sizeof(qv_obj) * (npos + 2 * nkw + 1), false);
	a[0] = f;
	for (size_t i = 0; i < npos + 2 * nkw; i++)
		a[i + 1] = args[i];
	qv_obj newm = type_lookup(t, QS(__new__));
	qv_obj o;
	const qv_type *nb = native_base(t);
	if (newm && !IS(newm, qv_native_type)) {
		if (IS(newm, qv_staticmethod_type))
			newm = ((qv_wrap *)newm)->func;
		o = rt_call(c, newm, npos + 1, nkw, a);
		if (!isinstance(o, t))
			return o;
	} else if (nb != &qv_object_type && !(nb->flags & TF_EXC)) {
		/* a subclass of a built-in container or number: the value lives
		 * in the native slot */
		o = alloc_instance(c, t);
		bool mutable_base = nb == &qv_list_type || nb == &qv_dict_type || nb == &qv_set_type || nb == &qv_bytearray_type;
		qv_obj init0 = type_lookup(t, QS(__init__));
		bool user_init = init0 && !IS(init0, qv_native_type);
		qv_obj nat = mutable_base && user_init ? nb->make(c, nb, 0, 0, NULL) : nb->make(c, nb, npos, nkw, args);
		((qv_inst *)o)->native = nat;
	} else {
		o = alloc_instance(c, t);
		if (t->flags & TF_EXC)
			((qv_exc *)o)->args = tuple_from(c, npos, args);
	}
	qv_obj init = type_lookup(t, QS(__init__));
	if (init && !IS(init, qv_native_type)) {
		a[0] = o;
		qv_obj r = rt_call(c, init, npos + 1, nkw, a);
		if (r != NONE)
			qv_raisef(c, EXC(TypeError), "__init__() should return None, not '%s'", type_name(r));
	} else if ((npos || nkw) && nb == &qv_object_type && !(newm && !IS(newm, qv_native_type))) {
		qv_raisef(c, EXC(TypeError), "%S() takes no arguments", t->qualname);
	}
	return o;
}

static qv_obj type_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(self);
	const qv_type *t = (const qv_type *)o;
	if (name == QS(__name__) || name == QS(__qualname__))
		return (t->flags & TF_USER) ? t->qualname : QSI(t->name);
	if (name == QS(__class__))
		return (qv_obj)&qv_type_type;
	if (name == QS(__dict__)) {
		if (t->flags & TF_USER)
			return t->dict;
		return dict_new(c);
	}
	if (name == QS(__bases__)) {
		if (t->flags & TF_USER)
			return t->bases;
		return t->base ? tuple_pack(c, 1, (qv_obj)t->base) : (t == &qv_object_type ? EMPTY_TUPLE : tuple_pack(c, 1, (qv_obj)&qv_object_type));
	}
	if (name == QS(__base__)) {
		if (t->flags & TF_USER)
			return ((qv_tupleobj *)t->bases)->items[0];
		return t->base ? (qv_obj)t->base : t == &qv_object_type ? NONE : (qv_obj)&qv_object_type;
	}
	if (name == QS(__mro__)) {
		if (t->flags & TF_USER)
			return t->mro;
		qv_obj l = list_new(c, 0);
		for (const qv_type *b = t; b; b = b->base)
			list_append(c, l, (qv_obj)b);
		if (t != &qv_object_type)
			list_append(c, l, (qv_obj)&qv_object_type);
		return to_tuple(c, l);
	}
	if (name == QS(__module__) && !(t->flags & TF_USER))
		return QS(builtins);
	if (name == QS(__doc__) && !(t->flags & TF_USER))
		return NONE;
	qv_obj v = type_lookup(t, name);
	if (!v)
		return slot_wrapper(c, t, name);
	const qv_type *vt = TYPE(v);
	if (vt == &qv_classmethod_type)
		return bind(c, o, ((qv_wrap *)v)->func);
	if (vt == &qv_staticmethod_type)
		return ((qv_wrap *)v)->func;
	if (vt == &qv_native_type) {
		const qv_native *n = (const qv_native *)v;
		if (n->kind == M_CLASS)
			return bind(c, o, v);
	}
	if ((vt->flags & TF_USER) && vt != &qv_type_type) {
		qv_obj g = type_lookup(vt, QS(__get__));
		if (g) {
			qv_obj args[3] = {v, NONE, o};
			return rt_call(c, g, 3, 0, args);
		}
	}
	return v;
}

static bool type_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	qv_type *t = (qv_type *)o;
	if (!(t->flags & TF_USER))
		qv_raisef(c, EXC(TypeError), "cannot set '%S' attribute of immutable type '%s'", name, tname(t));
	if (!v)
		return dict_del(c, t->dict, name);
	dict_set(c, t->dict, name, v);
	if (is_data_descr(v))
		t->flags |= TF_DATADESCR; /* subclasses made earlier are not told: see type_new_user */
	return true;
}

static qv_obj type_binop(qv_ctx *c, int op, qv_obj a, qv_obj b)
{
	op &= OP_MASK;
	if (op == OP_OR)
		return tuple_pack(c, 2, a, b); /* X | Y as used by isinstance */
	return NULL;
}

static intptr_t type_hash(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return (intptr_t)((uintptr_t)o >> 4);
}

static qv_obj type_mro_m(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	UNUSED(kw);
	return list_from_iter(c, qv_getattr(c, a[0], QS(__mro__)));
}

static qv_obj type_subclasses(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	UNUSED(kw);
	UNUSED(a);
	return list_new(c, 0);
}

static const qv_method type_methods[] = {
	METH(mro, 1, 1, type_mro_m), METH(__subclasses__, 1, 1, type_subclasses), METH_END,
};

const qv_type qv_type_type = {
	.type = &qv_type_type, .name = QS_type, .repr = type_repr, .call = type_call,
	.getattr = type_getattr, .setattr = type_setattr, .binop = type_binop, .hash = type_hash,
	.methods = type_methods,
};

/* C3 linearization of the bases. */
static qv_obj linear_mro(qv_ctx *c, const qv_type *t)
{
	if (t->flags & TF_USER)
		return t->mro;
	qv_obj l = list_new(c, 0);
	for (const qv_type *b = t; b; b = b->base)
		list_append(c, l, (qv_obj)b);
	if (t != &qv_object_type)
		list_append(c, l, (qv_obj)&qv_object_type);
	return to_tuple(c, l);
}

static qv_obj c3(qv_ctx *c, qv_obj self, qv_obj bases)
{
	qv_tupleobj *bt = (qv_tupleobj *)bases;
	size_t ns = bt->len + 1;
	qv_obj *seqs = gc_alloc(c, sizeof(qv_obj) * ns, false);
	size_t *pos = gc_alloc(c, sizeof(size_t) * ns, true);
	for (size_t i = 0; i < bt->len; i++)
		seqs[i] = linear_mro(c, (const qv_type *)bt->items[i]);
	seqs[bt->len] = bases;
	qv_obj out = list_new(c, 0);
	list_append(c, out, self);
	for (;;) {
		bool any = false;
		qv_obj pick = NULL;
		for (size_t i = 0; i < ns && !pick; i++) {
			qv_tupleobj *s = (qv_tupleobj *)seqs[i];
			if (pos[i] >= s->len)
				continue;
			any = true;
			qv_obj cand = s->items[pos[i]];
			bool in_tail = false;
			for (size_t k = 0; k < ns && !in_tail; k++) {
				qv_tupleobj *s2 = (qv_tupleobj *)seqs[k];
				for (size_t m = pos[k] + 1; m < s2->len; m++)
					if (s2->items[m] == cand) {
						in_tail = true;
						break;
					}
			}
			if (!in_tail)
				pick = cand;
		}
		if (!any)
			break;
		if (!pick)
			qv_raisef(c, EXC(TypeError), "Cannot create a consistent method resolution order (MRO)");
		list_append(c, out, pick);
		for (size_t i = 0; i < ns; i++) {
			qv_tupleobj *s = (qv_tupleobj *)seqs[i];
			if (pos[i] < s->len && s->items[pos[i]] == pick)
				pos[i]++;
		}
	}
	return to_tuple(c, out);
}

static void set_owner(qv_obj v, qv_obj cls)
{
	if (IS(v, qv_func_type))
		((qv_func *)v)->owner = cls;
	else if (IS(v, qv_staticmethod_type) || IS(v, qv_classmethod_type))
		set_owner(((qv_wrap *)v)->func, cls);
	else if (IS(v, qv_property_type)) {
		qv_property *p = (qv_property *)v;
		set_owner(p->fget, cls);
		set_owner(p->fset, cls);
		set_owner(p->fdel, cls);
	}
}

qv_obj type_new_user(qv_ctx *c, qv_obj name, qv_obj bases, qv_obj dict)
{
	if (!IS_STR(name))
		qv_raisef(c, EXC(TypeError), "type name must be a string");
	if (!IS(bases, qv_tuple_type))
		bases = to_tuple(c, bases);
	if (((qv_tupleobj *)bases)->len == 0)
		bases = tuple_pack(c, 1, (qv_obj)&qv_object_type);
	qv_tupleobj *bt = (qv_tupleobj *)bases;
	qv_type *t = gc_alloc(c, sizeof(qv_type), false);
	t->type = &qv_type_type;
	t->flags = TF_USER;
	for (size_t i = 0; i < bt->len; i++) {
		qv_obj b = bt->items[i];
		if (TYPE(b) != &qv_type_type)
			qv_raisef(c, EXC(TypeError), "bases must be types");
		const qv_type *bb = (const qv_type *)b;
		if (!(bb->flags & TF_USER) && bb != &qv_object_type && !(bb->flags & TF_BASETYPE) && !(bb->flags & TF_EXC))
			qv_raisef(c, EXC(TypeError), "type '%s' is not an acceptable base type", tname(bb));
		if (bb->flags & TF_EXC)
			t->flags |= TF_EXC;
	}
	t->base = (const qv_type *)bt->items[0];
	t->qualname = name;
	t->name = QS_object;
	t->bases = bases;
	qv_obj d = dict_new(c);
	if (IS(dict, qv_dict_type)) {
		qv_dictobj *sd = (qv_dictobj *)dict;
		for (size_t i = 0; i < sd->n; i++)
			if (sd->entries[i].key)
				dict_set(c, d, sd->entries[i].key, sd->entries[i].value);
	}
	t->dict = d;
	t->mro = c3(c, (qv_obj)t, bases);
	if (!dict_get_str(d, QS(__doc__)))
		dict_set(c, d, QS(__doc__), NONE);
	for (size_t i = 0; i < bt->len; i++)
		if (((const qv_type *)bt->items[i])->flags & TF_DATADESCR)
			t->flags |= TF_DATADESCR;
	qv_dictobj *dscan = (qv_dictobj *)d;
	for (size_t i = 0; i < dscan->n; i++)
		if (dscan->entries[i].key && is_data_descr(dscan->entries[i].value))
			t->flags |= TF_DATADESCR;
	if (dict_get_str(d, QS(__slots__))) {
		bool all = true;
		for (size_t i = 0; i < bt->len; i++) {
			const qv_type *bb = (const qv_type *)bt->items[i];
			if (bb != &qv_object_type && !(bb->flags & TF_SLOTS))
				all = false;
		}
		if (all)
			t->flags |= TF_SLOTS;
	}
	if (dict_get_str(d, QS(__eq__)) && !dict_get_str(d, QS(__hash__)))
		dict_set(c, d, QS(__hash__), NONE);
	qv_obj nm = dict_get_str(d, QS(__new__));
	if (nm && IS(nm, qv_func_type))
		dict_set(c, d, QS(__new__), qv_call1(c, (qv_obj)&qv_staticmethod_type, nm));
	qv_obj isc = dict_get_str(d, QS(__init_subclass__));
	if (isc && IS(isc, qv_func_type))
		dict_set(c, d, QS(__init_subclass__), qv_call1(c, (qv_obj)&qv_classmethod_type, isc));
	t->repr = inst_repr;
	t->hash = inst_hash;
	t->binop = inst_binop;
	t->unop = inst_unop;
	t->call = inst_call;
	t->iter = inst_iter;
	t->next = inst_next;
	t->subscr = inst_subscr;
	t->len = inst_len;
	t->truth = inst_truth;
	t->getattr = inst_getattr;
	t->setattr = inst_setattr;
	t->make = NULL;
	/* only dispatch the slots the class (or a base) defines */
	const qv_type *nb = native_base(t);
	bool keep = nb != &qv_object_type && !(nb->flags & TF_EXC);
	if (!type_lookup(t, QS(__call__))) t->call = NULL;
	if (keep)
		goto slots_done;
	if (!type_lookup(t, QS(__iter__)) && !type_lookup(t, QS(__getitem__))) t->iter = NULL;
	if (!type_lookup(t, QS(__next__))) t->next = NULL;
	if (!type_lookup(t, QS(__getitem__)) && !type_lookup(t, QS(__setitem__)) && !type_lookup(t, QS(__delitem__))) t->subscr = NULL;
	if (!type_lookup(t, QS(__len__))) t->len = NULL;
slots_done:;
	qv_dictobj *dd = (qv_dictobj *)d;
	for (size_t i = 0; i < dd->n; i++)
		if (dd->entries[i].key)
			set_owner(dd->entries[i].value, (qv_obj)t);
	/* __set_name__ and __init_subclass__ */
	for (size_t i = 0; i < dd->n; i++) {
		qv_obj v = dd->entries[i].value;
		if (dd->entries[i].key && !IS_INT(v) && (TYPE(v)->flags & TF_USER)) {
			qv_obj sn = type_lookup(TYPE(v), QS(__set_name__));
			if (sn) {
				qv_obj args[3] = {v, (qv_obj)t, dd->entries[i].key};
				rt_call(c, sn, 3, 0, args);
			}
		}
	}
	for (size_t i = 1; i < ((qv_tupleobj *)t->mro)->len; i++) {
		const qv_type *b = (const qv_type *)((qv_tupleobj *)t->mro)->items[i];
		if (!(b->flags & TF_USER))
			break;
		qv_obj is = dict_get_str(b->dict, QS(__init_subclass__));
		if (is && IS(is, qv_classmethod_type)) {
			qv_call1(c, ((qv_wrap *)is)->func, (qv_obj)t);
			break;
		}
	}
	return (qv_obj)t;
}

NATIVE(qv_build_class, __build_class__, 2, ARGS_MAX)
{
	qv_obj fn = a[0], name = a[1];
	if (!IS(fn, qv_func_type))
		qv_raisef(c, EXC(TypeError), "__build_class__: func must be a function");
	qv_obj bases = tuple_from(c, n - 2, a + 2);
	qv_obj meta = native_kw(c, kw, QS(metaclass));
	qv_obj ns = dict_new(c);
	vm_run_class_body(c, (qv_func *)fn, ns);
	if (meta && meta != (qv_obj)&qv_type_type) {
		qv_obj a[3] = {name, bases, ns};
		return rt_call(c, meta, 3, 0, a);
	}
	return type_new_user(c, name, bases, ns);
}

/* ------------------------------------------------------------ object */
static qv_obj object_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(args);
	if (npos || nkw)
		qv_raisef(c, EXC(TypeError), "object() takes no arguments");
	qv_inst *i = NEW(c, qv_inst);
	i->type = t;
	return (qv_obj)i;
}

static qv_obj obj_init(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return NONE; }
static qv_obj obj_new(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	if (TYPE(a[0]) != &qv_type_type)
		qv_raisef(c, EXC(TypeError), "object.__new__(X): X is not a type object");
	const qv_type *t = (const qv_type *)a[0];
	if (!(t->flags & TF_USER))
		return object_make(c, t, 0, 0, NULL);
	qv_obj o = alloc_instance(c, t);
	const qv_type *nb = native_base(t);
	if (nb != &qv_object_type && !(nb->flags & TF_EXC) && nb->make)
		((qv_inst *)o)->native = nb->make(c, nb, n - 1, 0, a + 1);
	if (t->flags & TF_EXC)
		((qv_exc *)o)->args = tuple_from(c, n - 1, a + 1);
	return o;
}
static qv_obj obj_setattr(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	if (!IS_STR(a[1]))
		qv_raisef(c, EXC(TypeError), "attribute name must be string");
	if (!(TYPE(a[0])->flags & TF_USER))
		qv_raisef(c, EXC(AttributeError), "'%s' object attribute '%S' is read-only", type_name(a[0]), a[1]);
	generic_setattr(c, a[0], str_intern(c, STR(a[1])->data, STR(a[1])->len), a[2]);
	return NONE;
}
static qv_obj obj_delattr(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	if (!generic_setattr(c, a[0], str_intern(c, STR(a[1])->data, STR(a[1])->len), NULL))
		qv_raisef(c, EXC(AttributeError), "'%s' object has no attribute '%S'", type_name(a[0]), a[1]);
	return NONE;
}
static qv_obj obj_getattribute(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	return qv_getattr(c, a[0], a[1]);
}
static qv_obj obj_repr(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	const qv_type *t = TYPE(a[0]);
	if (t->flags & TF_USER) {
		qv_obj mod = dict_get_str(t->dict, QS(__module__));
		return str_fmt(c, "<%S.%S object at 0x%x>", mod ? mod : QS(__main__), t->qualname, (unsigned long)(uintptr_t)a[0]);
	}
	return qv_repr(c, a[0]);
}
static qv_obj obj_str(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	const qv_type *t = TYPE(a[0]);
	qv_obj m = type_lookup(t, QS(__repr__));
	if (m && !IS(m, qv_native_type))
		return qv_call1(c, m, a[0]);
	return obj_repr(c, n, a, kw);
}
static qv_obj obj_hash(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	UNUSED(c);
	return MKINT((intptr_t)((uintptr_t)a[0] >> 4));
}
static qv_obj obj_eq(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	UNUSED(c);
	return a[0] == a[1] ? TRUE_ : NOTIMPL;
}
static qv_obj obj_ne(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	qv_obj r = qv_compare(c, OP_EQ, a[0], a[1]);
	return BOOL(!rt_truth(c, r));
}
static qv_obj obj_class(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	UNUSED(c);
	return (qv_obj)TYPE(a[0]);
}
static qv_obj obj_format(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	UNUSED(n);
	if (IS_STR(a[1]) && STR(a[1])->len)
		qv_raisef(c, EXC(TypeError), "unsupported format string passed to %s.__format__", type_name(a[0]));
	return qv_str_of(c, a[0]);
}
static qv_obj obj_init_subclass(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw) { UNUSED(c); UNUSED(n); UNUSED(a); UNUSED(kw); return NONE; }
static qv_obj obj_dir(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	UNUSED(kw);
	qv_obj l = list_new(c, 0);
	if (TYPE(a[0])->flags & TF_USER) {
		qv_inst *i = (qv_inst *)a[0];
		if (i->dict) {
			qv_dictobj *d = (qv_dictobj *)i->dict;
			for (size_t k = 0; k < d->n; k++)
				if (d->entries[k].key)
					list_append(c, l, d->entries[k].key);
		}
	}
	return l;
}

static const qv_method object_methods[] = {
	METH(__init__, 1, ARGS_MAX, obj_init), SMETH(__new__, 1, ARGS_MAX, obj_new),
	METH(__setattr__, 3, 3, obj_setattr), METH(__delattr__, 2, 2, obj_delattr),
	METH(__getattribute__, 2, 2, obj_getattribute), METH(__repr__, 1, 1, obj_repr),
	METH(__str__, 1, 1, obj_str), METH(__hash__, 1, 1, obj_hash), METH(__eq__, 2, 2, obj_eq),
	METH(__ne__, 2, 2, obj_ne), ATTR(__class__, obj_class), METH(__format__, 2, 2, obj_format),
	CMETH(__init_subclass__, 1, 1, obj_init_subclass), METH(__dir__, 1, 1, obj_dir), METH_END,
};

static qv_obj object_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	const qv_type *t = TYPE(o);
	qv_obj v = type_lookup(t, name);
	if (!v)
		return NULL;
	return descr_get(c, v, o, t, self);
}

static bool object_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	UNUSED(c);
	UNUSED(o);
	UNUSED(name);
	UNUSED(v);
	return false;
}

const qv_type qv_object_type = {
	.type = &qv_type_type, .name = QS_object, .flags = TF_BASETYPE, .methods = object_methods,
	.make = object_make, .getattr = object_getattr, .setattr = object_setattr, .hash = id_hash,
};

/* Dunder methods of built-in types that their slots implement: looked up
 * by name (int.__add__, (5).__abs__) they become small wrappers. */
static const struct { uint16_t name; uint8_t kind, op, nargs; } slot_names[] = {
	{QS___add__, 0, OP_ADD, 2}, {QS___sub__, 0, OP_SUB, 2}, {QS___mul__, 0, OP_MUL, 2},
	{QS___truediv__, 0, OP_TRUEDIV, 2}, {QS___floordiv__, 0, OP_FLOORDIV, 2}, {QS___mod__, 0, OP_MOD, 2},
	{QS___pow__, 0, OP_POW, 2}, {QS___lshift__, 0, OP_LSHIFT, 2}, {QS___rshift__, 0, OP_RSHIFT, 2},
	{QS___and__, 0, OP_AND, 2}, {QS___or__, 0, OP_OR, 2}, {QS___xor__, 0, OP_XOR, 2},
	{QS___radd__, 1, OP_ADD, 2}, {QS___rsub__, 1, OP_SUB, 2}, {QS___rmul__, 1, OP_MUL, 2},
	{QS___rtruediv__, 1, OP_TRUEDIV, 2}, {QS___rfloordiv__, 1, OP_FLOORDIV, 2}, {QS___rmod__, 1, OP_MOD, 2},
	{QS___lt__, 2, OP_LT, 2}, {QS___le__, 2, OP_LE, 2}, {QS___gt__, 2, OP_GT, 2}, {QS___ge__, 2, OP_GE, 2},
	{QS___neg__, 3, UOP_NEG, 1}, {QS___pos__, 3, UOP_POS, 1}, {QS___invert__, 3, UOP_INVERT, 1},
	{QS___abs__, 4, 0, 1}, {QS___len__, 5, 0, 1}, {QS___getitem__, 6, 0, 2}, {QS___contains__, 7, 0, 2},
	{QS___iter__, 8, 0, 1}, {QS___bool__, 9, 0, 1}, {QS___float__, 10, 0, 1}, {QS___int__, 11, 0, 1},
	{QS___index__, 11, 0, 1}, {QS___divmod__, 12, 0, 2}, {QS___round__, 13, 0, 2}, {QS___trunc__, 11, 0, 1},
	{QS___floor__, 11, 0, 1}, {QS___ceil__, 14, 0, 1}, {QS___next__, 15, 0, 1},
};

extern const qv_native bi_abs, bi_divmod, bi_round;

static qv_obj slot_call(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(kw);
	int i = (int)INT_VAL(a[0]);
	qv_obj self = n > 1 ? a[1] : NONE, other = n > 2 ? a[2] : NONE;
	if ((size_t)slot_names[i].nargs + 1 != n && !(slot_names[i].kind == 13 && n == 2))
		qv_raisef(c, EXC(TypeError), "expected %d argument%s", slot_names[i].nargs - 1, slot_names[i].nargs == 2 ? "" : "s");
	qv_obj r;
	switch (slot_names[i].kind) {
	case 0: r = TYPE(self)->binop ? TYPE(self)->binop(c, slot_names[i].op, self, other) : NULL; return r ? r : NOTIMPL;
	case 1: r = TYPE(self)->binop ? TYPE(self)->binop(c, slot_names[i].op | OP_REFLECT, other, self) : NULL; return r ? r : NOTIMPL;
	case 2: r = TYPE(self)->binop ? TYPE(self)->binop(c, slot_names[i].op, self, other) : NULL; return r ? r : NOTIMPL;
	case 3: return qv_unop(c, slot_names[i].op, self);
	case 4: return bi_abs.fn(c, 1, &self, NULL);
	case 5: return MKINT(qv_len(c, self));
	case 6: return qv_getitem(c, self, other);
	case 7: return BOOL(qv_contains(c, self, other));
	case 8: return qv_iter(c, self);
	case 9: return BOOL(rt_truth(c, self));
	case 10: return float_new(c, get_float(c, self));
	case 11: return qv_call1(c, (qv_obj)&qv_int_type, self);
	case 12: return bi_divmod.fn(c, 2, a + 1, NULL);
	case 13: return bi_round.fn(c, n - 1, a + 1, NULL);
	case 14: {
		qv_obj f = qv_call1(c, (qv_obj)&qv_int_type, self);
		return rt_truth(c, qv_compare(c, OP_LT, f, self)) ? qv_binop(c, OP_ADD, f, MKINT(1)) : f;
	}
	default: {
		qv_obj v = qv_next(c, self);
		if (!v)
			qv_raise_type(c, EXC(StopIteration));
		return v;
	}
	}
}

static qv_obj slot_wrapper(qv_ctx *c, const qv_type *t, qv_obj name)
{
	if (t->flags & TF_USER)
		return NULL;
	for (size_t i = 0; i < sizeof slot_names / sizeof *slot_names; i++)
		if (QSI(slot_names[i].name) == name) {
			int k = slot_names[i].kind;
			bool has = k <= 2 ? t->binop != NULL : k == 3 ? t->unop != NULL : k == 5 ? t->len != NULL :
				   k == 6 ? t->subscr != NULL : k == 8 ? t->iter != NULL : k == 15 ? t->next != NULL :
				   (k == 4 || k >= 10) ? (t == &qv_int_type || t == &qv_bool_type || t == &qv_float_type) : true;
			if (!has)
				return NULL;
			return make_native_closure(c, slot_call, MKINT((intptr_t)i), name);
		}
	return NULL;
}

/* The generic getattr of built-in types: their method tables. */
qv_obj builtin_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	qv_obj v = object_getattr(c, o, name, self);
	if (v)
		return v;
	v = slot_wrapper(c, TYPE(o), name);
	return v ? bind(c, o, v) : NULL;
}

/* ------------------------------------------------------------ super */
static qv_obj super_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(t);
	UNUSED(nkw);
	qv_super *s = NEW(c, qv_super);
	s->type = &qv_super_type;
	if (npos >= 2) {
		s->cls = args[0];
		s->self = args[1];
		return (qv_obj)s;
	}
	qv_frame *f = c->frame;
	if (!f || !f->func || !f->func->owner || f->code->nargs == 0)
		qv_raisef(c, EXC(RuntimeError), "super(): no arguments");
	s->cls = f->func->owner;
	s->self = npos == 1 ? args[0] : f->fast[0];
	if (!s->self) {
		qv_code *co = f->code;
		for (unsigned i = 0; i < co->ncells; i++)
			if (co->cell2arg[i] == 0)
				s->self = ((qv_cell *)f->cells[i])->value;
	}
	if (!s->self)
		qv_raisef(c, EXC(RuntimeError), "super(): arg[0] deleted");
	return (qv_obj)s;
}

static qv_obj super_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self_out)
{
	qv_super *s = (qv_super *)o;
	bool is_type = TYPE(s->self) == &qv_type_type;
	const qv_type *st = is_type ? (const qv_type *)s->self : TYPE(s->self);
	qv_obj mro = linear_mro(c, st);
	qv_tupleobj *m = (qv_tupleobj *)mro;
	size_t i = 0;
	while (i < m->len && m->items[i] != s->cls)
		i++;
	for (i++; i < m->len; i++) {
		const qv_type *b = (const qv_type *)m->items[i];
		qv_obj v = (b->flags & TF_USER) ? dict_get_str(b->dict, name) : methods_lookup(b, name);
		if (!v && b == &qv_object_type)
			v = methods_lookup(b, name);
		if (!v)
			continue;
		if (is_type) {
			if (IS(v, qv_classmethod_type))
				return bind(c, s->self, ((qv_wrap *)v)->func);
			if (IS(v, qv_staticmethod_type))
				return ((qv_wrap *)v)->func;
			if (IS(v, qv_native_type) && ((const qv_native *)v)->kind == M_CLASS)
				return bind(c, s->self, v);
			return v;
		}
		return descr_get(c, v, s->self, st, self_out);
	}
	return NULL;
}

static qv_obj super_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	UNUSED(o);
	return str_cstr(c, "<super object>");
}

const qv_type qv_super_type = {
	.type = &qv_type_type, .name = QS_super, .make = super_make, .getattr = super_getattr,
	.repr = super_repr,
};

/* ------------------------------------------------------------ singletons */
static qv_obj none_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(c);
	UNUSED(s);
	return o == NONE ? QS(None) : o == ELLIPSIS ? QS(Ellipsis) : QS(NotImplemented);
}

static int none_truth(qv_ctx *c, qv_obj o)
{
	UNUSED(c);
	return o != NONE;
}

static qv_obj none_make(qv_ctx *c, const qv_type *t, size_t npos, size_t nkw, qv_obj *args)
{
	UNUSED(c);
	UNUSED(npos);
	UNUSED(nkw);
	UNUSED(args);
	return t == &qv_none_type ? NONE : t == &qv_ellipsis_type ? ELLIPSIS : NOTIMPL;
}

const qv_type qv_none_type = {
	.type = &qv_type_type, .name = QS_NoneType, .repr = none_repr, .truth = none_truth,
	.hash = id_hash, .make = none_make, .getattr = object_getattr,
};
const qv_type qv_ellipsis_type = {
	.type = &qv_type_type, .name = QS_ellipsis, .repr = none_repr, .hash = id_hash, .make = none_make,
	.getattr = object_getattr,
};
const qv_type qv_notimpl_type = {
	.type = &qv_type_type, .name = QS_NotImplementedType, .repr = none_repr, .hash = id_hash,
	.make = none_make, .getattr = object_getattr,
};
const struct qv_head qv_none_obj = {&qv_none_type};
const struct qv_head qv_ellipsis_obj = {&qv_ellipsis_type};
const struct qv_head qv_notimpl_obj = {&qv_notimpl_type};

/* ------------------------------------------------------------ small types */
const qv_type qv_cell_type = {.type = &qv_type_type, .name = QS_cell};
static qv_obj code_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<code object %S>", ((qv_code *)o)->name);
}
static qv_obj code_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(self);
	UNUSED(c);
	qv_code *co = (qv_code *)o;
	if (name == QS(co_name))
		return co->name;
	if (name == QS(co_filename))
		return co->filename;
	if (name == QS(co_argcount))
		return MKINT(co->nargs);
	if (name == QS(co_firstlineno))
		return MKINT(co->firstline);
	return NULL;
}
const qv_type qv_code_type = {.type = &qv_type_type, .name = QS_code, .repr = code_repr, .getattr = code_getattr};
const qv_type qv_frame_type = {.type = &qv_type_type, .name = QS_frame};

/* ------------------------------------------------------------ modules */
qv_obj module_new(qv_ctx *c, qv_obj name)
{
	qv_module *m = NEW(c, qv_module);
	m->type = &qv_module_type;
	m->name = name;
	m->dict = dict_new(c);
	dict_set(c, m->dict, QS(__name__), name);
	dict_set(c, m->dict, QS(__doc__), NONE);
	return (qv_obj)m;
}

static qv_obj module_getattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj *self)
{
	UNUSED(c);
	UNUSED(self);
	qv_module *m = (qv_module *)o;
	if (name == QS(__dict__))
		return m->dict;
	qv_obj v = dict_get_str(m->dict, name);
	if (v)
		return v;
	qv_obj ga = dict_get_str(m->dict, QS(__getattr__));
	if (ga)
		return qv_call1(c, ga, name);
	return NULL;
}

static bool module_setattr(qv_ctx *c, qv_obj o, qv_obj name, qv_obj v)
{
	qv_module *m = (qv_module *)o;
	if (!v)
		return dict_del(c, m->dict, name);
	dict_set(c, m->dict, name, v);
	return true;
}

static qv_obj module_repr(qv_ctx *c, qv_obj o, bool s)
{
	UNUSED(s);
	return str_fmt(c, "<module '%S'>", ((qv_module *)o)->name);
}

const qv_type qv_module_type = {
	.type = &qv_type_type, .name = QS_module, .getattr = module_getattr, .setattr = module_setattr,
	.repr = module_repr, .hash = id_hash,
};

void mod_add_natives(qv_ctx *c, qv_obj dict, const qv_native *const *fns)
{
	for (; *fns; fns++)
		dict_set(c, dict, QSI((*fns)->name), (qv_obj)*fns);
}
