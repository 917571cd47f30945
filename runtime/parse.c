/* The parser: tokens to the tree in ast.h, by recursive descent. */
#include "ast.h"
#include "lexer.h"

typedef struct {
	lexer L;
	qv_ctx *c;
	int depth;
	bool in_fstring;
} parser;

#define TOK (P->L.tok)
#define MAX_DEPTH 150

static node *expr(parser *P);
static node *test(parser *P);
static node *testlist_star(parser *P);
static node *or_expr(parser *P);
static void block(parser *P, node *owner, bool second);
static node *statement(parser *P);
static node *lambda(parser *P, bool nocond);
static node *star_or_test(parser *P);

static _Noreturn void perr(parser *P, const char *msg)
{
	lex_error(&P->L, P->L.tline, P->L.tcol, EXC(SyntaxError), msg);
}

static _Noreturn void perr_at(parser *P, node *n, const char *msg)
{
	lex_error(&P->L, n->line, n->col, EXC(SyntaxError), msg);
}

static void enter(parser *P)
{
	if (++P->depth > MAX_DEPTH)
		perr(P, "too many nested expressions");
}

static node *mk(parser *P, int kind)
{
	node *n = NEW(P->c, node);
	n->kind = (uint8_t)kind;
	n->line = P->L.tline + P->L.line_off;
	n->col = P->L.tcol;
	n->v = NONE;
	return n;
}

static node *mk_at(parser *P, int kind, node *at)
{
	node *n = mk(P, kind);
	n->line = at->line;
	n->col = at->col;
	return n;
}

static void add(parser *P, node *n, node *k)
{
	if (n->n == n->cap) {
		int nc = n->cap ? n->cap * 2 : 4;
		n->list = gc_realloc(P->c, n->list, sizeof(node *) * (size_t)n->cap, sizeof(node *) * (size_t)nc, false);
		n->cap = nc;
	}
	n->list[n->n++] = k;
}

static void add2(parser *P, node *n, node *k)
{
	if (n->n2 == n->cap2) {
		int nc = n->cap2 ? n->cap2 * 2 : 4;
		n->list2 = gc_realloc(P->c, n->list2, sizeof(node *) * (size_t)n->cap2, sizeof(node *) * (size_t)nc, false);
		n->cap2 = nc;
	}
	n->list2[n->n2++] = k;
}

static void next(parser *P)
{
	lex_next(&P->L);
}

static bool accept(parser *P, int t)
{
	if (TOK == t) {
		next(P);
		return true;
	}
	return false;
}

static void expect(parser *P, int t)
{
	if (TOK == t) {
		next(P);
		return;
	}
	if (t == T_INDENT)
		lex_error(&P->L, P->L.tline, P->L.tcol, EXC(IndentationError), "expected an indented block");
	if (TOK == T_INDENT)
		lex_error(&P->L, P->L.tline, P->L.tcol, EXC(IndentationError), "unexpected indent");
	if (TOK == T_EOF && t != T_NEWLINE)
		perr(P, "unexpected EOF while parsing");
	if (t == O_COLON)
		perr(P, "expected ':'");
	perr(P, "invalid syntax");
}

static qv_obj name(parser *P)
{
	if (TOK != T_NAME)
		perr(P, "invalid syntax");
	qv_obj v = P->L.tval;
	next(P);
	return v;
}

/* ------------------------------------------------------------ f-strings */
static node *parse_sub(parser *P, const char *s, size_t n, int line, int col);

