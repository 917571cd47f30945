/* The lexer: source text to tokens, with Python's indentation rules. */
#include "lexer.h"

const char *const lex_tok_names[T__COUNT] = {
	"end of file", "newline", "indent", "dedent", "name", "number", "string", "bytes", "f-string",
#define X(k) #k,
	KEYWORDS(X)
#undef X
#define X(n, s) s,
	OPERATORS(X)
#undef X
};

static const char *const kw_names[] = {
#define X(k) #k,
	KEYWORDS(X)
#undef X
};

_Noreturn void lex_error(lexer *L, int line, int col, const qv_type *t, const char *msg)
{
	qv_ctx *c = L->c;
	line += L->line_off;
	/* The source line, for the caret display. */
	size_t s = 0;
	int ln = 1;
	const char *src = L->src;
	size_t n = L->len;
	if (L->line_off == 0) {
		for (size_t i = 0; i < n && ln < line; i++)
			if (src[i] == '\n') {
				ln++;
				s = i + 1;
			}
	}
	size_t e = s;
	while (e < n && src[e] != '\n')
		e++;
	qv_obj text = L->line_off == 0 && ln == line ? str_new(c, src + s, e - s) : NONE;
	qv_obj m = str_cstr(c, msg);
	qv_obj info = tuple_pack(c, 4, L->filename, MKINT(line), MKINT(col + 1 + L->col_off), text);
	qv_obj exc = exc_new(c, t, tuple_pack(c, 2, m, info));
	c->incomplete = L->tok == T_EOF || L->pos >= L->len;
	rt_raise(c, exc);
}

void lex_init(lexer *L, qv_ctx *c, const char *src, size_t len, qv_obj filename)
{
	__builtin_memset(L, 0, sizeof *L);
	L->c = c;
	L->src = src;
	L->len = len;
	L->line = 1;
	L->at_bol = true;
	L->filename = filename;
	L->nind = 1;
	L->tval = NONE;
}

static int peekc(lexer *L, size_t k)
{
	return L->pos + k < L->len ? (unsigned char)L->src[L->pos + k] : -1;
}

static bool is_id_start(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80;
}

static bool is_id(int ch)
{
	return is_id_start(ch) || (ch >= '0' && ch <= '9');
}

static void newline(lexer *L)
{
	L->line++;
	L->bol = L->pos;
}

/* Measures the indentation of the line at L->pos; returns -1 for a line that
 * holds only blanks or a comment. */
static int measure_indent(lexer *L)
{
	int col = 0;
	for (;;) {
		int ch = peekc(L, 0);
		if (ch == ' ')
			col++;
		else if (ch == '\t')
			col = (col / 8 + 1) * 8;
		else if (ch == '\f')
			col = 0;
		else
			break;
		L->pos++;
	}
	int ch = peekc(L, 0);
	if (ch == '#' || ch == '\n' || ch == '\r' || (ch == '\\' && peekc(L, 1) == '\n'))
		return -1;
	if (ch == -1)
		return -2;
	return col;
}

static void set_tok(lexer *L, int tok, size_t start)
{
	L->tok = tok;
	L->tstart = start;
	L->tlen = L->pos - start;
	L->tline = L->line;
	L->tcol = (int)(start - L->bol);
}

static uint32_t hexval(lexer *L, int ndig, int line, int col)
{
	uint32_t v = 0;
	for (int i = 0; i < ndig; i++) {
		int ch = peekc(L, 0);
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0)
			lex_error(L, line, col, EXC(SyntaxError), "truncated \\xXX escape");
		v = v * 16 + (uint32_t)d;
		L->pos++;
	}
	return v;
}

