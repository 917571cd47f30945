/* Tokens and the lexer state; only parse.c uses them. */
#ifndef QV_LEXER_H
#define QV_LEXER_H
#include "rt.h"

#define KEYWORDS(X) X(False) X(None) X(True) X(and) X(as) X(assert) X(async) X(await) \
	X(break) X(class) X(continue) X(def) X(del) X(elif) X(else) X(except) X(finally) \
	X(for) X(from) X(global) X(if) X(import) X(in) X(is) X(lambda) X(nonlocal) X(not) \
	X(or) X(pass) X(raise) X(return) X(try) X(while) X(with) X(yield)

/* Operators, longest first so that the first match is the right one. */
#define OPERATORS(X) \
	X(POWEQ, "**=") X(FDIVEQ, "//=") X(RSHEQ, ">>=") X(LSHEQ, "<<=") X(ELLIPSIS, "...") \
	X(ARROW, "->") X(WALRUS, ":=") X(POW, "**") X(FDIV, "//") X(LSH, "<<") X(RSH, ">>") \
	X(LE, "<=") X(GE, ">=") X(EQ, "==") X(NE, "!=") X(ADDEQ, "+=") X(SUBEQ, "-=") \
	X(MULEQ, "*=") X(DIVEQ, "/=") X(MODEQ, "%=") X(ANDEQ, "&=") X(OREQ, "|=") \
	X(XOREQ, "^=") X(MATEQ, "@=") X(PLUS, "+") X(MINUS, "-") X(STAR, "*") X(SLASH, "/") \
	X(PERCENT, "%") X(AMP, "&") X(PIPE, "|") X(CARET, "^") X(TILDE, "~") X(LT, "<") \
	X(GT, ">") X(LPAR, "(") X(RPAR, ")") X(LSQB, "[") X(RSQB, "]") X(LBRACE, "{") \
	X(RBRACE, "}") X(COMMA, ",") X(COLON, ":") X(SEMI, ";") X(DOT, ".") X(ASSIGN, "=") \
	X(AT, "@")

enum {
	T_EOF, T_NEWLINE, T_INDENT, T_DEDENT, T_NAME, T_NUM, T_STR, T_BYTES, T_FSTR,
#define X(k) K_##k,
	KEYWORDS(X)
#undef X
#define X(n, s) O_##n,
	OPERATORS(X)
#undef X
	T__COUNT
};

typedef struct lexer {
	qv_ctx *c;
	const char *src;
	size_t len, pos, bol; /* bol: offset of the current line's start */
	int line;
	int indents[64];
	int nind, pending, paren;
	bool at_bol;
	qv_obj filename;
	int line_off, col_off; /* for f-string expressions parsed from a slice */
	/* current token */
	int tok, tline, tcol;
	size_t tstart, tlen;
	qv_obj tval;
	bool traw;
} lexer;

void lex_init(lexer *L, qv_ctx *c, const char *src, size_t len, qv_obj filename);
void lex_next(lexer *L);
_Noreturn void lex_error(lexer *L, int line, int col, const qv_type *t, const char *msg);
extern const char *const lex_tok_names[T__COUNT];
#endif
