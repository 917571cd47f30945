/* The bytecode file format (docs/bytecode.md): serializing code objects and
 * loading them back. The loader trusts nothing: every length is checked
 * against the bytes left, the CRC must match, and every code object is
 * verified (opcodes, argument ranges, jump targets, stack depth) before it
 * can run, so a corrupt or hostile file gives an error, never a crash. */
#include "rt.h"
#include "opcodes.h"

#define BC_MAGIC "QVBC"
#define BC_VERSION 1
#define BC_HEADER 16
#define MAX_NEST 32

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* ------------------------------------------------------------ writing */
static void w_u8(sbuf *b, unsigned v) { sb_addc(b, (char)v); }
static void w_u16(sbuf *b, unsigned v) { w_u8(b, v & 0xff); w_u8(b, (v >> 8) & 0xff); }
static void w_u32(sbuf *b, uint32_t v) { w_u16(b, v & 0xffff); w_u16(b, v >> 16); }
static void w_u64(sbuf *b, uint64_t v) { w_u32(b, (uint32_t)v); w_u32(b, (uint32_t)(v >> 32)); }
static void w_bytes(sbuf *b, const char *p, size_t n) { w_u32(b, (uint32_t)n); sb_add(b, p, n); }

static void w_obj(qv_ctx *c, sbuf *b, qv_obj o);

static void w_code(qv_ctx *c, sbuf *b, qv_code *co)
{
	w_u8(b, 'C');
	w_obj(c, b, co->name);
	w_obj(c, b, co->filename);
	w_u32(b, co->firstline);
	w_u16(b, co->nargs);
	w_u16(b, co->nkwonly);
	w_u16(b, co->nlocals);
	w_u16(b, co->ncells);
	w_u16(b, co->nfree);
	w_u16(b, co->stacksize);
	w_u16(b, co->flags);
	w_u16(b, co->nposonly);
	w_bytes(b, (const char *)co->code, co->ncode);
	w_bytes(b, (const char *)co->lines, co->nlines);
	w_u32(b, co->nconsts);
	for (uint32_t i = 0; i < co->nconsts; i++)
		w_obj(c, b, co->consts[i]);
	unsigned nn = (unsigned)co->nlocals + co->ncells + co->nfree;
	for (unsigned i = 0; i < nn; i++)
		w_obj(c, b, co->names[i]);
	for (unsigned i = 0; i < co->ncells; i++)
		w_u16(b, (uint16_t)co->cell2arg[i]);
}

static void w_obj(qv_ctx *c, sbuf *b, qv_obj o)
{
	if (o == NONE) w_u8(b, 'N');
	else if (o == TRUE_) w_u8(b, 'T');
	else if (o == FALSE_) w_u8(b, 'F');
	else if (o == ELLIPSIS) w_u8(b, 'E');
	else if (IS_INT(o)) {
		w_u8(b, 'i');
		w_u64(b, (uint64_t)(int64_t)INT_VAL(o));
	} else if (is_intlike(o)) {
		qv_obj s = int_repr_base(c, o, 16, false);
		w_u8(b, 'I');
		w_u8(b, int_sign(o) < 0);
		w_bytes(b, STR(s)->data + (STR(s)->data[0] == '-'), STR(s)->len - (STR(s)->data[0] == '-'));
	} else if (IS(o, qv_float_type)) {
		union { double d; uint64_t u; } u = {FLOAT_VAL(o)};
		w_u8(b, 'f');
		w_u64(b, u.u);
	} else if (IS_STR(o)) {
		w_u8(b, 's');
		w_bytes(b, STR(o)->data, STR(o)->len);
	} else if (IS(o, qv_bytes_type)) {
		w_u8(b, 'b');
		w_bytes(b, STR(o)->data, STR(o)->len);
	} else if (IS(o, qv_tuple_type)) {
		qv_tupleobj *t = (qv_tupleobj *)o;
		w_u8(b, 't');
		w_u32(b, (uint32_t)t->len);
		for (size_t i = 0; i < t->len; i++)
			w_obj(c, b, t->items[i]);
	} else if (IS(o, qv_code_type))
		w_code(c, b, (qv_code *)o);
	else
		qv_raisef(c, EXC(ValueError), "cannot serialize a constant of type %s", type_name(o));
}