static void lex_string(lexer *L, size_t start, bool raw, bool bytes, bool fstr)
{
	int q = peekc(L, 0);
	int line = L->line, col = (int)(start - L->bol);
	bool triple = peekc(L, 1) == q && peekc(L, 2) == q;
	L->pos += triple ? 3 : 1;
	sbuf b;
	sb_init(&b, L->c, 16);
	size_t body = L->pos;
	for (;;) {
		int ch = peekc(L, 0);
		if (ch == -1 || (!triple && ch == '\n'))
			lex_error(L, line, col, EXC(SyntaxError), triple ?
				  "unterminated triple-quoted string literal" :
				  "unterminated string literal");
		if (ch == q && (!triple || (peekc(L, 1) == q && peekc(L, 2) == q)))
			break;
		L->pos++;
		if (ch == '\n') {
			newline(L);
			sb_addc(&b, '\n');
			continue;
		}
		if (ch != '\\' || raw || fstr) {
			if (bytes && ch >= 0x80)
				lex_error(L, line, col, EXC(SyntaxError),
					  "bytes can only contain ASCII literal characters");
			sb_addc(&b, (char)ch);
			if (ch == '\\' && peekc(L, 0) != -1) {
				/* keep an escaped quote or backslash from ending the string */
				int nx = peekc(L, 0);
				L->pos++;
				if (nx == '\n')
					newline(L);
				sb_addc(&b, (char)nx);
			}
			continue;
		}
		ch = peekc(L, 0);
		L->pos++;
		switch (ch) {
		case '\n': newline(L); break;
		case 'n': sb_addc(&b, '\n'); break;
		case 't': sb_addc(&b, '\t'); break;
		case 'r': sb_addc(&b, '\r'); break;
		case '\\': sb_addc(&b, '\\'); break;
		case '\'': sb_addc(&b, '\''); break;
		case '"': sb_addc(&b, '"'); break;
		case 'a': sb_addc(&b, 7); break;
		case 'b': sb_addc(&b, 8); break;
		case 'f': sb_addc(&b, 12); break;
		case 'v': sb_addc(&b, 11); break;
		case 'x': {
			uint32_t v = hexval(L, 2, line, col);
			if (bytes)
				sb_addc(&b, (char)v);
			else
				sb_utf8(&b, v);
			break;
		}
		case 'u': case 'U':
			if (bytes) {
				sb_addc(&b, '\\');
				sb_addc(&b, (char)ch);
			} else {
				uint32_t v = hexval(L, ch == 'u' ? 4 : 8, line, col);
				if (v > 0x10FFFF)
					lex_error(L, line, col, EXC(SyntaxError), "illegal Unicode character");
				sb_utf8(&b, v);
			}
			break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			uint32_t v = (uint32_t)(ch - '0');
			for (int i = 0; i < 2 && peekc(L, 0) >= '0' && peekc(L, 0) <= '7'; i++)
				v = v * 8 + (uint32_t)(peekc(L, 0) - '0'), L->pos++;
			if (bytes)
				sb_addc(&b, (char)v);
			else
				sb_utf8(&b, v);
			break;
		}
		case -1:
			lex_error(L, line, col, EXC(SyntaxError), "unterminated string literal");
		default:
			sb_addc(&b, '\\');
			sb_addc(&b, (char)ch);
		}
	}
	(void)body;
	L->pos += triple ? 3 : 1;
	L->traw = raw;
	if (fstr) {
		L->tval = sb_str(&b);
		set_tok(L, T_FSTR, start);
	} else if (bytes) {
		L->tval = sb_bytes(&b);
		set_tok(L, T_BYTES, start);
	} else {
		L->tval = sb_str(&b);
		set_tok(L, T_STR, start);
	}
	L->tline = line;
	L->tcol = col;
}

