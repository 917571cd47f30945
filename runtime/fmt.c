/* Formatting: the format-spec mini-language (format(), f-strings,
 * str.format) and printf-style str % args. */
#include "rt.h"
#include "fpconv.h"

typedef struct {
	const char *fill;
	size_t filln;
	char align, sign, group, type;
	bool alt, zero, z;
	intptr_t width, prec;
} fspec;

static bool parse_spec(qv_ctx *c, qv_obj spec, fspec *f)
{
	__builtin_memset(f, 0, sizeof *f);
	f->fill = " ";
	f->filln = 1;
	f->width = -1;
	f->prec = -1;
	const char *s = STR(spec)->data;
	size_t n = STR(spec)->len, i = 0;
	if (n == 0)
		return false;
	/* fill and align: the fill is one (possibly multi-byte) character */
	size_t cl = 1;
	if (n > 0 && ((uint8_t)s[0] & 0xC0) == 0xC0)
		while (cl < n && ((uint8_t)s[cl] & 0xC0) == 0x80)
			cl++;
	if (n > cl && (s[cl] == '<' || s[cl] == '>' || s[cl] == '^' || s[cl] == '=')) {
		f->fill = s;
		f->filln = cl;
		f->align = s[cl];
		i = cl + 1;
	} else if (n > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '^' || s[0] == '=')) {
		f->align = s[0];
		i = 1;
	}
	if (i < n && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
		f->sign = s[i++];
	if (i < n && s[i] == 'z') {
		f->z = true;
		i++;
	}
	if (i < n && s[i] == '#') {
		f->alt = true;
		i++;
	}
	if (i < n && s[i] == '0') {
		f->zero = true;
		i++;
	}
	if (i < n && s[i] >= '0' && s[i] <= '9') {
		f->width = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			f->width = f->width * 10 + (s[i++] - '0');
			if (f->width > 100000000)
				qv_raisef(c, EXC(ValueError), "Too many decimal digits in format string");
		}
	}
	if (i < n && (s[i] == ',' || s[i] == '_'))
		f->group = s[i++];
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			qv_raisef(c, EXC(ValueError), "Format specifier missing precision");
		f->prec = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			f->prec = f->prec * 10 + (s[i++] - '0');
			if (f->prec > 100000000)
				qv_raisef(c, EXC(ValueError), "Too many decimal digits in format string");
		}
	}
	if (i < n)
		f->type = s[i++];
	if (i < n)
		qv_raisef(c, EXC(ValueError), "Invalid format specifier '%S'", spec);
	if (f->zero && !f->align) {
		f->fill = "0";
		f->filln = 1;
		f->align = '=';
	}
	return true;
}

/* sign + prefix + body padded per spec; default alignment given */
static qv_obj finish(qv_ctx *c, fspec *f, const char *sign, const char *prefix, const char *body, size_t bn, char defalign)
{
	size_t sn = rt_strlen(sign), pn = rt_strlen(prefix);
	size_t clen = sn + pn + utf8_len(body, bn);
	char al = f->align ? f->align : defalign;
	intptr_t padn = f->width > (intptr_t)clen ? f->width - (intptr_t)clen : 0;
	sbuf b;
	sb_init(&b, c, clen + (size_t)padn * f->filln + 1);
	intptr_t left = al == '>' ? padn : al == '^' ? padn / 2 : 0;
	intptr_t right = padn - left;
	if (al == '=') {
		sb_add(&b, sign, sn);
		sb_add(&b, prefix, pn);
		for (intptr_t i = 0; i < padn; i++)
			sb_add(&b, f->fill, f->filln);
		sb_add(&b, body, bn);
		return sb_str(&b);
	}
	for (intptr_t i = 0; i < left; i++)
		sb_add(&b, f->fill, f->filln);
	sb_add(&b, sign, sn);
	sb_add(&b, prefix, pn);
	sb_add(&b, body, bn);
	for (intptr_t i = 0; i < right; i++)
		sb_add(&b, f->fill, f->filln);
	return sb_str(&b);
}

