/* The abstract syntax tree the parser builds and the compiler walks. Nodes
 * live on the context heap like everything else; the collector keeps them
 * alive while the compiler holds the root. */
#ifndef QV_AST_H
#define QV_AST_H
#include "rt.h"

#define NODE_KINDS(X) \
	/* statements */ \
	X(MODULE) X(EXPR_STMT) X(ASSIGN) X(AUGASSIGN) X(ANNASSIGN) X(DEL) X(PASS) X(BREAK) \
	X(CONTINUE) X(RETURN) X(RAISE) X(GLOBAL) X(NONLOCAL) X(ASSERT) X(IMPORT) X(IMPORTFROM) \
	X(IF) X(WHILE) X(FOR) X(TRY) X(EXCEPT) X(WITH) X(WITHITEM) X(FUNCDEF) X(CLASSDEF) \
	/* expressions */ \
	X(NAME) X(CONST) X(TUPLE) X(LIST) X(DICT) X(SET) X(LISTCOMP) X(SETCOMP) X(DICTCOMP) \
	X(GENEXP) X(COMPFOR) X(LAMBDA) X(IFEXP) X(AND) X(OR) X(NOT) X(UNARY) X(BINOP) X(COMPARE) \
	X(CALL) X(KEYWORD) X(ATTR) X(SUBSCR) X(SLICE) X(STARRED) X(DSTARRED) X(YIELD) \
	X(YIELDFROM) X(AWAIT) X(FSTRING) X(FVALUE) X(NAMEDEXPR) X(ARG)
#define X(n) N_##n,
enum { NODE_KINDS(X) N__COUNT };
#undef X

typedef struct node node;
struct node {
	uint8_t kind, op;
	uint16_t flags;
	int line, col;
	qv_obj v;        /* a name or a constant */
	node *a, *b, *c, *d;
	node **list;     /* body, elements, arguments */
	int n, cap;
	node **list2;    /* else/orelse, handlers, keywords */
	int n2, cap2;
	void *scope;     /* the compiler's symbol table for scoped nodes */
};
/* flags */
enum { NF_ASYNC = 1, NF_STAR = 2, NF_DSTAR = 4, NF_KWONLY = 8, NF_PAREN = 16, NF_HASFINALLY = 32,
       NF_POSONLY = 64 };

node *parse_source(qv_ctx *c, const char *src, size_t len, qv_obj filename, int mode);

#endif