static void lex_number(lexer *L, size_t start)
{
	int line = L->line, col = (int)(start - L->bol);
	char buf[400];
	size_t n = 0;
	bool isfloat = false;
	int base = 10;
	if (peekc(L, 0) == '0' && (peekc(L, 1) | 32) == 'x') base = 16;
	else if (peekc(L, 0) == '0' && (peekc(L, 1) | 32) == 'o') base = 8;
	else if (peekc(L, 0) == '0' && (peekc(L, 1) | 32) == 'b') base = 2;
	if (base != 10)
		L->pos += 2;
	for (;;) {
		int ch = peekc(L, 0);
		bool ok;
		if (ch == '_' && (n > 0 || base != 10) && is_id(peekc(L, 1)) && peekc(L, 1) != '_') {
			L->pos++;
			continue;
		}
		if (base == 16)
			ok = (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'f');
		else if (base != 10)
			ok = ch >= '0' && ch <= '9';
		else if (ch >= '0' && ch <= '9')
			ok = true;
		else if (ch == '.' && !isfloat)
			ok = isfloat = true;
		else if ((ch | 32) == 'e' && (peekc(L, 1) == '+' || peekc(L, 1) == '-' ||
					      (peekc(L, 1) >= '0' && peekc(L, 1) <= '9'))) {
			isfloat = true;
			if (n + 2 < sizeof buf)
				buf[n++] = 'e';
			L->pos++;
			ch = peekc(L, 0);
			ok = true;
		} else
			ok = false;
		if (!ok)
			break;
		if (n + 2 >= sizeof buf)
			lex_error(L, line, col, EXC(SyntaxError), "number literal too long");
		buf[n++] = (char)ch;
		L->pos++;
	}
	if ((peekc(L, 0) | 32) == 'j')
		lex_error(L, line, col, EXC(SyntaxError), "complex numbers are not supported");
	if (is_id(peekc(L, 0)))
		lex_error(L, line, col, EXC(SyntaxError), "invalid decimal literal");
	if (n == 0 && base != 10)
		lex_error(L, line, col, EXC(SyntaxError), "invalid number literal");
	bool ok = true;
	if (isfloat) {
		L->tval = float_new(L->c, parse_double(buf, n, &ok));
	} else {
		if (base == 10 && n > 1 && buf[0] == '0') {
			for (size_t i = 0; i < n; i++)
				if (buf[i] != '0')
					lex_error(L, line, col, EXC(SyntaxError),
						  "leading zeros in decimal integer literals are not permitted");
		}
		L->tval = int_parse(L->c, buf, n, base, &ok);
	}
	if (!ok)
		lex_error(L, line, col, EXC(SyntaxError), "invalid number literal");
	set_tok(L, T_NUM, start);
}

static bool lex_indent(lexer *L)
{
	for (;;) {
		size_t save = L->pos;
		int ind = measure_indent(L);
		if (ind == -1) {
			/* blank or comment line: skip it */
			while (peekc(L, 0) != -1 && peekc(L, 0) != '\n')
				L->pos++;
			if (peekc(L, 0) == '\n') {
				L->pos++;
				newline(L);
				continue;
			}
			ind = -2;
		}
		if (ind == -2) {
			L->pos = L->len;
			ind = 0;
		}
		L->at_bol = false;
		int cur = L->indents[L->nind - 1];
		if (ind > cur) {
			if (L->nind >= 63)
				lex_error(L, L->line, 0, EXC(IndentationError), "too many levels of indentation");
			L->indents[L->nind++] = ind;
			set_tok(L, T_INDENT, L->pos);
			return true;
		}
		if (ind < cur) {
			int k = 0;
			while (L->nind > 1 && L->indents[L->nind - 1] > ind) {
				L->nind--;
				k++;
			}
			if (L->indents[L->nind - 1] != ind)
				lex_error(L, L->line, ind, EXC(IndentationError),
					  "unindent does not match any outer indentation level");
			L->pending = k - 1;
			set_tok(L, T_DEDENT, L->pos);
			return true;
		}
		(void)save;
		return false;
	}
}