static qv_obj group_digits(qv_ctx *c, const char *d, size_t n, char sep, int every, fspec *f, size_t extra)
{
	/* with '0' padding, the zeros are grouped as well */
	size_t want = n;
	if (f && f->align == '=' && f->fill[0] == '0' && f->width > 0) {
		intptr_t w = f->width - (intptr_t)extra;
		while ((intptr_t)(want + (want - 1) / (size_t)every) < w)
			want++;
	}
	sbuf b;
	sb_init(&b, c, want * 2 + 1);
	for (size_t i = 0; i < want; i++) {
		size_t rem = want - i;
		if (i > 0 && rem % (size_t)every == 0)
			sb_addc(&b, sep);
		sb_addc(&b, i < want - n ? '0' : d[i - (want - n)]);
	}
	return sb_str(&b);
}

static qv_obj format_int(qv_ctx *c, qv_obj v, fspec *f)
{
	char t = f->type ? f->type : 'd';
	if (t == 'c') {
		intptr_t cp = get_int(c, v);
		if (cp < 0 || cp > 0x10FFFF)
			qv_raisef(c, EXC(OverflowError), "%%c arg not in range(0x110000)");
		sbuf b;
		sb_init(&b, c, 4);
		sb_utf8(&b, (uint32_t)cp);
		return finish(c, f, "", "", b.p, b.n, '>');
	}
	int base;
	const char *prefix = "";
	switch (t) {
	case 'd': case 'n': base = 10; break;
	case 'b': base = 2; prefix = f->alt ? "0b" : ""; break;
	case 'o': base = 8; prefix = f->alt ? "0o" : ""; break;
	case 'x': base = 16; prefix = f->alt ? "0x" : ""; break;
	case 'X': base = 16; prefix = f->alt ? "0X" : ""; break;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
		return NULL; /* caller formats as float */
	default:
		qv_raisef(c, EXC(ValueError), "Unknown format code '%c' for object of type 'int'", t);
	}
	if (f->prec >= 0)
		qv_raisef(c, EXC(ValueError), "Precision not allowed in integer format specifier");
	if (f->z)
		qv_raisef(c, EXC(ValueError), "Negative zero coercion (z) not allowed in integer format specifier");
	int sg = int_sign(v);
	qv_obj absv = sg < 0 ? qv_unop(c, UOP_NEG, v) : v;
	qv_obj digits = int_repr_base(c, absv, base, false);
	const char *dp = STR(digits)->data;
	size_t dn = STR(digits)->len;
	sbuf up;
	if (t == 'X') {
		sb_init(&up, c, dn);
		for (size_t i = 0; i < dn; i++)
			sb_addc(&up, dp[i] >= 'a' && dp[i] <= 'f' ? (char)(dp[i] - 32) : dp[i]);
		dp = up.p;
	}
	const char *sign = sg < 0 ? "-" : f->sign == '+' ? "+" : f->sign == ' ' ? " " : "";
	if (f->group) {
		qv_obj g = group_digits(c, dp, dn, f->group, base == 10 ? 3 : 4, f, rt_strlen(sign) + rt_strlen(prefix));
		dp = STR(g)->data;
		dn = STR(g)->len;
	}
	return finish(c, f, sign, prefix, dp, dn, '>');
}

static qv_obj format_float(qv_ctx *c, double x, fspec *f)
{
	char t = f->type;
	if (t && !memchr_s("eEfFgGn%", t, 8))
		qv_raisef(c, EXC(ValueError), "Unknown format code '%c' for object of type 'float'", t);
	if (t == 'n')
		t = 'g';
	unsigned flags = (f->alt ? QV_FMT_ALT : 0) | (f->z ? QV_FMT_NO_NEG_ZERO : 0);
	size_t need = qv_format_double_cap(x, t, (int)f->prec);
	char stackbuf[128];
	char *buf = need < sizeof stackbuf ? stackbuf : gc_alloc(c, need + 1, true);
	size_t len = qv_format_double(x, t, (int)f->prec, flags, buf, need < sizeof stackbuf ? sizeof stackbuf : need + 1);
	const char *body = buf;
	const char *sign = f->sign == '+' ? "+" : f->sign == ' ' ? " " : "";
	if (len && body[0] == '-') {
		sign = "-";
		body++;
		len--;
	}
	if (f->group) {
		size_t ip = 0;
		while (ip < len && body[ip] >= '0' && body[ip] <= '9')
			ip++;
		qv_obj g = group_digits(c, body, ip, f->group, 3, NULL, 0);
		sbuf b;
		sb_init(&b, c, len + 8);
		sb_addobj(&b, g);
		sb_add(&b, body + ip, len - ip);
		body = b.p;
		len = b.n;
	}
	return finish(c, f, sign, "", body, len, '>');
}