static node *fstring(parser *P, qv_obj raw, node *into)
{
	const char *s = STR(raw)->data;
	size_t n = STR(raw)->len, i = 0;
	bool rawstr = P->L.traw;
	int line = P->L.tline, col = P->L.tcol;
	sbuf lit;
	sb_init(&lit, P->c, 16);
	while (i < n) {
		char ch = s[i];
		if (ch == '{' && i + 1 < n && s[i + 1] == '{') {
			sb_addc(&lit, '{');
			i += 2;
			continue;
		}
		if (ch == '}') {
			if (i + 1 < n && s[i + 1] == '}') {
				sb_addc(&lit, '}');
				i += 2;
				continue;
			}
			perr(P, "f-string: single '}' is not allowed");
		}
		if (ch == '\\' && !rawstr) {
			/* escapes in the literal part */
			char e = i + 1 < n ? s[i + 1] : 0;
			static const char map[][2] = {
				{'n', '\n'}, {'t', '\t'}, {'r', '\r'}, {'\\', '\\'}, {'\'', '\''}, {'"', '"'},
				{'a', '\a'}, {'b', '\b'}, {'f', '\f'}, {'v', '\v'}, {'0', '\0'},
			};
			const char *m = 0;
			for (size_t q = 0; q < sizeof map / sizeof *map; q++)
				if (map[q][0] == e) {
					m = map[q];
					break;
				}
			if (m) {
				sb_addc(&lit, m[1]);
				i += 2;
				continue;
			}
			if (e == '\n') {
				i += 2;
				continue;
			}
			if (e == 'x' || e == 'u' || e == 'U') {
				int nd = e == 'x' ? 2 : e == 'u' ? 4 : 8;
				uint32_t v = 0;
				for (int k = 0; k < nd; k++) {
					char d = i + 2 + (size_t)k < n ? s[i + 2 + k] : 0;
					int dv = d >= '0' && d <= '9' ? d - '0' : (d | 32) >= 'a' && (d | 32) <= 'f' ? (d | 32) - 'a' + 10 : -1;
					if (dv < 0)
						perr(P, "truncated escape in f-string");
					v = v * 16 + (uint32_t)dv;
				}
				sb_utf8(&lit, v);
				i += 2 + (size_t)nd;
				continue;
			}
			sb_addc(&lit, ch);
			i++;
			continue;
		}
		if (ch != '{') {
			sb_addc(&lit, ch);
			i++;
			continue;
		}
		if (lit.n) {
			node *k = mk(P, N_CONST);
			k->v = sb_str(&lit);
			add(P, into, k);
			sb_init(&lit, P->c, 16);
		}
		/* find the end of the expression: a top-level '!', ':' or '}' */
		size_t st = ++i;
		int depth = 0;
		char quote = 0;
		while (i < n) {
			char d = s[i];
			if (quote) {
				if (d == quote)
					quote = 0;
			} else if (d == '\'' || d == '"')
				quote = d;
			else if (d == '(' || d == '[' || d == '{')
				depth++;
			else if ((d == ')' || d == ']' || d == '}') && depth > 0)
				depth--;
			else if (depth == 0 && (d == '}' || d == ':' || (d == '!' && i + 1 < n && s[i + 1] != '=')))
				break;
			i++;
		}
		if (i >= n)
			perr(P, "f-string: expecting '}'");
		size_t en = i;
		bool selfdoc = false;
		size_t te = en;
		while (te > st && (s[te - 1] == ' '))
			te--;
		if (te > st && s[te - 1] == '=' && !(te > st + 1 && (s[te - 2] == '=' || s[te - 2] == '!' || s[te - 2] == '<' || s[te - 2] == '>'))) {
			selfdoc = true;
			en = te - 1;
		}
		size_t a = st;
		while (a < en && (s[a] == ' ' || s[a] == '\t'))
			a++;
		if (a == en)
			perr(P, "f-string: empty expression not allowed");
		node *fv = mk(P, N_FVALUE);
		fv->a = parse_sub(P, s + st, en - st, line, col);
		fv->op = 0;
		if (selfdoc) {
			node *k = mk(P, N_CONST);
			k->v = str_new(P->c, s + st, i - st);
			add(P, into, k);
			fv->op = 'r';
		}
		if (s[i] == '!') {
			if (i + 2 >= n || (s[i + 1] != 'r' && s[i + 1] != 's' && s[i + 1] != 'a'))
				perr(P, "f-string: invalid conversion character");
			fv->op = (uint8_t)s[i + 1];
			i += 2;
		}
		if (s[i] == ':') {
			/* the format spec, which may itself hold {fields} */
			size_t ss = ++i;
			int d2 = 0;
			while (i < n && (s[i] != '}' || d2 > 0)) {
				if (s[i] == '{')
					d2++;
				else if (s[i] == '}')
					d2--;
				i++;
			}
			node *spec = mk(P, N_FSTRING);
			qv_obj sub = str_new(P->c, s + ss, i - ss);
			fstring(P, sub, spec);
			fv->b = spec;
			if (selfdoc && fv->op == 'r')
				fv->op = 0;
		}
		if (i >= n || s[i] != '}')
			perr(P, "f-string: expecting '}'");
		i++;
		add(P, into, fv);
	}
	if (lit.n) {
		node *k = mk(P, N_CONST);
		k->v = sb_str(&lit);
		add(P, into, k);
	}
	return into;
}

/* ------------------------------------------------------------ atoms */
static node *comp_for(parser *P, node *elt);

static node *strings(parser *P)
{
	node *n = mk(P, N_CONST);
	bool isbytes = TOK == T_BYTES, isf = false;
	node *f = NULL;
	sbuf b;
	sb_init(&b, P->c, 16);
	while (TOK == T_STR || TOK == T_BYTES || TOK == T_FSTR) {
		if ((TOK == T_BYTES) != isbytes)
			perr(P, "cannot mix bytes and nonbytes literals");
		if (TOK == T_FSTR) {
			if (!f)
				f = mk(P, N_FSTRING);
			if (b.n) {
				node *k = mk(P, N_CONST);
				k->v = sb_str(&b);
				add(P, f, k);
				sb_init(&b, P->c, 16);
			}
			fstring(P, P->L.tval, f);
			isf = true;
		} else
			sb_addobj(&b, P->L.tval);
		next(P);
	}
	if (isf) {
		if (b.n) {
			node *k = mk(P, N_CONST);
			k->v = sb_str(&b);
			add(P, f, k);
		}
		return f;
	}
	n->v = isbytes ? sb_bytes(&b) : sb_str(&b);
	return n;
}

static node *dict_or_set(parser *P)
{
	node *n = mk(P, N_DICT);
	next(P);
	if (accept(P, O_RBRACE))
		return n;
	node *first;
	if (accept(P, O_POW)) {
		first = mk(P, N_DSTARRED);
		first->a = or_expr(P);
	} else
		first = star_or_test(P);
	if (first->kind != N_DSTARRED && TOK != O_COLON) {
		/* a set */
		n->kind = N_SET;
		if (TOK == K_for || TOK == K_async) {
			node *cmp = mk_at(P, N_SETCOMP, first);
			cmp->a = first;
			comp_for(P, cmp);
			expect(P, O_RBRACE);
			return cmp;
		}
		add(P, n, first);
		while (accept(P, O_COMMA) && TOK != O_RBRACE)
			add(P, n, star_or_test(P));
		expect(P, O_RBRACE);
		return n;
	}
	for (;;) {
		if (first->kind == N_DSTARRED) {
			add(P, n, first);
			add2(P, n, first);
		} else {
			if (first->kind == N_STARRED)
				perr(P, "invalid syntax");
			expect(P, O_COLON);
			node *v = test(P);
			if (n->n == 0 && (TOK == K_for || TOK == K_async)) {
				node *cmp = mk_at(P, N_DICTCOMP, first);
				cmp->a = first;
				cmp->b = v;
				comp_for(P, cmp);
				expect(P, O_RBRACE);
				return cmp;
			}
			add(P, n, first);
			add2(P, n, v);
		}
		if (!accept(P, O_COMMA) || TOK == O_RBRACE)
			break;
		if (accept(P, O_POW)) {
			first = mk(P, N_DSTARRED);
			first->a = or_expr(P);
		} else
			first = test(P);
	}
	expect(P, O_RBRACE);
	return n;
}