qv_obj code_serialize(qv_ctx *c, qv_code *code)
{
	sbuf b;
	sb_init(&b, c, 1024);
	sb_add(&b, BC_MAGIC, 4);
	w_u16(&b, BC_VERSION);
	w_u16(&b, 0);
	w_u32(&b, 0); /* payload length, patched */
	w_u32(&b, 0); /* crc, patched */
	w_code(c, &b, code);
	uint32_t len = (uint32_t)(b.n - BC_HEADER);
	uint32_t crc = crc32((const uint8_t *)b.p + BC_HEADER, len);
	for (int i = 0; i < 4; i++) {
		b.p[8 + i] = (char)(len >> (8 * i));
		b.p[12 + i] = (char)(crc >> (8 * i));
	}
	return sb_bytes(&b);
}

/* ------------------------------------------------------------ reading */
typedef struct {
	qv_ctx *c;
	const uint8_t *p, *e;
	const char *err;
	int depth;
} reader;

static bool need(reader *r, size_t n)
{
	if ((size_t)(r->e - r->p) < n) {
		if (!r->err)
			r->err = "truncated bytecode";
		return false;
	}
	return true;
}

static uint32_t r_u8(reader *r) { if (!need(r, 1)) return 0; return *r->p++; }
static uint32_t r_u16(reader *r) { uint32_t lo = r_u8(r); return lo | r_u8(r) << 8; }
static uint32_t r_u32(reader *r) { uint32_t lo = r_u16(r); return lo | r_u16(r) << 16; }
static uint64_t r_u64(reader *r) { uint64_t lo = r_u32(r); return lo | (uint64_t)r_u32(r) << 32; }

static const uint8_t *r_bytes(reader *r, uint32_t *n)
{
	*n = r_u32(r);
	if (r->err || !need(r, *n))
		return NULL;
	const uint8_t *p = r->p;
	r->p += *n;
	return p;
}

static qv_obj r_obj(reader *r);

static bool fail(reader *r, const char *msg)
{
	if (!r->err)
		r->err = msg;
	return false;
}

static const int8_t effects[] = {
#define X(n, a, e) e,
	OPCODES(X)
#undef X
};

static int var_effect(int op, int arg)
{
	switch (op) {
	case I_CALL_FUNCTION: return -((arg & 0xff) + 2 * (arg >> 8));
	case I_CALL_METHOD: return -((arg & 0xff) + 2 * (arg >> 8)) - 1;
	case I_CALL_EX: return -1 - (arg & 1);
	case I_BUILD_TUPLE: case I_BUILD_LIST: case I_BUILD_SET: case I_BUILD_STRING: return 1 - arg;
	case I_BUILD_MAP: return 1 - 2 * arg;
	case I_BUILD_SLICE: return 1 - arg;
	case I_UNPACK_SEQUENCE: return arg - 1;
	case I_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
	case I_MAKE_FUNCTION: return -rt_popcount(arg & 0xf);
	case I_RAISE_VARARGS: return -arg;
	case I_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
	default: return 0;
	}
}

/* How many stack entries an instruction needs before it runs. */
static int needs(int op, int arg)
{
	switch (op) {
	case I_CALL_FUNCTION: return 1 + (arg & 0xff) + 2 * (arg >> 8);
	case I_CALL_METHOD: return 2 + (arg & 0xff) + 2 * (arg >> 8);
	case I_CALL_EX: return 2 + (arg & 1);
	case I_BUILD_TUPLE: case I_BUILD_LIST: case I_BUILD_SET: case I_BUILD_STRING: return arg;
	case I_BUILD_MAP: return 2 * arg;
	case I_BUILD_SLICE: return arg == 2 || arg == 3 ? arg : 99999;
	case I_UNPACK_SEQUENCE: case I_UNPACK_EX: return 1;
	case I_MAKE_FUNCTION: return 1 + rt_popcount(arg & 0xf);
	case I_RAISE_VARARGS: return arg <= 2 ? arg : 99999;
	case I_FORMAT_VALUE: return (arg & 4) ? 2 : 1;
	case I_LIST_APPEND: case I_SET_ADD: case I_LIST_EXTEND: case I_SET_UPDATE: case I_DICT_UPDATE:
		return arg + 1;
	case I_MAP_ADD: return arg + 2;
	case I_ROT_TWO: case I_DUP_TOP_TWO: case I_STORE_ATTR: case I_DELETE_SUBSCR: case I_BINARY_SUBSCR:
	case I_BINARY_OP: case I_COMPARE_OP: case I_EXC_MATCH: case I_DICT_MERGE: case I_WITH_EXIT_EXC:
	case I_END_ASYNC_FOR: case I_IMPORT_NAME: case I_YIELD_FROM:
		return 2;
	case I_ROT_THREE: case I_STORE_SUBSCR: return 3;
	case I_NOP: case I_LOAD_CONST: case I_LOAD_SMALL_INT: case I_LOAD_FAST: case I_LOAD_DEREF:
	case I_LOAD_CLOSURE: case I_LOAD_NAME: case I_LOAD_GLOBAL: case I_LOAD_NONE: case I_LOAD_TRUE:
	case I_LOAD_FALSE: case I_LOAD_ASSERTION_ERROR: case I_LOAD_BUILD_CLASS: case I_JUMP:
	case I_SETUP_EXCEPT: case I_POP_BLOCK: case I_POP_EXCEPT: case I_DELETE_FAST: case I_DELETE_DEREF:
	case I_DELETE_NAME: case I_DELETE_GLOBAL: case I_EXTENDED_ARG: case I_HAVE_ARG: case I_SETUP_ANNOTATIONS:
		return 0;
	default: return 1;
	}
}