static qv_obj format_str(qv_ctx *c, qv_obj s, fspec *f)
{
	if (f->type && f->type != 's')
		qv_raisef(c, EXC(ValueError), "Unknown format code '%c' for object of type 'str'", f->type);
	if (f->sign)
		qv_raisef(c, EXC(ValueError), "Sign not allowed in string format specifier");
	if (f->align == '=')
		qv_raisef(c, EXC(ValueError), "'=' alignment not allowed in string format specifier");
	qv_strobj *x = STR(s);
	size_t bn = x->len;
	if (f->prec >= 0 && (size_t)f->prec < x->clen) {
		size_t k = 0, i = 0;
		while (i < x->len && k < (size_t)f->prec) {
			i++;
			while (i < x->len && ((uint8_t)x->data[i] & 0xC0) == 0x80)
				i++;
			k++;
		}
		bn = i;
	}
	return finish(c, f, "", "", x->data, bn, '<');
}

qv_obj format_obj(qv_ctx *c, qv_obj v, qv_obj spec)
{
	if (!IS_STR(spec))
		qv_raisef(c, EXC(TypeError), "format spec must be a str");
	const qv_type *t = TYPE(v);
	if (t->flags & TF_USER) {
		qv_obj m = type_lookup(t, QS(__format__));
		if (m && !IS(m, qv_native_type)) {
			qv_obj r = qv_call2(c, m, v, spec);
			if (!IS_STR(r))
				qv_raisef(c, EXC(TypeError), "__format__ must return a str, not %s", type_name(r));
			return r;
		}
		if (((qv_inst *)v)->native && !(t->flags & TF_EXC))
			v = ((qv_inst *)v)->native, t = TYPE(v);
	}
	fspec f;
	if (!parse_spec(c, spec, &f))
		return qv_str_of(c, v);
	if (t == &qv_bool_type && !f.type)
		return format_str(c, qv_str_of(c, v), &f);
	if (is_intlike(v)) {
		qv_obj r = format_int(c, v, &f);
		if (r)
			return r;
		return format_float(c, int_to_double(c, v), &f);
	}
	if (t == &qv_float_type) {
		if (!f.type && f.prec < 0)
			f.type = 0;
		return format_float(c, FLOAT_VAL(v), &f);
	}
	if (t == &qv_str_type)
		return format_str(c, v, &f);
	qv_raisef(c, EXC(TypeError), "unsupported format string passed to %s.__format__", tname(t));
}

/* ------------------------------------------------------------ str.format */
static qv_obj field_value(qv_ctx *c, const char *s, size_t n, size_t npos, qv_obj *pos, qv_obj kw, int *autoidx)
{
	size_t i = 0;
	while (i < n && s[i] != '.' && s[i] != '[')
		i++;
	qv_obj v;
	if (i == 0) {
		if (*autoidx < 0)
			qv_raisef(c, EXC(ValueError), "cannot switch from manual field specification to automatic field numbering");
		size_t k = (size_t)(*autoidx)++;
		if (k >= npos)
			qv_raisef(c, EXC(IndexError), "Replacement index %u out of range for positional args tuple", (unsigned)k);
		v = pos[k];
	} else if (s[0] >= '0' && s[0] <= '9') {
		if (*autoidx > 0)
			qv_raisef(c, EXC(ValueError), "cannot switch from automatic field numbering to manual field specification");
		*autoidx = -1;
		size_t k = 0;
		for (size_t j = 0; j < i; j++)
			k = k * 10 + (size_t)(s[j] - '0');
		if (k >= npos)
			qv_raisef(c, EXC(IndexError), "Replacement index %u out of range for positional args tuple", (unsigned)k);
		v = pos[k];
	} else {
		qv_obj key = str_new(c, s, i);
		v = kw ? (IS(kw, qv_dict_type) ? dict_get(c, kw, key) : qv_getitem(c, kw, key)) : NULL;
		if (!v)
			rt_raise(c, exc_new(c, EXC(KeyError), tuple_pack(c, 1, key)));
	}
	while (i < n) {
		if (s[i] == '.') {
			size_t st = ++i;
			while (i < n && s[i] != '.' && s[i] != '[')
				i++;
			v = qv_getattr(c, v, str_intern(c, s + st, i - st));
		} else {
			size_t st = ++i;
			while (i < n && s[i] != ']')
				i++;
			bool num = i > st;
			for (size_t j = st; j < i; j++)
				if (s[j] < '0' || s[j] > '9')
					num = false;
			qv_obj key;
			if (num) {
				intptr_t k = 0;
				for (size_t j = st; j < i; j++)
					k = k * 10 + (s[j] - '0');
				key = MKINT(k);
			} else
				key = str_new(c, s + st, i - st);
			v = qv_getitem(c, v, key);
			i++;
		}
	}
	return v;
}

