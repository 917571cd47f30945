/* A small RAM filesystem for one sandbox, served to the runtime as a qv_fs.
 *
 * Everything lives inside the one block handed to ramfs_init: the state
 * header, a fixed table of inodes (files and directories, one per 2 KiB of
 * the block, at least 8), a table of open handles and a data arena. A file's
 * bytes are always one contiguous extent of the arena, so a module finder can
 * hand the runtime a pointer straight into the filesystem; when a growing
 * file runs into its neighbour it moves to a free gap or, failing that, the
 * arena is compacted. No global state: several filesystems can coexist.
 *
 * Wiring into a port: the qv_fs functions receive the port's user pointer,
 * which the port shares with its other hooks. It must point to a struct
 * whose FIRST member is the `struct ramfs *` (struct ramfs_user below, or
 * the port's own struct starting with that pointer).
 *
 * Concurrency: calls are not reentrant. A port that lets several threads
 * use one filesystem installs a lock with ramfs_set_lock; every qv_fs entry
 * point then runs under it.
 *
 * Freestanding: needs only <stddef.h>, <stdint.h>, <stdbool.h>. */
#ifndef RAMFS_H
#define RAMFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qv.h"

#define RAMFS_NAME_MAX 63     /* bytes in one path component */
#define RAMFS_MAX_HANDLES 16  /* files open at once */

struct ramfs;

/* What the port's user pointer must begin with. */
struct ramfs_user {
	struct ramfs *fs;
};

/* Formats mem[0..size) as an empty filesystem (just "/"). Returns NULL if
 * the block is too small (under about 4 KiB). */
struct ramfs *ramfs_init(void *mem, size_t size);

/* The qv_fs table (shared, read-only). */
const qv_fs *ramfs_ops(void);

/* Optional: a clock for mtimes in microseconds (since 1970 if the port
 * knows the date, else since boot; stat reports whole seconds; without a
 * clock mtime stays 0), and a lock around every operation. */
void ramfs_set_clock(struct ramfs *fs, uint64_t (*now_us)(void *user), void *user);
void ramfs_set_lock(struct ramfs *fs, void (*lock)(void *user), void (*unlock)(void *user),
		    void *user);

/* Finds an importable module by dotted name ("pkg.mod") in the current
 * directory, then "/", then "/lib": NAME.py, NAME/__init__.py, NAME.qbc
 * (bytecode; *is_bytecode is set). Returns a pointer to the file's bytes
 * (valid until the filesystem is next modified) with *len, and writes the
 * file's absolute path to origin (truncated to origin_cap), or NULL. */
const char *ramfs_find_module(struct ramfs *fs, const char *dotted, size_t *len,
			      bool *is_bytecode, char *origin, size_t origin_cap);

/* Direct (non-qv_fs) helpers for ports and tests. */
/* Whole-file read: pointer to its bytes (valid until the next change) or
 * NULL with *err a negative errno. */
const char *ramfs_file_data(struct ramfs *fs, const char *path, size_t *len, int *err);
/* Checks the internal invariants (extents inside the arena and disjoint,
 * parents are directories, handle counts); 0 if sound, else a negative
 * code naming the first broken one. For tests. */
int ramfs_check(struct ramfs *fs);

#endif