/* Walks every path through the code with its stack depth. */
static bool verify(reader *r, qv_code *co)
{
	qv_ctx *c = r->c;
	uint32_t n = co->ncode;
	if (n == 0)
		return fail(r, "empty code object");
	uint8_t *start = gc_alloc(c, n + 1, true); /* 1 at instruction starts */
	int32_t *depth = gc_alloc(c, sizeof(int32_t) * (n + 1), true);
	uint32_t *work = gc_alloc(c, sizeof(uint32_t) * (n + 1), true);
	for (uint32_t pc = 0; pc < n;) {
		start[pc] = 1;
		depth[pc] = -1;
		uint8_t op = co->code[pc];
		if (op >= I__COUNT)
			return fail(r, "unknown opcode");
		pc += op > I_HAVE_ARG ? 3 : 1;
		if (pc > n)
			return fail(r, "instruction runs past the end of the code");
	}
	uint32_t nslots = (uint32_t)co->ncells + co->nfree;
	int limit = co->stacksize;
	size_t nw = 0;
	depth[0] = 0;
	work[nw++] = 0;
	uint32_t pushed_guard = 0;
	while (nw) {
		uint32_t pc = work[--nw];
		int d = depth[pc];
		for (;;) {
			if (++pushed_guard > 4u * n + 64u)
				return fail(r, "code too complex to verify");
			uint8_t op = co->code[pc];
			uint32_t next = pc + (op > I_HAVE_ARG ? 3 : 1);
			int arg = op > I_HAVE_ARG ? (co->code[pc + 1] | co->code[pc + 2] << 8) : 0;
			if (op == I_EXTENDED_ARG) {
				if (next >= n || co->code[next] <= I_HAVE_ARG || co->code[next] == I_EXTENDED_ARG)
					return fail(r, "bad extended argument");
				op = co->code[next];
				arg = (arg << 16) | co->code[next + 1] | co->code[next + 2] << 8;
				next += 3;
				if (op != I_LOAD_CONST && op != I_LOAD_NAME && op != I_STORE_NAME && op != I_LOAD_GLOBAL &&
				    op != I_STORE_GLOBAL && op != I_LOAD_ATTR && op != I_STORE_ATTR && op != I_LOAD_METHOD &&
				    op != I_DELETE_NAME && op != I_DELETE_GLOBAL && op != I_DELETE_ATTR && op != I_IMPORT_NAME &&
				    op != I_IMPORT_FROM)
					return fail(r, "bad extended argument");
			}
			if (d < needs(op, arg))
				return fail(r, "stack underflow in bytecode");
			/* argument ranges */
			switch (op) {
			case I_LOAD_CONST:
				if ((uint32_t)arg >= co->nconsts)
					return fail(r, "constant index out of range");
				break;
			case I_LOAD_NAME: case I_STORE_NAME: case I_DELETE_NAME: case I_LOAD_GLOBAL: case I_STORE_GLOBAL:
			case I_DELETE_GLOBAL: case I_LOAD_ATTR: case I_STORE_ATTR: case I_DELETE_ATTR: case I_LOAD_METHOD:
			case I_IMPORT_NAME: case I_IMPORT_FROM:
				if ((uint32_t)arg >= co->nconsts || !IS_STR(co->consts[arg]))
					return fail(r, "name index out of range");
				break;
			case I_LOAD_FAST: case I_STORE_FAST: case I_DELETE_FAST:
				if (arg >= co->nlocals)
					return fail(r, "local variable index out of range");
				break;
			case I_LOAD_DEREF: case I_STORE_DEREF: case I_DELETE_DEREF: case I_LOAD_CLOSURE:
				if ((uint32_t)arg >= nslots)
					return fail(r, "cell index out of range");
				break;
			case I_BINARY_OP:
				if ((arg & ~OP_INPLACE) > OP_MATMUL)
					return fail(r, "bad operator");
				break;
			case I_COMPARE_OP:
				if (arg < OP_LT || arg > OP_EXC_MATCH)
					return fail(r, "bad comparison");
				break;
			case I_UNARY_OP:
				if (arg > UOP_NOT)
					return fail(r, "bad unary operator");
				break;
			default:
				break;
			}
			int e = effects[op] == VAR ? var_effect(op, arg) : effects[op];
			int nd = d + e;
			if (nd < 0 || nd > limit || d > limit)
				return fail(r, "stack overflow in bytecode");
			/* branches */
			int32_t target = -1, tdepth = 0;
			bool falls = true;
			switch (op) {
			case I_JUMP: target = arg; tdepth = d; falls = false; break;
			case I_POP_JUMP_IF_FALSE: case I_POP_JUMP_IF_TRUE: target = arg; tdepth = d - 1; break;
			case I_JUMP_IF_FALSE_OR_POP: case I_JUMP_IF_TRUE_OR_POP: target = arg; tdepth = d; nd = d - 1; break;
			case I_FOR_ITER: target = arg; tdepth = d - 1; break;
			case I_SETUP_EXCEPT: target = arg; tdepth = d + 1; break;
			case I_SETUP_WITH: target = arg; tdepth = d + 1; break;
			case I_SETUP_ASYNC_WITH: target = arg; tdepth = d; break;
			case I_RETURN_VALUE: case I_RERAISE: case I_RAISE_VARARGS: falls = false; break;
			default: break;
			}
			if (target >= 0) {
				if ((uint32_t)target >= n || !start[target])
					return fail(r, "jump target out of range");
				if (tdepth > limit || tdepth < 0)
					return fail(r, "stack overflow in bytecode");
				if (depth[target] < 0) {
					depth[target] = tdepth;
					work[nw++] = (uint32_t)target;
					if (nw > n)
						return fail(r, "code too complex to verify");
				} else if (depth[target] != tdepth)
					return fail(r, "inconsistent stack depth in bytecode");
			}
			if (!falls)
				break;
			if (next >= n)
				return fail(r, "code falls off its end");
			if (depth[next] >= 0) {
				if (depth[next] != nd)
					return fail(r, "inconsistent stack depth in bytecode");
				break;
			}
			depth[next] = nd;
			pc = next;
			d = nd;
		}
	}
	return true;
}