static qv_obj vformat(qv_ctx *c, qv_obj fmt, size_t npos, qv_obj *pos, qv_obj kw, int depth)
{
	const char *s = STR(fmt)->data;
	size_t n = STR(fmt)->len, i = 0;
	int autoidx = 0;
	sbuf b;
	sb_init(&b, c, n + 16);
	if (depth > 2)
		qv_raisef(c, EXC(ValueError), "Max string recursion exceeded");
	while (i < n) {
		char ch = s[i];
		if (ch == '}') {
			if (i + 1 < n && s[i + 1] == '}') {
				sb_addc(&b, '}');
				i += 2;
				continue;
			}
			qv_raisef(c, EXC(ValueError), "Single '}' encountered in format string");
		}
		if (ch != '{') {
			sb_addc(&b, ch);
			i++;
			continue;
		}
		if (i + 1 < n && s[i + 1] == '{') {
			sb_addc(&b, '{');
			i += 2;
			continue;
		}
		size_t st = ++i;
		int d = 0;
		while (i < n && (s[i] != '}' || d > 0)) {
			if (s[i] == '{')
				d++;
			else if (s[i] == '}')
				d--;
			i++;
		}
		if (i >= n)
			qv_raisef(c, EXC(ValueError), "expected '}' before end of string");
		size_t e = i++;
		size_t fe = st;
		while (fe < e && s[fe] != '!' && s[fe] != ':')
			fe++;
		qv_obj v = field_value(c, s + st, fe - st, npos, pos, kw, &autoidx);
		char conv = 0;
		if (fe < e && s[fe] == '!') {
			if (fe + 1 >= e)
				qv_raisef(c, EXC(ValueError), "end of string while looking for conversion specifier");
			conv = s[fe + 1];
			fe += 2;
			if (fe < e && s[fe] != ':')
				qv_raisef(c, EXC(ValueError), "expected ':' after conversion specifier");
		}
		qv_obj spec = QS(empty);
		if (fe < e && s[fe] == ':') {
			spec = str_new(c, s + fe + 1, e - fe - 1);
			if (memchr_s(STR(spec)->data, '{', STR(spec)->len)) {
				/* nested fields share the automatic numbering */
				spec = vformat(c, spec, npos, pos, kw, depth + 1);
			}
		}
		if (conv == 'r' || conv == 'a')
			v = qv_repr(c, v);
		else if (conv == 's')
			v = qv_str_of(c, v);
		else if (conv)
			qv_raisef(c, EXC(ValueError), "Unknown conversion specifier %c", conv);
		sb_addobj(&b, format_obj(c, v, spec));
	}
	return sb_str(&b);
}

qv_obj s_format(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	return vformat(c, a[0], n - 1, a + 1, kw, 0);
}

qv_obj s_format_map(qv_ctx *c, size_t n, qv_obj *a, qv_obj kw)
{
	UNUSED(n);
	UNUSED(kw);
	return vformat(c, a[0], 0, NULL, a[1], 0);
}

