/* Modules written in Python (the .py files in runtime/py), compiled on first
 * import. genfrozen.py turns them into the string table below at build
 * time. */
typedef struct { const char *name; const char *src; } qv_frozen;

const qv_frozen qv_frozen_modules[] = {
#include "frozen_gen.h"
	{0, 0},
};
