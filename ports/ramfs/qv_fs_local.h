/* The qv_fs interface as agreed with the runtime, used only while
 * runtime/qv.h does not declare it yet: mk/repl.mk defines
 * RAMFS_LOCAL_QV_FS when qv.h has no `struct qv_fs`. Once qv.h declares it,
 * qv.h is the only definition. */
#ifndef RAMFS_QV_FS_LOCAL_H
#define RAMFS_QV_FS_LOCAL_H
#include <stddef.h>
#include <stdint.h>

typedef struct qv_fs_stat { uint32_t mode; uint64_t size; uint64_t mtime; } qv_fs_stat;
enum { QV_FS_READ = 1, QV_FS_WRITE = 2, QV_FS_CREATE = 4, QV_FS_TRUNC = 8, QV_FS_APPEND = 16 };
typedef struct qv_fs {
	int  (*open)(void *user, const char *path, int flags, void **handle);
	long (*read)(void *user, void *h, void *buf, size_t n);
	long (*write)(void *user, void *h, const void *buf, size_t n);
	long (*seek)(void *user, void *h, long off, int whence);
	int  (*close)(void *user, void *h);
	int  (*stat)(void *user, const char *path, qv_fs_stat *st);
	int  (*listdir)(void *user, const char *path, size_t index, char *name, size_t cap);
	int  (*remove)(void *user, const char *path);
	int  (*rename)(void *user, const char *from, const char *to);
	int  (*mkdir)(void *user, const char *path);
	int  (*rmdir)(void *user, const char *path);
	int  (*chdir)(void *user, const char *path);
	int  (*getcwd)(void *user, char *buf, size_t cap);
	int  (*statvfs)(void *user, uint64_t *total, uint64_t *free);
} qv_fs;
#endif