/* ------------------------------------------------------------ str % args */
qv_obj str_modfmt(qv_ctx *c, qv_obj fmt, qv_obj args)
{
	const char *s = STR(fmt)->data;
	size_t n = STR(fmt)->len, i = 0;
	size_t nargs = 1, ai = 0;
	qv_obj *av = &args;
	qv_obj mapping = NULL;
	if (IS(args, qv_tuple_type))
		av = seq_array(c, args, &nargs);
	else if (!IS_INT(args) && (IS(args, qv_dict_type) || ((TYPE(args)->flags & TF_USER) && type_lookup(TYPE(args), QS(__getitem__)) && !IS_STR(args))))
		mapping = args;
	sbuf b;
	sb_init(&b, c, n + 16);
	while (i < n) {
		if (s[i] != '%') {
			sb_addc(&b, s[i++]);
			continue;
		}
		i++;
		if (i >= n)
			qv_raisef(c, EXC(ValueError), "incomplete format");
		if (s[i] == '%') {
			sb_addc(&b, '%');
			i++;
			continue;
		}
		qv_obj v = NULL;
		if (s[i] == '(') {
			if (!mapping)
				qv_raisef(c, EXC(TypeError), "format requires a mapping");
			size_t st = ++i;
			int d = 1;
			while (i < n && d) {
				if (s[i] == '(') d++;
				else if (s[i] == ')') d--;
				i++;
			}
			v = qv_getitem(c, mapping, str_new(c, s + st, i - st - 1));
		}
		fspec f;
		__builtin_memset(&f, 0, sizeof f);
		f.fill = " ";
		f.filln = 1;
		f.width = -1;
		f.prec = -1;
		bool left = false;
		for (; i < n && memchr_s("-+ #0", s[i], 5); i++) {
			switch (s[i]) {
			case '-': left = true; break;
			case '+': f.sign = '+'; break;
			case ' ': if (f.sign != '+') f.sign = ' '; break;
			case '#': f.alt = true; break;
			case '0': f.zero = true; break;
			}
		}
		if (i < n && s[i] == '*') {
			if (ai >= nargs)
				qv_raisef(c, EXC(TypeError), "not enough arguments for format string");
			f.width = get_int(c, av[ai++]);
			if (f.width < 0) {
				left = true;
				f.width = -f.width;
			}
			i++;
		} else if (i < n && s[i] >= '0' && s[i] <= '9') {
			f.width = 0;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				f.width = f.width * 10 + (s[i++] - '0');
		}
		if (i < n && s[i] == '.') {
			i++;
			f.prec = 0;
			if (i < n && s[i] == '*') {
				f.prec = get_int(c, av[ai++]);
				i++;
			} else
				while (i < n && s[i] >= '0' && s[i] <= '9')
					f.prec = f.prec * 10 + (s[i++] - '0');
		}
		if (i >= n)
			qv_raisef(c, EXC(ValueError), "incomplete format");
		char t = s[i++];
		if (!v) {
			if (mapping && !IS(args, qv_tuple_type))
				v = args;
			else {
				if (ai >= nargs)
					qv_raisef(c, EXC(TypeError), "not enough arguments for format string");
				v = av[ai++];
			}
		}
		if (left)
			f.align = '<';
		else if (f.zero && t != 's' && t != 'r' && t != 'c' && t != 'a') {
			f.align = '=';
			f.fill = "0";
		} else
			f.align = '>';
		qv_obj r;
		switch (t) {
		case 's': case 'r': case 'a': {
			qv_obj sv = t == 's' ? qv_str_of(c, v) : qv_repr(c, v);
			f.sign = 0;
			r = format_str(c, sv, &f);
			break;
		}
		case 'd': case 'i': case 'u':
			if (IS(v, qv_float_type))
				v = int_from_double(c, FLOAT_VAL(v));
			if (!is_intlike(v))
				qv_raisef(c, EXC(TypeError), "%%%c format: a real number is required, not %s", t, type_name(v));
			f.type = 'd';
			f.prec = -1;
			r = format_int(c, v, &f);
			break;
		case 'x': case 'X': case 'o':
			if (!is_intlike(v))
				qv_raisef(c, EXC(TypeError), "%%%c format: an integer is required, not %s", t, type_name(v));
			f.type = t;
			f.prec = -1;
			r = format_int(c, v, &f);
			break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
			f.type = t;
			if (f.prec < 0)
				f.prec = 6;
			r = format_float(c, get_float(c, v), &f);
			break;
		case 'c':
			if (IS_STR(v)) {
				r = format_str(c, v, &f);
			} else {
				f.type = 'c';
				r = format_int(c, v, &f);
			}
			break;
		default:
			qv_raisef(c, EXC(ValueError), "unsupported format character '%c' (0x%x) at index %u", t, (unsigned long)(uint8_t)t, (unsigned)(i - 1));
		}
		sb_addobj(&b, r);
	}
	if (ai < nargs && !mapping && IS(args, qv_tuple_type))
		qv_raisef(c, EXC(TypeError), "not all arguments converted during string formatting");
	if (ai < nargs && !mapping && !IS(args, qv_tuple_type) && ai == 0)
		qv_raisef(c, EXC(TypeError), "not all arguments converted during string formatting");
	return sb_str(&b);
}