void lex_next(lexer *L)
{
	L->tval = NONE;
	if (L->pending > 0) {
		L->pending--;
		set_tok(L, T_DEDENT, L->pos);
		return;
	}
	if (L->at_bol && L->paren == 0 && lex_indent(L))
		return;
	for (;;) {
		int ch = peekc(L, 0);
		if (ch == ' ' || ch == '\t' || ch == '\f' || ch == '\r') {
			L->pos++;
		} else if (ch == '#') {
			while (peekc(L, 0) != -1 && peekc(L, 0) != '\n')
				L->pos++;
		} else if (ch == '\\' && (peekc(L, 1) == '\n' || (peekc(L, 1) == '\r' && peekc(L, 2) == '\n'))) {
			L->pos += peekc(L, 1) == '\r' ? 3 : 2;
			newline(L);
			if (peekc(L, 0) == -1)
				lex_error(L, L->line, 0, EXC(SyntaxError), "unexpected EOF while parsing");
		} else if (ch == '\n' && L->paren > 0) {
			L->pos++;
			newline(L);
		} else
			break;
	}
	size_t start = L->pos;
	int ch = peekc(L, 0);
	if (ch == -1) {
		if (L->tok != T_NEWLINE && L->tok != T_DEDENT && L->tok != T_INDENT && L->tok != T_EOF &&
		    !(L->tok == 0 && L->tstart == 0 && L->tlen == 0)) {
			set_tok(L, T_NEWLINE, start);
			return;
		}
		if (L->nind > 1) {
			L->nind--;
			set_tok(L, T_DEDENT, start);
			return;
		}
		set_tok(L, T_EOF, start);
		return;
	}
	if (ch == '\n') {
		L->pos++;
		set_tok(L, T_NEWLINE, start);
		newline(L);
		L->at_bol = true;
		return;
	}
	if (is_id_start(ch)) {
		while (is_id(peekc(L, 0)))
			L->pos++;
		size_t n = L->pos - start;
		const char *s = L->src + start;
		int q = peekc(L, 0);
		if ((q == '\'' || q == '"') && n <= 2) {
			bool raw = false, bytes = false, f = false, okp = true;
			for (size_t i = 0; i < n; i++) {
				int p = s[i] | 32;
				if (p == 'r') raw = true;
				else if (p == 'b') bytes = true;
				else if (p == 'f') f = true;
				else if (p == 'u' && n == 1) ;
				else okp = false;
			}
			if (okp && !(bytes && f)) {
				lex_string(L, start, raw, bytes, f);
				L->traw = raw;
				return;
			}
		}
		for (size_t k = 0; k < sizeof kw_names / sizeof *kw_names; k++)
			if (rt_strlen(kw_names[k]) == n && __builtin_memcmp(kw_names[k], s, n) == 0) {
				set_tok(L, K_False + (int)k, start);
				return;
			}
		L->tval = str_intern(L->c, s, n);
		set_tok(L, T_NAME, start);
		return;
	}
	if ((ch >= '0' && ch <= '9') || (ch == '.' && peekc(L, 1) >= '0' && peekc(L, 1) <= '9')) {
		lex_number(L, start);
		return;
	}
	if (ch == '\'' || ch == '"') {
		lex_string(L, start, false, false, false);
		return;
	}
	static const char *const ops[] = {
#define X(n, s) s,
		OPERATORS(X)
#undef X
	};
	for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
		size_t n = rt_strlen(ops[k]);
		if (L->pos + n <= L->len && __builtin_memcmp(L->src + L->pos, ops[k], n) == 0) {
			L->pos += n;
			int t = O_POWEQ + (int)k;
			if (t == O_LPAR || t == O_LSQB || t == O_LBRACE) {
				if (++L->paren > 200)
					lex_error(L, L->line, (int)(start - L->bol), EXC(SyntaxError),
						  "too many nested parentheses");
			} else if ((t == O_RPAR || t == O_RSQB || t == O_RBRACE) && L->paren > 0)
				L->paren--;
			set_tok(L, t, start);
			return;
		}
	}
	if (ch == '!' )
		lex_error(L, L->line, (int)(start - L->bol), EXC(SyntaxError), "invalid syntax");
	lex_error(L, L->line, (int)(start - L->bol), EXC(SyntaxError), "invalid character in identifier");
}