static node *atom(parser *P)
{
	node *n;
	switch (TOK) {
	case T_NAME:
		n = mk(P, N_NAME);
		n->v = P->L.tval;
		next(P);
		return n;
	case T_NUM:
		n = mk(P, N_CONST);
		n->v = P->L.tval;
		next(P);
		return n;
	case T_STR: case T_BYTES: case T_FSTR:
		return strings(P);
	case K_None: case K_True: case K_False: case O_ELLIPSIS:
		n = mk(P, N_CONST);
		n->v = TOK == K_None ? NONE : TOK == K_True ? TRUE_ : TOK == K_False ? FALSE_ : ELLIPSIS;
		next(P);
		return n;
	case O_LPAR: {
		n = mk(P, N_TUPLE);
		next(P);
		if (accept(P, O_RPAR))
			return n;
		node *e;
		if (TOK == K_yield) {
			e = expr(P); /* yield expression */
			expect(P, O_RPAR);
			return e;
		}
		e = star_or_test(P);
		if (TOK == O_WALRUS && e->kind == N_NAME) {
			next(P);
			node *w = mk_at(P, N_NAMEDEXPR, e);
			w->a = e;
			w->b = test(P);
			e = w;
		}
		if (TOK == K_for || TOK == K_async) {
			node *g = mk_at(P, N_GENEXP, e);
			g->a = e;
			comp_for(P, g);
			expect(P, O_RPAR);
			return g;
		}
		if (accept(P, O_RPAR)) {
			if (e->kind == N_STARRED)
				perr_at(P, e, "cannot use starred expression here");
			e->flags |= NF_PAREN;
			return e;
		}
		add(P, n, e);
		while (accept(P, O_COMMA) && TOK != O_RPAR)
			add(P, n, star_or_test(P));
		expect(P, O_RPAR);
		return n;
	}
	case O_LSQB: {
		n = mk(P, N_LIST);
		next(P);
		if (accept(P, O_RSQB))
			return n;
		node *e = star_or_test(P);
		if (TOK == K_for || TOK == K_async) {
			node *g = mk_at(P, N_LISTCOMP, e);
			g->a = e;
			comp_for(P, g);
			expect(P, O_RSQB);
			return g;
		}
		add(P, n, e);
		while (accept(P, O_COMMA) && TOK != O_RSQB)
			add(P, n, star_or_test(P));
		expect(P, O_RSQB);
		return n;
	}
	case O_LBRACE:
		return dict_or_set(P);
	case T_EOF:
		perr(P, "unexpected EOF while parsing");
	default:
		perr(P, "invalid syntax");
	}
}

static node *subscript_item(parser *P)
{
	node *lo = NULL;
	if (TOK != O_COLON) {
		lo = star_or_test(P);
		if (TOK != O_COLON)
			return lo;
	}
	node *s = mk(P, N_SLICE);
	s->a = lo;
	next(P);
	if (TOK != O_COLON && TOK != O_RSQB && TOK != O_COMMA)
		s->b = test(P);
	if (accept(P, O_COLON) && TOK != O_RSQB && TOK != O_COMMA)
		s->c = test(P);
	return s;
}

static node *call_args(parser *P, node *fn)
{
	node *call = mk_at(P, N_CALL, fn);
	call->a = fn;
	/* a positional argument after a keyword one is reported, as CPython
	 * does, at the closing parenthesis */
	const char *late = NULL;
	next(P); /* ( */
	while (TOK != O_RPAR) {
		if (accept(P, O_STAR)) {
			node *s = mk(P, N_STARRED);
			s->a = test(P);
			add(P, call, s);
		} else if (accept(P, O_POW)) {
			node *k = mk(P, N_KEYWORD);
			k->a = test(P);
			k->v = NULL;
			add2(P, call, k);
		} else {
			node *e = test(P);
			if (TOK == O_ASSIGN) {
				if (e->kind != N_NAME || (e->flags & NF_PAREN))
					perr_at(P, e, "expression cannot contain assignment, perhaps you meant \"==\"?");
				next(P);
				node *k = mk_at(P, N_KEYWORD, e);
				k->v = e->v;
				k->a = test(P);
				add2(P, call, k);
			} else if (TOK == O_WALRUS && e->kind == N_NAME) {
				next(P);
				node *w = mk_at(P, N_NAMEDEXPR, e);
				w->a = e;
				w->b = test(P);
				add(P, call, w);
			} else if (TOK == K_for || TOK == K_async) {
				node *g = mk_at(P, N_GENEXP, e);
				g->a = e;
				comp_for(P, g);
				add(P, call, g);
			} else {
				if (call->n2 > 0 && !late) {
					late = "positional argument follows keyword argument";
					for (int i = 0; i < call->n2; i++)
						if (call->list2[i]->v == NULL)
							late = "positional argument follows keyword argument unpacking";
				}
				add(P, call, e);
			}
		}
		if (!accept(P, O_COMMA))
			break;
	}
	if (late && TOK == O_RPAR)
		perr(P, late);
	expect(P, O_RPAR);
	return call;
}