static qv_obj r_code(reader *r)
{
	qv_ctx *c = r->c;
	qv_code *co = NEW(c, qv_code);
	co->type = &qv_code_type;
	co->name = r_obj(r);
	co->filename = r_obj(r);
	if (r->err)
		return NULL;
	if (!IS_STR(co->name) || !IS_STR(co->filename))
		return fail(r, "bad code object names"), NULL;
	co->firstline = r_u32(r);
	co->nargs = (uint16_t)r_u16(r);
	co->nkwonly = (uint16_t)r_u16(r);
	co->nlocals = (uint16_t)r_u16(r);
	co->ncells = (uint16_t)r_u16(r);
	co->nfree = (uint16_t)r_u16(r);
	co->stacksize = (uint16_t)r_u16(r);
	co->flags = (uint16_t)r_u16(r);
	co->nposonly = (uint16_t)r_u16(r);
	if (co->nposonly > co->nargs)
		return fail(r, "bad positional-only count"), NULL;
	uint32_t n;
	const uint8_t *p = r_bytes(r, &n);
	if (!p)
		return NULL;
	co->ncode = n;
	co->code = gc_alloc(c, n + 1, true);
	__builtin_memcpy(co->code, p, n);
	p = r_bytes(r, &n);
	if (!p)
		return NULL;
	co->nlines = n;
	co->lines = gc_alloc(c, n + 1, true);
	__builtin_memcpy(co->lines, p, n);
	n = r_u32(r);
	if (r->err || n > (uint32_t)(r->e - r->p))
		return fail(r, "bad constant count"), NULL;
	co->nconsts = n;
	co->consts = gc_alloc(c, sizeof(qv_obj) * (n + 1), false);
	for (uint32_t i = 0; i < n; i++) {
		co->consts[i] = r_obj(r);
		if (r->err)
			return NULL;
	}
	uint32_t nn = (uint32_t)co->nlocals + co->ncells + co->nfree;
	unsigned extra = ((co->flags & CO_VARARGS) != 0) + ((co->flags & CO_VARKW) != 0);
	if (nn > (uint32_t)(r->e - r->p) || (uint32_t)co->nargs + co->nkwonly + extra > co->nlocals)
		return fail(r, "bad variable counts"), NULL;
	co->names = gc_alloc(c, sizeof(qv_obj) * (nn + 1), false);
	for (uint32_t i = 0; i < nn; i++) {
		co->names[i] = r_obj(r);
		if (r->err)
			return NULL;
		if (!IS_STR(co->names[i]))
			return fail(r, "variable name is not a string"), NULL;
	}
	co->cell2arg = gc_alloc(c, sizeof(int16_t) * (co->ncells + 1u), true);
	for (unsigned i = 0; i < co->ncells; i++) {
		int16_t v = (int16_t)r_u16(r);
		if (v >= (int)co->nlocals || v < -1)
			return fail(r, "bad cell argument index"), NULL;
		co->cell2arg[i] = v;
	}
	if (r->err || !verify(r, co))
		return NULL;
	co->nblocks = code_block_max(co->code, co->ncode);
	return (qv_obj)co;
}

