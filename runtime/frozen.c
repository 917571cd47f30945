/* Modules written in Python, compiled on first import. */
typedef struct { const char *name; const char *src; } qv_frozen;

const qv_frozen qv_frozen_modules[] = {
	{0, 0},
};