static node *primary(parser *P)
{
	node *n = atom(P);
	for (;;) {
		if (TOK == O_LPAR) {
			enter(P);
			n = call_args(P, n);
			P->depth--;
		} else if (TOK == O_DOT) {
			next(P);
			node *a = mk_at(P, N_ATTR, n);
			a->line = P->L.tline + P->L.line_off;
			a->a = n;
			a->v = name(P);
			n = a;
		} else if (TOK == O_LSQB) {
			next(P);
			node *s = mk_at(P, N_SUBSCR, n);
			s->a = n;
			enter(P);
			node *idx = subscript_item(P);
			if (TOK == O_COMMA) {
				node *t = mk_at(P, N_TUPLE, idx);
				add(P, t, idx);
				while (accept(P, O_COMMA) && TOK != O_RSQB)
					add(P, t, subscript_item(P));
				idx = t;
			}
			P->depth--;
			s->b = idx;
			expect(P, O_RSQB);
			n = s;
		} else
			return n;
	}
}

static node *power(parser *P);

static node *factor(parser *P)
{
	int op = TOK == O_MINUS ? UOP_NEG : TOK == O_PLUS ? UOP_POS : TOK == O_TILDE ? UOP_INVERT : -1;
	if (op >= 0) {
		node *n = mk(P, N_UNARY);
		next(P);
		enter(P);
		n->op = (uint8_t)op;
		n->a = factor(P);
		P->depth--;
		/* fold -literal so that -9223372036854775808 and -0.0 are constants */
		if (op == UOP_NEG && n->a->kind == N_CONST && !(n->a->flags & NF_PAREN) &&
		    (IS_INT(n->a->v) || IS(n->a->v, qv_float_type))) {
			n->a->v = qv_unop(P->c, UOP_NEG, n->a->v);
			n->a->line = n->line;
			n->a->col = n->col;
			return n->a;
		}
		return n;
	}
	return power(P);
}

static node *power(parser *P)
{
	node *n;
	if (TOK == K_await) {
		n = mk(P, N_AWAIT);
		next(P);
		n->a = primary(P);
	} else
		n = primary(P);
	if (TOK == O_POW) {
		next(P);
		node *b = mk_at(P, N_BINOP, n);
		b->op = OP_POW;
		b->a = n;
		enter(P);
		b->b = factor(P);
		P->depth--;
		return b;
	}
	return n;
}

