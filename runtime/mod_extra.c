/* Built-in modules of data formats: struct, binascii, and the C halves of
 * random, json and re. */
#include "rt.h"

void init_struct(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
void init_binascii(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
void init_random_c(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
void init_json_c(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
void init_re_c(qv_ctx *c, qv_obj d) { UNUSED(c); UNUSED(d); }