static qv_obj r_obj(reader *r)
{
	qv_ctx *c = r->c;
	if (++r->depth > MAX_NEST) {
		fail(r, "constants nested too deeply");
		return NONE;
	}
	uint32_t tag = r_u8(r), n;
	const uint8_t *p;
	qv_obj o = NONE;
	switch (tag) {
	case 'N': o = NONE; break;
	case 'T': o = TRUE_; break;
	case 'F': o = FALSE_; break;
	case 'E': o = ELLIPSIS; break;
	case 'i': o = int_from_i64(c, (int64_t)r_u64(r)); break;
	case 'I': {
		bool neg = r_u8(r) != 0;
		p = r_bytes(r, &n);
		if (!p)
			break;
		bool ok;
		o = int_parse(c, (const char *)p, n, 16, &ok);
		if (!ok || n == 0)
			fail(r, "bad integer constant");
		else if (neg)
			o = qv_unop(c, UOP_NEG, o);
		break;
	}
	case 'f': {
		union { uint64_t u; double d; } u = {r_u64(r)};
		o = float_new(c, u.d);
		break;
	}
	case 's':
		p = r_bytes(r, &n);
		if (p)
			o = str_intern(c, (const char *)p, n);
		break;
	case 'b':
		p = r_bytes(r, &n);
		if (p)
			o = bytes_new(c, (const char *)p, n);
		break;
	case 't':
		n = r_u32(r);
		if (r->err || n > (uint32_t)(r->e - r->p)) {
			fail(r, "bad tuple length");
			break;
		}
		o = tuple_new(c, n);
		for (uint32_t i = 0; i < n && !r->err; i++)
			((qv_tupleobj *)o)->items[i] = r_obj(r);
		break;
	case 'C':
		o = r_code(r);
		if (!o)
			o = NONE;
		break;
	default:
		fail(r, "unknown constant tag");
	}
	r->depth--;
	return o;
}

qv_code *code_load(qv_ctx *c, const uint8_t *p, size_t n, const char **err)
{
	if (n < BC_HEADER || __builtin_memcmp(p, BC_MAGIC, 4) != 0) {
		*err = "not a questv bytecode file (bad magic)";
		return NULL;
	}
	unsigned version = p[4] | p[5] << 8;
	if (version != BC_VERSION) {
		*err = "unsupported bytecode version";
		return NULL;
	}
	uint32_t len = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
	uint32_t crc = (uint32_t)p[12] | (uint32_t)p[13] << 8 | (uint32_t)p[14] << 16 | (uint32_t)p[15] << 24;
	if (len != n - BC_HEADER) {
		*err = "bytecode length does not match the file (truncated or padded)";
		return NULL;
	}
	if (crc32(p + BC_HEADER, len) != crc) {
		*err = "bytecode checksum mismatch (corrupt file)";
		return NULL;
	}
	reader r = {c, p + BC_HEADER, p + n, NULL, 0};
	if (r_u8(&r) != 'C') {
		*err = "bytecode does not start with a code object";
		return NULL;
	}
	r.p--;
	qv_obj o = r_obj(&r);
	if (!r.err && r.p != r.e)
		r.err = "trailing bytes after the code object";
	if (r.err || !IS(o, qv_code_type)) {
		*err = r.err ? r.err : "bad code object";
		return NULL;
	}
	return (qv_code *)o;
}