/* Binary operator precedence levels, lowest first. */
static int binop_of(int tok, int level)
{
	static const struct { int tok, op, level; } tab[] = {
		{O_PIPE, OP_OR, 0}, {O_CARET, OP_XOR, 1}, {O_AMP, OP_AND, 2},
		{O_LSH, OP_LSHIFT, 3}, {O_RSH, OP_RSHIFT, 3}, {O_PLUS, OP_ADD, 4}, {O_MINUS, OP_SUB, 4},
		{O_STAR, OP_MUL, 5}, {O_SLASH, OP_TRUEDIV, 5}, {O_FDIV, OP_FLOORDIV, 5},
		{O_PERCENT, OP_MOD, 5}, {O_AT, OP_MATMUL, 5},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (tab[i].tok == tok && tab[i].level == level)
			return tab[i].op;
	return -1;
}

static node *binary(parser *P, int level)
{
	if (level > 5)
		return factor(P);
	enter(P);
	node *n = binary(P, level + 1);
	int op;
	while ((op = binop_of(TOK, level)) >= 0) {
		node *b = mk(P, N_BINOP);
		b->line = n->line;
		b->col = n->col;
		next(P);
		b->op = (uint8_t)op;
		b->a = n;
		b->b = binary(P, level + 1);
		n = b;
	}
	P->depth--;
	return n;
}

static node *or_expr(parser *P)
{
	return binary(P, 0);
}

static int cmp_op(parser *P)
{
	switch (TOK) {
	case O_LT: next(P); return OP_LT;
	case O_LE: next(P); return OP_LE;
	case O_EQ: next(P); return OP_EQ;
	case O_NE: next(P); return OP_NE;
	case O_GT: next(P); return OP_GT;
	case O_GE: next(P); return OP_GE;
	case K_in: next(P); return OP_IN;
	case K_is:
		next(P);
		return accept(P, K_not) ? OP_IS_NOT : OP_IS;
	case K_not:
		next(P);
		expect(P, K_in);
		return OP_NOT_IN;
	default:
		return -1;
	}
}

static node *comparison(parser *P)
{
	node *n = or_expr(P);
	if (TOK != O_LT && TOK != O_LE && TOK != O_EQ && TOK != O_NE && TOK != O_GT && TOK != O_GE &&
	    TOK != K_in && TOK != K_is && TOK != K_not)
		return n;
	node *c = mk_at(P, N_COMPARE, n);
	c->a = n;
	int op;
	while ((op = cmp_op(P)) >= 0) {
		node *o = mk(P, N_CONST);
		o->op = (uint8_t)op;
		add2(P, c, o);
		add(P, c, or_expr(P));
	}
	return c;
}

static node *not_test(parser *P)
{
	if (TOK == K_not) {
		node *n = mk(P, N_NOT);
		next(P);
		enter(P);
		n->a = not_test(P);
		P->depth--;
		return n;
	}
	return comparison(P);
}

static node *and_test(parser *P)
{
	node *n = not_test(P);
	if (TOK != K_and)
		return n;
	node *a = mk_at(P, N_AND, n);
	add(P, a, n);
	while (accept(P, K_and))
		add(P, a, not_test(P));
	return a;
}

static node *or_test(parser *P)
{
	node *n = and_test(P);
	if (TOK != K_or)
		return n;
	node *a = mk_at(P, N_OR, n);
	add(P, a, n);
	while (accept(P, K_or))
		add(P, a, and_test(P));
	return a;
}

static node *test(parser *P)
{
	if (TOK == K_lambda)
		return lambda(P, false);
	enter(P);
	node *n = or_test(P);
	if (TOK == O_WALRUS && n->kind == N_NAME && !(n->flags & NF_PAREN)) {
		next(P);
		node *w = mk_at(P, N_NAMEDEXPR, n);
		w->a = n;
		w->b = test(P);
		P->depth--;
		return w;
	}
	if (TOK == K_if) {
		next(P);
		node *i = mk_at(P, N_IFEXP, n);
		i->a = or_test(P);
		i->b = n;
		expect(P, K_else);
		i->c = test(P);
		n = i;
	}
	P->depth--;
	return n;
}

static node *test_nocond(parser *P)
{
	if (TOK == K_lambda)
		return lambda(P, true);
	return or_test(P);
}

static node *star_or_test(parser *P)
{
	if (TOK == O_STAR) {
		node *s = mk(P, N_STARRED);
		next(P);
		s->a = or_expr(P);
		return s;
	}
	return test(P);
}

/* A comma-separated list of expressions; a tuple when there is a comma. */
static node *exprlist(parser *P, node *(*item)(parser *), bool for_target)
{
	node *first = item(P);
	if (TOK != O_COMMA)
		return first;
	node *t = mk_at(P, N_TUPLE, first);
	add(P, t, first);
	while (accept(P, O_COMMA)) {
		if (TOK == O_ASSIGN || TOK == T_NEWLINE || TOK == O_RPAR || TOK == O_SEMI ||
		    TOK == O_COLON || TOK == T_EOF || (for_target && TOK == K_in) || TOK == O_RSQB ||
		    (TOK >= O_POWEQ && TOK <= O_MATEQ && TOK != O_ELLIPSIS && TOK != O_ARROW &&
		     TOK != O_WALRUS && TOK != O_POW && TOK != O_FDIV && TOK != O_LSH && TOK != O_RSH &&
		     TOK != O_LE && TOK != O_GE && TOK != O_EQ && TOK != O_NE))
			break;
		add(P, t, item(P));
	}
	return t;
}

static node *star_expr_or(parser *P)
{
	if (TOK == O_STAR) {
		node *s = mk(P, N_STARRED);
		next(P);
		s->a = or_expr(P);
		return s;
	}
	return or_expr(P);
}

static node *comp_for(parser *P, node *comp)
{
	while (TOK == K_for || TOK == K_async) {
		node *f = mk(P, N_COMPFOR);
		if (accept(P, K_async))
			f->flags |= NF_ASYNC;
		expect(P, K_for);
		f->a = exprlist(P, star_expr_or, true);
		expect(P, K_in);
		f->b = or_test(P);
		while (TOK == K_if) {
			next(P);
			add(P, f, test_nocond(P));
		}
		add2(P, comp, f);
	}
	return comp;
}

/* yield, yield from, or a test list */
static node *expr(parser *P)
{
	if (TOK == K_yield) {
		node *y = mk(P, N_YIELD);
		next(P);
		if (accept(P, K_from)) {
			y->kind = N_YIELDFROM;
			y->a = test(P);
		} else if (TOK != T_NEWLINE && TOK != O_RPAR && TOK != O_ASSIGN && TOK != T_EOF && TOK != O_SEMI)
			y->a = testlist_star(P);
		return y;
	}
	return testlist_star(P);
}

static node *testlist_star(parser *P)
{
	return exprlist(P, star_or_test, false);
}

/* ------------------------------------------------------------ functions */
static void params(parser *P, node *fn, int close)
{
	bool kwonly = false, seen_default = false;
	while (TOK != close) {
		node *a = mk(P, N_ARG);
		if (accept(P, O_POW)) {
			a->v = name(P);
			a->flags |= NF_DSTAR;
			if (close == O_RPAR && accept(P, O_COLON))
				a->a = test(P);
			add(P, fn, a);
			accept(P, O_COMMA);
			if (TOK != close)
				perr(P, "arguments cannot follow var-keyword argument");
			break;
		}
		if (accept(P, O_STAR)) {
			if (kwonly)
				perr(P, "* argument may appear only once");
			kwonly = true;
			if (TOK == O_COMMA) {
				next(P);
				if (TOK == close || TOK == O_POW)
					perr(P, "named arguments must follow bare *");
				continue;
			}
			a->v = name(P);
			a->flags |= NF_STAR;
			if (close == O_RPAR && accept(P, O_COLON))
				a->a = test(P);
			add(P, fn, a);
			if (!accept(P, O_COMMA))
				break;
			continue;
		}
		if (accept(P, O_SLASH)) {
			for (int i = 0; i < fn->n; i++)
				fn->list[i]->flags |= NF_POSONLY;
			if (!accept(P, O_COMMA))
				break;
			continue;
		}
		a->v = name(P);
		if (kwonly)
			a->flags |= NF_KWONLY;
		if (close == O_RPAR && accept(P, O_COLON))
			a->a = test(P); /* annotation */
		if (accept(P, O_ASSIGN)) {
			a->b = test(P);
			if (!kwonly)
				seen_default = true;
		} else if (seen_default && !kwonly)
			perr(P, "non-default argument follows default argument");
		for (int i = 0; i < fn->n; i++)
			if (fn->list[i]->v == a->v)
				perr_at(P, a, cstr(P->c, str_fmt(P->c, "duplicate argument '%S' in function definition", a->v)));
		add(P, fn, a);
		if (!accept(P, O_COMMA))
			break;
	}
}

static node *lambda(parser *P, bool nocond)
{
	node *fn = mk(P, N_LAMBDA);
	next(P);
	params(P, fn, O_COLON);
	expect(P, O_COLON);
	enter(P);
	fn->a = nocond ? test_nocond(P) : test(P);
	P->depth--;
	fn->v = QS(LTlambda);
	return fn;
}

static node *funcdef(parser *P, node *decorators, bool async)
{
	node *fn = mk(P, N_FUNCDEF);
	next(P); /* def */
	fn->v = name(P);
	if (async)
		fn->flags |= NF_ASYNC;
	expect(P, O_LPAR);
	params(P, fn, O_RPAR);
	expect(P, O_RPAR);
	if (accept(P, O_ARROW))
		fn->d = test(P); /* return annotation */
	expect(P, O_COLON);
	fn->c = decorators;
	/* the body goes into a separate node so the params stay in list */
	node *body = mk(P, N_MODULE);
	block(P, body, false);
	fn->a = body;
	return fn;
}

static node *classdef(parser *P, node *decorators)
{
	node *cl = mk(P, N_CLASSDEF);
	next(P);
	cl->v = name(P);
	if (TOK == O_LPAR) {
		node *call = call_args(P, cl);
		cl->b = call; /* bases in list, keywords in list2 */
	}
	expect(P, O_COLON);
	cl->c = decorators;
	node *body = mk(P, N_MODULE);
	block(P, body, false);
	cl->a = body;
	return cl;
}

/* ------------------------------------------------------------ statements */
static bool is_augassign(int t, int *op)
{
	static const int tab[][2] = {
		{O_ADDEQ, OP_ADD}, {O_SUBEQ, OP_SUB}, {O_MULEQ, OP_MUL}, {O_DIVEQ, OP_TRUEDIV},
		{O_FDIVEQ, OP_FLOORDIV}, {O_MODEQ, OP_MOD}, {O_POWEQ, OP_POW}, {O_LSHEQ, OP_LSHIFT},
		{O_RSHEQ, OP_RSHIFT}, {O_ANDEQ, OP_AND}, {O_OREQ, OP_OR}, {O_XOREQ, OP_XOR},
		{O_MATEQ, OP_MATMUL},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (tab[i][0] == t) {
			*op = tab[i][1];
			return true;
		}
	return false;
}

static void check_target(parser *P, node *t, bool aug)
{
	switch (t->kind) {
	case N_NAME: case N_ATTR: case N_SUBSCR:
		return;
	case N_TUPLE: case N_LIST:
		if (aug)
			perr_at(P, t, "'tuple' is an illegal expression for augmented assignment");
		if (t->n == 0 && t->kind == N_TUPLE && !(t->flags & NF_PAREN))
			break;
		for (int i = 0; i < t->n; i++)
			check_target(P, t->list[i], false);
		return;
	case N_STARRED:
		if (aug)
			break;
		check_target(P, t->a, false);
		return;
	case N_CALL:
		perr_at(P, t, "cannot assign to function call");
	case N_CONST:
		perr_at(P, t, "cannot assign to literal");
	default:
		break;
	}
	perr_at(P, t, "cannot assign to expression");
}

static node *import_name(parser *P, node *stmt)
{
	sbuf b;
	sb_init(&b, P->c, 16);
	sb_addobj(&b, name(P));
	while (accept(P, O_DOT)) {
		sb_addc(&b, '.');
		sb_addobj(&b, name(P));
	}
	stmt->v = str_intern(P->c, b.p, b.n);
	return stmt;
}

static node *simple_stmt(parser *P)
{
	node *n;
	switch (TOK) {
	case K_pass: n = mk(P, N_PASS); next(P); return n;
	case K_break: n = mk(P, N_BREAK); next(P); return n;
	case K_continue: n = mk(P, N_CONTINUE); next(P); return n;
	case K_return:
		n = mk(P, N_RETURN);
		next(P);
		if (TOK != T_NEWLINE && TOK != O_SEMI && TOK != T_EOF)
			n->a = testlist_star(P);
		return n;
	case K_raise:
		n = mk(P, N_RAISE);
		next(P);
		if (TOK != T_NEWLINE && TOK != O_SEMI && TOK != T_EOF) {
			n->a = test(P);
			if (accept(P, K_from))
				n->b = test(P);
		}
		return n;
	case K_global: case K_nonlocal:
		n = mk(P, TOK == K_global ? N_GLOBAL : N_NONLOCAL);
		next(P);
		do {
			node *k = mk(P, N_NAME);
			k->v = name(P);
			add(P, n, k);
		} while (accept(P, O_COMMA));
		return n;
	case K_del:
		n = mk(P, N_DEL);
		next(P);
		n->a = exprlist(P, or_expr, false);
		check_target(P, n->a, false);
		return n;
	case K_assert:
		n = mk(P, N_ASSERT);
		next(P);
		n->a = test(P);
		if (accept(P, O_COMMA))
			n->b = test(P);
		return n;
	case K_import:
		n = mk(P, N_IMPORT);
		next(P);
		do {
			node *k = mk(P, N_IMPORT);
			import_name(P, k);
			if (accept(P, K_as))
				k->a = (node *)NULL, k->d = mk(P, N_NAME), k->d->v = name(P);
			add(P, n, k);
		} while (accept(P, O_COMMA));
		return n;
	case K_from: {
		n = mk(P, N_IMPORTFROM);
		next(P);
		int level = 0;
		while (TOK == O_DOT || TOK == O_ELLIPSIS) {
			level += TOK == O_DOT ? 1 : 3;
			next(P);
		}
		n->op = (uint8_t)level;
		if (TOK == T_NAME)
			import_name(P, n);
		else if (level == 0)
			perr(P, "invalid syntax");
		else
			n->v = QS(empty);
		expect(P, K_import);
		if (accept(P, O_STAR)) {
			n->flags |= NF_STAR;
			return n;
		}
		bool paren = accept(P, O_LPAR);
		do {
			if (paren && TOK == O_RPAR)
				break;
			node *k = mk(P, N_NAME);
			k->v = name(P);
			if (accept(P, K_as)) {
				k->a = mk(P, N_NAME);
				k->a->v = name(P);
			}
			add(P, n, k);
		} while (accept(P, O_COMMA));
		if (paren)
			expect(P, O_RPAR);
		return n;
	}
	default:
		break;
	}
	node *e = expr(P);
	int op;
	if (is_augassign(TOK, &op)) {
		check_target(P, e, true);
		n = mk_at(P, N_AUGASSIGN, e);
		n->op = (uint8_t)op;
		next(P);
		n->a = e;
		n->b = TOK == K_yield ? expr(P) : testlist_star(P);
		return n;
	}
	if (TOK == O_COLON) {
		/* annotated assignment */
		next(P);
		check_target(P, e, true);
		test(P);
		if (accept(P, O_ASSIGN)) {
			n = mk_at(P, N_ASSIGN, e);
			add(P, n, e);
			n->a = expr(P);
			return n;
		}
		n = mk_at(P, N_ANNASSIGN, e);
		n->a = e;
		return n;
	}
	if (TOK == O_ASSIGN) {
		n = mk_at(P, N_ASSIGN, e);
		while (accept(P, O_ASSIGN)) {
			check_target(P, e, false);
			add(P, n, e);
			e = expr(P);
		}
		n->a = e;
		return n;
	}
	if (e->kind == N_STARRED)
		perr_at(P, e, "can't use starred expression here");
	n = mk_at(P, N_EXPR_STMT, e);
	n->a = e;
	return n;
}

static void simple_stmts(parser *P, node *into)
{
	for (;;) {
		add(P, into, simple_stmt(P));
		if (!accept(P, O_SEMI))
			break;
		if (TOK == T_NEWLINE || TOK == T_EOF)
			break;
	}
	if (TOK == T_EOF)
		return;
	expect(P, T_NEWLINE);
}

/* A suite after ':' into owner->list (or list2 when second). */
static void block(parser *P, node *owner, bool second)
{
	node *tmp = mk(P, N_MODULE);
	if (accept(P, T_NEWLINE)) {
		if (TOK == T_EOF)
			perr(P, "expected an indented block");
		expect(P, T_INDENT);
		enter(P);
		while (TOK != T_DEDENT && TOK != T_EOF) {
			node *s = statement(P);
			if (s)
				add(P, tmp, s);
		}
		P->depth--;
		accept(P, T_DEDENT);
	} else
		simple_stmts(P, tmp);
	if (second) {
		owner->list2 = tmp->list;
		owner->n2 = tmp->n;
		owner->cap2 = tmp->cap;
	} else {
		owner->list = tmp->list;
		owner->n = tmp->n;
		owner->cap = tmp->cap;
	}
}

static node *if_stmt(parser *P)
{
	node *n = mk(P, N_IF);
	next(P);
	n->a = expr(P);
	if (n->a->kind == N_TUPLE && !(n->a->flags & NF_PAREN))
		perr(P, "invalid syntax");
	expect(P, O_COLON);
	block(P, n, false);
	if (TOK == K_elif) {
		node *e = if_stmt(P);
		n->list2 = NULL;
		add2(P, n, e);
	} else if (accept(P, K_else)) {
		expect(P, O_COLON);
		block(P, n, true);
	}
	return n;
}

static node *with_stmt(parser *P, bool async)
{
	node *n = mk(P, N_WITH);
	if (async)
		n->flags |= NF_ASYNC;
	next(P);
	bool paren = false;
	if (TOK == O_LPAR) {
		/* (a as b, c as d): try the parenthesized form */
		lexer save = P->L;
		next(P);
		node *probe = test(P);
		if (TOK == K_as || (TOK == O_COMMA) || (TOK == O_RPAR && 0))
			paren = true;
		P->L = save;
		(void)probe;
		if (paren)
			next(P);
	}
	do {
		if (paren && TOK == O_RPAR)
			break;
		node *it = mk(P, N_WITHITEM);
		it->a = test(P);
		if (accept(P, K_as)) {
			it->b = star_expr_or(P);
			check_target(P, it->b, false);
		}
		add2(P, n, it);
	} while (accept(P, O_COMMA));
	if (paren)
		expect(P, O_RPAR);
	expect(P, O_COLON);
	block(P, n, false);
	return n;
}

static node *try_stmt(parser *P)
{
	node *n = mk(P, N_TRY);
	next(P);
	expect(P, O_COLON);
	block(P, n, false);
	while (TOK == K_except) {
		node *h = mk(P, N_EXCEPT);
		next(P);
		if (TOK == O_STAR)
			perr(P, "except* is not supported");
		if (TOK != O_COLON) {
			h->a = test(P);
			if (TOK == O_COMMA) {
				node *t = mk_at(P, N_TUPLE, h->a);
				add(P, t, h->a);
				while (accept(P, O_COMMA))
					add(P, t, test(P));
				h->a = t;
			}
			if (accept(P, K_as)) {
				h->v = name(P);
			}
		}
		expect(P, O_COLON);
		block(P, h, false);
		add2(P, n, h);
	}
	if (TOK == K_else) {
		if (n->n2 == 0)
			perr(P, "invalid syntax");
		next(P);
		expect(P, O_COLON);
		node *e = mk(P, N_MODULE);
		block(P, e, false);
		n->b = e;
	}
	if (TOK == K_finally) {
		next(P);
		expect(P, O_COLON);
		node *f = mk(P, N_MODULE);
		block(P, f, false);
		n->c = f;
	}
	if (n->n2 == 0 && !n->c)
		perr(P, "expected 'except' or 'finally' block");
	return n;
}

static node *statement(parser *P)
{
	node *n;
	switch (TOK) {
	case K_if:
		return if_stmt(P);
	case K_while:
		n = mk(P, N_WHILE);
		next(P);
		n->a = test(P);
		expect(P, O_COLON);
		block(P, n, false);
		if (accept(P, K_else)) {
			expect(P, O_COLON);
			block(P, n, true);
		}
		return n;
	case K_for: case K_async: {
		bool async = false;
		if (TOK == K_async) {
			next(P);
			async = true;
			if (TOK == K_def)
				return funcdef(P, NULL, true);
			if (TOK == K_with)
				return with_stmt(P, true);
			if (TOK != K_for)
				perr(P, "invalid syntax");
		}
		n = mk(P, N_FOR);
		if (async)
			n->flags |= NF_ASYNC;
		next(P);
		n->a = exprlist(P, star_expr_or, true);
		check_target(P, n->a, false);
		expect(P, K_in);
		n->b = testlist_star(P);
		expect(P, O_COLON);
		block(P, n, false);
		if (accept(P, K_else)) {
			expect(P, O_COLON);
			block(P, n, true);
		}
		return n;
	}
	case K_try:
		return try_stmt(P);
	case K_with:
		return with_stmt(P, false);
	case K_def:
		return funcdef(P, NULL, false);
	case K_class:
		return classdef(P, NULL);
	case O_AT: {
		node *decos = mk(P, N_MODULE);
		while (accept(P, O_AT)) {
			add(P, decos, test(P));
			expect(P, T_NEWLINE);
		}
		if (TOK == K_def)
			return funcdef(P, decos, false);
		if (TOK == K_class)
			return classdef(P, decos);
		if (TOK == K_async) {
			next(P);
			if (TOK == K_def)
				return funcdef(P, decos, true);
		}
		perr(P, "invalid syntax");
	}
	case T_INDENT:
		lex_error(&P->L, P->L.tline, P->L.tcol, EXC(IndentationError), "unexpected indent");
	case T_NEWLINE:
		next(P);
		return NULL;
	case K_else: case K_elif: case K_except: case K_finally:
		perr(P, "invalid syntax");
	default: {
		node *m = mk(P, N_MODULE);
		simple_stmts(P, m);
		if (m->n == 1)
			return m->list[0];
		return m;
	}
	}
}

static node *parse_sub(parser *P, const char *s, size_t n, int line, int col)
{
	parser *Q = gc_alloc(P->c, sizeof *Q, false);
	Q->c = P->c;
	Q->depth = P->depth + 5;
	/* wrap in parentheses so newlines inside are fine */
	char *buf = gc_alloc(P->c, n + 3, true);
	buf[0] = '(';
	__builtin_memcpy(buf + 1, s, n);
	buf[n + 1] = ')';
	buf[n + 2] = 0;
	lex_init(&Q->L, P->c, buf, n + 2, P->L.filename);
	Q->L.line_off = line - 1;
	Q->L.col_off = col;
	next(Q);
	node *e = expr(Q);
	if (Q->L.tok != T_NEWLINE && Q->L.tok != T_EOF)
		perr(Q, "f-string: invalid syntax");
	return e;
}

node *parse_source(qv_ctx *c, const char *src, size_t len, qv_obj filename, int mode)
{
	parser *P = gc_alloc(c, sizeof *P, false);
	P->c = c;
	lex_init(&P->L, c, src, len, filename);
	node *mod = mk(P, N_MODULE);
	next(P);
	if (mode == 2) {
		while (TOK == T_NEWLINE || TOK == T_INDENT)
			next(P);
		node *r = mk(P, N_RETURN);
		r->a = testlist_star(P);
		while (TOK == T_NEWLINE || TOK == T_DEDENT)
			next(P);
		if (TOK != T_EOF)
			perr(P, "invalid syntax");
		add(P, mod, r);
		return mod;
	}
	while (TOK != T_EOF) {
		if (TOK == T_DEDENT) {
			next(P);
			continue;
		}
		node *s = statement(P);
		if (s)
			add(P, mod, s);
	}
	return mod;
}
