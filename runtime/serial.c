/* The bytecode file format (docs/bytecode.md): serializing code objects and
 * loading them back with every field checked. */
#include "rt.h"

qv_obj code_serialize(qv_ctx *c, qv_code *code)
{
	UNUSED(code);
	qv_raisef(c, EXC(NotImplementedError), "bytecode output is not implemented yet");
}

qv_code *code_load(qv_ctx *c, const uint8_t *p, size_t n, const char **err)
{
	UNUSED(c); UNUSED(p); UNUSED(n);
	*err = "bytecode loading is not implemented yet";
	return NULL;
}
