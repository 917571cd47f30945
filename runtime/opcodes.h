/* The instruction set, written once. X(name, has_arg, stack_effect):
 * the effect is the change in stack depth, or VAR when it depends on the
 * argument (computed by the compiler's stack_effect()). An instruction is one
 * byte, followed by a 16-bit little-endian argument when it has one. */
#ifndef QV_OPCODES_H
#define QV_OPCODES_H

#define VAR 99
#define OPCODES(X) \
	X(NOP, 0, 0) X(POP_TOP, 0, -1) X(ROT_TWO, 0, 0) X(ROT_THREE, 0, 0) X(DUP_TOP, 0, 1) \
	X(DUP_TOP_TWO, 0, 2) X(RETURN_VALUE, 0, -1) X(BINARY_SUBSCR, 0, -1) \
	X(STORE_SUBSCR, 0, -3) X(DELETE_SUBSCR, 0, -2) X(GET_ITER, 0, 0) X(POP_BLOCK, 0, 0) \
	X(POP_EXCEPT, 0, 0) X(RERAISE, 0, -1) X(WITH_EXIT, 0, -1) X(WITH_EXIT_EXC, 0, -2) \
	X(YIELD_VALUE, 0, 0) X(YIELD_FROM, 0, -1) X(GET_AWAITABLE, 0, 0) X(LOAD_BUILD_CLASS, 0, 1) \
	X(IMPORT_STAR, 0, -1) X(PRINT_EXPR, 0, -1) X(LOAD_NONE, 0, 1) X(LOAD_TRUE, 0, 1) \
	X(LOAD_FALSE, 0, 1) X(LIST_TO_TUPLE, 0, 0) X(SETUP_ANNOTATIONS, 0, 0) \
	X(LOAD_ASSERTION_ERROR, 0, 1) X(EXC_MATCH, 0, -1) X(DICT_MERGE, 0, -1) \
	X(GET_YIELD_FROM_ITER, 0, 0) X(BEFORE_ASYNC_WITH, 0, 1) X(GET_AITER, 0, 0) \
	X(GET_ANEXT, 0, 1) X(END_ASYNC_FOR, 0, -2) \
	/* with an argument */ \
	X(HAVE_ARG, 1, 0) \
	X(LOAD_CONST, 1, 1) X(LOAD_SMALL_INT, 1, 1) X(LOAD_FAST, 1, 1) X(STORE_FAST, 1, -1) \
	X(DELETE_FAST, 1, 0) X(LOAD_DEREF, 1, 1) X(STORE_DEREF, 1, -1) X(DELETE_DEREF, 1, 0) \
	X(LOAD_CLOSURE, 1, 1) X(LOAD_NAME, 1, 1) X(STORE_NAME, 1, -1) X(DELETE_NAME, 1, 0) \
	X(LOAD_GLOBAL, 1, 1) X(STORE_GLOBAL, 1, -1) X(DELETE_GLOBAL, 1, 0) X(LOAD_ATTR, 1, 0) \
	X(STORE_ATTR, 1, -2) X(DELETE_ATTR, 1, -1) X(LOAD_METHOD, 1, 1) X(CALL_METHOD, 1, VAR) \
	X(CALL_FUNCTION, 1, VAR) X(CALL_EX, 1, VAR) X(BINARY_OP, 1, -1) X(UNARY_OP, 1, 0) \
	X(COMPARE_OP, 1, -1) X(JUMP, 1, 0) X(POP_JUMP_IF_FALSE, 1, -1) X(POP_JUMP_IF_TRUE, 1, -1) \
	X(JUMP_IF_FALSE_OR_POP, 1, 0) X(JUMP_IF_TRUE_OR_POP, 1, 0) X(FOR_ITER, 1, 1) \
	X(BUILD_TUPLE, 1, VAR) X(BUILD_LIST, 1, VAR) X(BUILD_SET, 1, VAR) X(BUILD_MAP, 1, VAR) \
	X(BUILD_SLICE, 1, VAR) X(BUILD_STRING, 1, VAR) X(LIST_APPEND, 1, -1) X(SET_ADD, 1, -1) \
	X(MAP_ADD, 1, -2) X(LIST_EXTEND, 1, -1) X(SET_UPDATE, 1, -1) X(DICT_UPDATE, 1, -1) \
	X(UNPACK_SEQUENCE, 1, VAR) X(UNPACK_EX, 1, VAR) X(MAKE_FUNCTION, 1, VAR) \
	X(SETUP_EXCEPT, 1, 0) X(SETUP_WITH, 1, 1) X(RAISE_VARARGS, 1, VAR) \
	X(IMPORT_NAME, 1, -1) X(IMPORT_FROM, 1, 1) X(FORMAT_VALUE, 1, VAR) \
	X(EXTENDED_ARG, 1, 0) X(ROT_N, 1, 0) X(SETUP_ASYNC_WITH, 1, 0)

#define X(n, a, e) I_##n,
enum { OPCODES(X) I__COUNT };
#undef X
#endif
